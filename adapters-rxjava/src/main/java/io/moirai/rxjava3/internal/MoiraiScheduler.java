package io.moirai.rxjava3.internal;

import io.moirai.Moirai;
import io.moirai.task.TaskHandle;
import io.reactivex.rxjava3.core.Scheduler;
import io.reactivex.rxjava3.disposables.CompositeDisposable;
import io.reactivex.rxjava3.disposables.Disposable;
import io.reactivex.rxjava3.plugins.RxJavaPlugins;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An RxJava {@link Scheduler} on one Moirai runtime: on its compute workers ({@code blocking = false};
 * tasks go through {@link Moirai#execute}) or on its blocking pool ({@code blocking = true}; tasks go
 * through {@link Moirai#spawnBlocking}). Delays of both wait on {@link Moirai#schedule}'s timers, which
 * hold no thread and never fire early.
 *
 * <p><b>Contract.</b> {@link #createWorker()} returns a {@link SerialWorker} (FIFO, one task at a
 * time). {@link #scheduleDirect} runs tasks with no ordering between them; its {@code Disposable}
 * cancels a task that has not started (and its timer), and on the blocking pool interrupts a running
 * one disposed from another thread. Periodic tasks run at a fixed rate on Moirai's timers, one run at
 * a time ({@link PeriodicTask}). {@code RxJavaPlugins.onSchedule} is applied to every
 * {@link Runnable} given to {@code scheduleDirect} or a worker's {@code schedule} (it also rejects a
 * null one with RxJava's message, {@code "run is null"}); what a task throws goes to
 * {@code RxJavaPlugins.onError}.
 *
 * <p><b>Lifecycle.</b> A <em>generation</em> ({@link CompositeDisposable}) tracks the workers, the
 * pending direct timers and (blocking scheduler) the direct tasks queued or running, all created since
 * the last {@link #start()}. {@link #shutdown()} swaps in a disposed generation and disposes the old
 * one: its workers are disposed (queued tasks dropped, timers cancelled, running blocking tasks
 * interrupted), its pending direct timers cancelled, its running blocking direct tasks interrupted
 * (as {@code Schedulers.io()}'s shutdown does) and its direct tasks not yet started skip themselves;
 * every {@code Disposable} of the old generation then reports {@code isDisposed()}. The runtime keeps
 * running. From then on, as with RxJava's {@code ComputationScheduler} after its {@code shutdown()},
 * every {@code scheduleDirect} and every {@code schedule} on a worker of the old generation reports a
 * {@link RejectedExecutionException} to {@code RxJavaPlugins.onError} and returns
 * {@link Disposable#disposed()}; a worker created meanwhile is handed out undisposed, as RxJava's
 * {@code SHUTDOWN_WORKER}-backed workers are, and rejects each task the same way. {@link #start()}
 * installs a new generation; workers of the old one stay shut down. When the runtime itself rejects
 * work (it was shut down) the scheduler behaves the same way and the worker concerned disposes itself,
 * as in RxJava's {@code ExecutorScheduler}.
 *
 * <p><b>Threads.</b> Every method may be called from any thread, concurrently.
 */
public final class MoiraiScheduler extends Scheduler {

    /** The generation of a scheduler that is shut down. */
    private static final CompositeDisposable SHUT_DOWN = new CompositeDisposable();

    static {
        SHUT_DOWN.dispose();
    }

    private final Moirai moirai;
    private final boolean blocking;
    /** Where the workers' drains run: {@code execute}, or {@code spawnBlocking} on the blocking pool. */
    private final Executor drains = this::startDrain;
    private final AtomicReference<CompositeDisposable> generation =
            new AtomicReference<>(new CompositeDisposable());

    /**
     * @param moirai the runtime, not null
     * @param blocking {@code true} to run on the blocking pool, {@code false} on the compute workers
     */
    public MoiraiScheduler(Moirai moirai, boolean blocking) {
        this.moirai = moirai;
        this.blocking = blocking;
    }

    @Override
    public Worker createWorker() {
        CompositeDisposable g = generation.get();
        SerialWorker worker = new SerialWorker(this, g);
        if (!g.isDisposed()) {
            g.add(worker); // a shutdown racing with this call disposes it at once
        } // else shut down: an undisposed worker whose every task is rejected, as RxJava's
        return worker;
    }

    @Override
    public Disposable scheduleDirect(Runnable run) {
        Objects.requireNonNull(run, "run is null");
        return scheduleDirectDecorated(RxJavaPlugins.onSchedule(run), 0L);
    }

    @Override
    public Disposable scheduleDirect(Runnable run, long delay, TimeUnit unit) {
        Objects.requireNonNull(run, "run is null");
        Objects.requireNonNull(unit, "unit is null");
        return scheduleDirectDecorated(RxJavaPlugins.onSchedule(run), delay <= 0L ? 0L : unit.toNanos(delay));
    }

    /**
     * Fixed rate on Moirai's timers, each run a direct task scheduled when the previous one ended (so
     * runs never overlap; see {@link PeriodicTask}); no worker is created.
     */
    @Override
    public Disposable schedulePeriodicallyDirect(Runnable run, long initialDelay, long period, TimeUnit unit) {
        Objects.requireNonNull(run, "run is null");
        Objects.requireNonNull(unit, "unit is null");
        PeriodicTask task = new PeriodicTask(RxJavaPlugins.onSchedule(run), unit.toNanos(period),
                this::scheduleDirectDecorated, generation.get());
        return task.start(unit.toNanos(initialDelay));
    }

    /**
     * RxJava's clock, as on its own schedulers: {@link System#currentTimeMillis()}, or
     * {@link System#nanoTime()} when the system property {@code rx3.scheduler.use-nanotime} is set.
     * Time operators ({@code timestamp}, {@code timeInterval}) read it; the delays themselves are
     * measured by Moirai's timers on {@code System.nanoTime()}, so a wall-clock jump never makes a
     * delay fire early. The workers use the same clock.
     */
    @Override
    public long now(TimeUnit unit) {
        return super.now(unit);
    }

    /** Installs a new generation if the scheduler is shut down; otherwise does nothing. Idempotent. */
    @Override
    public void start() {
        if (generation.get() == SHUT_DOWN) {
            generation.compareAndSet(SHUT_DOWN, new CompositeDisposable());
        }
    }

    /**
     * Disposes this scheduler's workers and pending timers and rejects new work until {@link #start()}
     * (see the class documentation); never shuts the runtime down. Idempotent.
     */
    @Override
    public void shutdown() {
        CompositeDisposable g = generation.getAndSet(SHUT_DOWN);
        if (g != SHUT_DOWN) {
            g.dispose();
        }
    }

    /** @return whether tasks run on the blocking pool (and may be interrupted) */
    boolean blocking() {
        return blocking;
    }

    /** @return where the workers' drains run; it throws {@link RejectedExecutionException} once the runtime is shut down */
    Executor drains() {
        return drains;
    }

    private void startDrain(Runnable drain) {
        if (blocking) {
            moirai.spawnBlocking(() -> {
                drain.run();
                return null;
            });
        } else {
            moirai.execute(drain);
        }
    }

    /**
     * Starts a timer that fires {@code task}, on a compute worker, after the delay (never earlier).
     *
     * @param delayNanos positive
     */
    TaskHandle<Void> timer(ScheduledTask task, long delayNanos) {
        return moirai.schedule(Duration.ofNanos(delayNanos), task::fire);
    }

    /** A direct task's timer fired (on a compute worker): run it here, or hand it to the blocking pool. */
    void fired(ScheduledTask task) {
        if (!blocking) {
            task.run();
            return;
        }
        try {
            task.setJob(moirai.spawnBlocking(task));
        } catch (RejectedExecutionException e) {
            task.dispose();
            RxJavaPlugins.onError(e);
        }
    }

    /** Reports that this scheduler is shut down and returns the disposed {@code Disposable}. */
    Disposable reject() {
        return reject(new RejectedExecutionException(this + " is shut down"));
    }

    /**
     * Schedules a direct task whose {@code onSchedule} hook was applied.
     *
     * @param delayNanos zero or negative: as soon as possible
     * @return the task, or {@link Disposable#disposed()} if rejected (reported to
     *     {@code RxJavaPlugins.onError})
     */
    private Disposable scheduleDirectDecorated(Runnable decorated, long delayNanos) {
        CompositeDisposable g = generation.get();
        if (g.isDisposed()) {
            return reject();
        }
        if (delayNanos <= 0L) {
            ScheduledTask task = ScheduledTask.directNow(decorated, g, this);
            try {
                if (blocking) {
                    // tracked until it ends, so that shutdown() interrupts it while it runs
                    if (!task.track(g)) {
                        return reject(); // shut down meanwhile
                    }
                    task.setJob(moirai.spawnBlocking(task));
                } else {
                    moirai.execute(task); // untracked: a compute task is never interrupted; it skips itself
                }
            } catch (RejectedExecutionException e) {
                task.dispose();
                return reject(e);
            }
            return task;
        }
        ScheduledTask task = ScheduledTask.directLater(decorated, g, this);
        if (!task.track(g)) {
            return reject(); // shut down meanwhile
        }
        try {
            task.setTimer(timer(task, delayNanos));
        } catch (RejectedExecutionException e) {
            task.dispose();
            return reject(e);
        }
        return task;
    }

    private static Disposable reject(RejectedExecutionException e) {
        RxJavaPlugins.onError(e);
        return Disposable.disposed();
    }

    @Override
    public String toString() {
        return "MoiraiRx." + (blocking ? "blockingScheduler(" : "scheduler(") + moirai + ")";
    }
}
