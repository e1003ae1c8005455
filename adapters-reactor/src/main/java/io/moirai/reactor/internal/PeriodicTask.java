package io.moirai.reactor.internal;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import reactor.core.Disposable;
import reactor.core.Exceptions;

/**
 * A periodic task at fixed rate: run number {@code k} is due {@code initialDelay + k * period} after
 * scheduling, never earlier; a run that overruns makes the next one start at once (no overlap: the
 * next timer is set only after a run ended). Each wait is one timer on the runtime's wheel. A period
 * of zero or less runs the task again as soon as the previous run ended (Reactor's "instant periodic"
 * task). A run that throws ends the task (as {@code ScheduledThreadPoolExecutor} does) after the
 * error was reported through {@link TaskErrors}.
 *
 * <p>States are {@link TaskState}'s, with {@code RUNNING -> PENDING} after each run. On a worker
 * ({@code worker != null}) each due run is queued on the worker, so it stays serial with the worker's
 * other tasks, and the task counts as one of the worker's pending tasks until it ended; directly on
 * the scheduler it runs on a compute worker (or the blocking pool) and is registered with the
 * scheduler's {@link Lifetime}.
 *
 * <p>Threads: {@code dispose} any thread; the runs one at a time on the runtime's threads.
 */
final class PeriodicTask extends TaskState implements Lifetime.Tracked {

    private final Lifetime lifetime;
    private final SerialWorker worker;
    private final Runnable task;
    private final long startNanos;
    private final long periodNanos;
    private long runs; // the runs are serial: touched by one thread at a time

    private PeriodicTask(Lifetime lifetime, SerialWorker worker, Runnable task, long startNanos, long periodNanos) {
        super(lifetime.scheduler.dispatch().blocking()); // a worker's runs are on its scheduler's threads too
        this.lifetime = lifetime;
        this.worker = worker;
        this.task = task;
        this.startNanos = startNanos;
        this.periodNanos = periodNanos;
    }

    /**
     * Schedules a periodic task; a worker must have accepted it first ({@code SerialWorker.accept}).
     *
     * @param task already decorated by {@code Schedulers.onSchedule}
     * @throws RejectedExecutionException if the scheduler was disposed or the runtime shut down
     */
    static Disposable start(Lifetime lifetime, SerialWorker worker, Runnable task, long initialDelay,
            long period, TimeUnit unit) {
        long initial = Math.max(0L, unit.toNanos(initialDelay));
        PeriodicTask t = new PeriodicTask(lifetime, worker, task, System.nanoTime() + initial,
                Math.max(0L, unit.toNanos(period)));
        if (worker != null) {
            worker.trackTimer(t);
        } else {
            lifetime.track(t);
        }
        if (t.isDisposed()) {
            return t; // the worker was disposed meanwhile
        }
        try {
            t.arm(initial);
        } catch (RejectedExecutionException shutDown) {
            t.dispose();
            throw Exceptions.failWithRejected(shutDown);
        }
        return t;
    }

    /** Waits {@code delayNanos} (zero: no timer, fire at once). */
    private void arm(long delayNanos) {
        if (delayNanos <= 0L) {
            fire();
            return;
        }
        // the published job: the timer of the next run, or (directly on the scheduler) the job running it
        publishJob(lifetime.scheduler.dispatch().later(delayNanos, TimeUnit.NANOSECONDS, this::fire));
    }

    /** A run is due: queue it on the worker, or run it on the runtime's threads. */
    private void fire() {
        if (!isPending()) {
            return;
        }
        if (worker != null) {
            worker.enqueue(this); // false only if the runtime shut down; the worker then disposed this
            return;
        }
        runOn(lifetime.scheduler.dispatch());
    }

    @Override
    public void run() {
        if (!beginRun()) {
            return; // disposed while its run was queued
        }
        boolean ok = TaskErrors.run(task);
        if (!endRun(ok ? PENDING : DONE) || !ok) {
            return; // disposed during the run, or the run threw: ended
        }
        runs++;
        long due = startNanos + runs * periodNanos;
        try {
            arm(Math.max(0L, due - System.nanoTime()));
        } catch (RejectedExecutionException shutDown) {
            dispose();
        }
    }

    @Override
    void ended() {
        if (worker != null) {
            worker.timerEnded(this);
        } else {
            lifetime.untrack(this);
        }
    }

    @Override
    public void cancelAll() {
        dispose();
    }

    @Override
    public void stopPeriodic() {
        stop(); // a run in progress finishes, uninterrupted
    }
}
