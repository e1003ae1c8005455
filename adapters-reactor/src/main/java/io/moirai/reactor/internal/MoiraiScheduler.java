package io.moirai.reactor.internal;

import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import reactor.core.Disposable;
import reactor.core.Exceptions;
import reactor.core.Scannable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A Reactor {@link Scheduler} whose tasks run on a Moirai runtime's compute workers or blocking pool,
 * and whose delays and periods use the runtime's timer wheel.
 *
 * <p><b>Lifecycle.</b> Open until {@link #dispose()} or {@link #disposeGracefully()}; afterwards every
 * {@code schedule*} and {@code createWorker().schedule*} throws {@link RejectedExecutionException}, as
 * Reactor's own schedulers do. {@code dispose} cancels every pending task, timer and periodic task
 * (a running blocking task is interrupted); {@code disposeGracefully} stops periodic tasks and lets
 * pending one-shot tasks (delayed ones included) run, completing its {@code Mono} when nothing is
 * left. Neither shuts the Moirai runtime down. {@code init}/{@code start} have nothing to start.
 *
 * <p><b>Hooks.</b> Every task passes through {@link Schedulers#onSchedule} when it is scheduled.
 * A task that throws is reported to {@code Hooks.onErrorDropped}; the thread survives.
 *
 * <p>Threads: every method may be called from any thread.
 */
public final class MoiraiScheduler implements Scheduler, Scannable {

    private static final int OPEN = 0;
    private static final int DRAINING = 1;
    private static final int DISPOSED = 2;

    private final Dispatch dispatch;
    private final String name;
    /** Live direct tasks and workers, so that disposal reaches them; each removes itself when done. */
    private final Set<Tracked> live = ConcurrentHashMap.newKeySet();
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private volatile int state;

    /**
     * @param dispatch where tasks run
     * @param name the name {@link Scannable.Attr#NAME} reports
     */
    public MoiraiScheduler(Dispatch dispatch, String name) {
        this.dispatch = dispatch;
        this.name = name;
    }

    /** Something the scheduler must reach at disposal: a direct task or a worker. */
    interface Tracked {
        /** Cancels what is pending (dispose). */
        void cancelAll();

        /** Graceful disposal began: stop periodic work, let one-shot work finish. */
        void stopPeriodic();

        /** @return whether nothing is pending or running */
        boolean isIdle();
    }

    Dispatch dispatch() {
        return dispatch;
    }

    /** Registers a task or worker; refused once disposal began. */
    void track(Tracked t) {
        if (state != OPEN) {
            throw Exceptions.failWithRejected();
        }
        live.add(t);
        if (state != OPEN && live.remove(t)) {
            throw Exceptions.failWithRejected(); // disposal raced with us and may not have seen t
        }
    }

    /** A task or worker ended. */
    void untrack(Tracked t) {
        live.remove(t);
        if (state == DRAINING) {
            checkDrained();
        }
    }

    /** Something went idle during a graceful disposal: complete it when everything is. */
    void checkDrained() {
        if (state != OPEN && live.stream().allMatch(Tracked::isIdle)) {
            terminated.complete(null);
        }
    }

    /** @throws RejectedExecutionException if the scheduler was disposed */
    void ensureOpen() {
        if (state != OPEN) {
            throw Exceptions.failWithRejected();
        }
    }

    @Override
    public Disposable schedule(Runnable task) {
        Objects.requireNonNull(task, "task");
        return DirectTask.start(this, Schedulers.onSchedule(task), 0L, TimeUnit.NANOSECONDS);
    }

    @Override
    public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(unit, "unit");
        return DirectTask.start(this, Schedulers.onSchedule(task), delay, unit);
    }

    @Override
    public Disposable schedulePeriodically(Runnable task, long initialDelay, long period, TimeUnit unit) {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(unit, "unit");
        return PeriodicTask.start(this, null, Schedulers.onSchedule(task), initialDelay, period, unit);
    }

    @Override
    public Worker createWorker() {
        return new SerialWorker(this);
    }

    @Override
    public void dispose() {
        state = DISPOSED;
        for (Tracked t : live) {
            t.cancelAll();
        }
        live.clear();
        terminated.complete(null);
    }

    @Override
    public Mono<Void> disposeGracefully() {
        return Mono.defer(() -> {
            if (state == OPEN) {
                state = DRAINING;
                for (Tracked t : live) {
                    t.stopPeriodic();
                }
                checkDrained();
            }
            return Mono.fromFuture(terminated, true);
        });
    }

    @Override
    public boolean isDisposed() {
        return state != OPEN;
    }

    @Override
    public void init() {
        ensureOpen(); // nothing to start: the runtime's threads are already running
    }

    @Override
    @SuppressWarnings("deprecation")
    public void start() {
        init();
    }

    @Override
    public Object scanUnsafe(Attr key) {
        if (key == Attr.NAME) {
            return name;
        }
        if (key == Attr.CAPACITY) {
            return dispatch.blocking() ? dispatch.moirai().maxBlockingThreads() : dispatch.moirai().workerThreads();
        }
        if (key == Attr.TERMINATED || key == Attr.CANCELLED) {
            return isDisposed();
        }
        if (key == Attr.BUFFERED) {
            return live.size();
        }
        return null;
    }

    @Override
    public String toString() {
        return name;
    }
}
