package io.moirai.reactor.internal;

import io.moirai.internal.util.VarHandles;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import reactor.core.Disposable;
import reactor.core.Scannable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A Reactor {@link Scheduler} whose tasks run on a Moirai runtime's compute workers or blocking pool,
 * and whose delays and periods use the runtime's timer wheel. It follows the contract Reactor's own
 * schedulers keep (reactor-core's scheduler test suite passes against it):
 *
 * <ul>
 *   <li><b>Lifecycle.</b> Open from creation. {@link #dispose()} cancels every waiting task, timer and
 *       periodic task, interrupts tasks running on the blocking pool (workers' tasks included), and
 *       rejects further work; {@link #disposeGracefully()} rejects further work, stops periodic tasks
 *       and lets every accepted one-shot task (delayed ones included) run. Either way the
 *       {@code Mono} of {@code disposeGracefully} completes once every accepted task ended; it may be
 *       subscribed any number of times, also after {@code dispose}, and a {@code dispose} after it
 *       forces the end. Neither shuts the Moirai runtime down. Rejection is Reactor's
 *       {@link RejectedExecutionException}; {@link #createWorker()} never throws, but a worker created
 *       after disposal rejects every task, as Reactor's disposed schedulers' workers do.</li>
 *   <li><b>init/start.</b> {@link #init()} is a no-op on an open scheduler and throws
 *       {@link IllegalStateException} after disposal; the deprecated {@link #start()} restarts a
 *       disposed scheduler with a fresh {@link Lifetime} (tasks of the earlier one stay cancelled).</li>
 *   <li><b>Serial schedulers</b> (what {@code Schedulers.single()} becomes when Moirai is installed as
 *       Reactor's default): every direct task and every worker's drain goes through one lane, a worker
 *       on the compute workers, so all of the scheduler's tasks run one at a time, as on Reactor's
 *       single thread.</li>
 *   <li><b>Hooks.</b> Every task passes through {@link Schedulers#onSchedule} when it is scheduled. A
 *       task that throws is reported as Reactor's schedulers report it (see {@link TaskErrors}); the
 *       thread goes on.</li>
 * </ul>
 *
 * <p>Threads: every method may be called from any thread.
 */
public final class MoiraiScheduler implements Scheduler, Scannable {

    private static final VarHandle LIFETIME = VarHandles.field(MethodHandles.lookup(), "lifetime", Lifetime.class);

    private final Dispatch dispatch;
    private final String name;
    private final boolean serial;
    private volatile Lifetime lifetime;

    /**
     * @param dispatch where tasks run
     * @param name the name {@link Scannable.Attr#NAME} and {@code toString} report
     * @param serial whether all tasks run one at a time (compute dispatch only)
     */
    public MoiraiScheduler(Dispatch dispatch, String name, boolean serial) {
        if (serial && dispatch.blocking()) {
            throw new IllegalArgumentException("a serial scheduler runs on the compute workers");
        }
        this.dispatch = dispatch;
        this.name = name;
        this.serial = serial;
        this.lifetime = new Lifetime(this, serial);
    }

    Dispatch dispatch() {
        return dispatch;
    }

    @Override
    public Disposable schedule(Runnable task) {
        Objects.requireNonNull(task, "task");
        Lifetime l = lifetime;
        if (l.lane != null) {
            return l.lane.schedule(task);
        }
        return DirectTask.start(l, Schedulers.onSchedule(task), 0L, TimeUnit.NANOSECONDS);
    }

    @Override
    public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(unit, "unit");
        Lifetime l = lifetime;
        if (l.lane != null) {
            return l.lane.schedule(task, delay, unit);
        }
        return DirectTask.start(l, Schedulers.onSchedule(task), delay, unit);
    }

    @Override
    public Disposable schedulePeriodically(Runnable task, long initialDelay, long period, TimeUnit unit) {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(unit, "unit");
        Lifetime l = lifetime;
        if (l.lane != null) {
            return l.lane.schedulePeriodically(task, initialDelay, period, unit);
        }
        return PeriodicTask.start(l, null, Schedulers.onSchedule(task), initialDelay, period, unit);
    }

    @Override
    public Worker createWorker() {
        Lifetime l = lifetime;
        return new SerialWorker(l, l.lane != null ? l.lane : dispatch);
    }

    @Override
    public void dispose() {
        lifetime.dispose();
    }

    @Override
    public Mono<Void> disposeGracefully() {
        return Mono.defer(() -> {
            Lifetime l = lifetime;
            l.drain();
            return l.whenTerminated();
        });
    }

    @Override
    public boolean isDisposed() {
        return !lifetime.isOpen();
    }

    /**
     * Nothing to start (the runtime's threads are already running).
     *
     * @throws IllegalStateException if the scheduler was disposed, as Reactor's schedulers throw
     */
    @Override
    public void init() {
        if (!lifetime.isOpen()) {
            throw new IllegalStateException("Initializing a disposed scheduler is not permitted");
        }
    }

    /** Restarts a disposed scheduler (Reactor's deprecated restart); a no-op on an open one. */
    @Override
    @Deprecated
    public void start() {
        Lifetime l = lifetime;
        if (!l.isOpen()) {
            LIFETIME.compareAndSet(this, l, new Lifetime(this, serial)); // a racing start already did it
        }
    }

    @Override
    @SuppressWarnings("rawtypes") // Scannable.scanUnsafe takes the raw Attr
    public Object scanUnsafe(Attr key) {
        if (key == Attr.NAME) {
            return name;
        }
        if (key == Attr.CAPACITY) {
            return serial ? 1 : dispatch.blocking() ? dispatch.moirai().maxBlockingThreads() : dispatch.moirai().workerThreads();
        }
        if (key == Attr.TERMINATED || key == Attr.CANCELLED) {
            return isDisposed();
        }
        if (key == Attr.BUFFERED) {
            return lifetime.size();
        }
        return null;
    }

    @Override
    public String toString() {
        return name;
    }
}
