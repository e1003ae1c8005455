package io.moirai.reactor.internal;

import io.moirai.task.TaskHandle;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import reactor.core.Disposable;
import reactor.core.Exceptions;

/**
 * A periodic task at fixed rate: run number {@code k} is due {@code initialDelay + k * period} after
 * scheduling, never earlier; a run that overruns makes the next one start at once (no overlap: the
 * next timer is set only after a run ended). Each wait is one timer on the runtime's wheel. A period
 * of zero runs the task again as soon as the previous run ended. A run that throws ends the task (as
 * {@code ScheduledThreadPoolExecutor} does) after reporting the error.
 *
 * <p>On a worker ({@code worker != null}) each due run is queued on the worker, so it stays serial
 * with the worker's other tasks; directly on the scheduler it runs on a compute worker (or the
 * blocking pool).
 *
 * <p>Threads: {@code dispose} any thread; the runs one at a time on the runtime's threads.
 */
final class PeriodicTask implements Disposable, Runnable, MoiraiScheduler.Tracked {

    private final MoiraiScheduler parent;
    private final SerialWorker worker;
    private final Runnable task;
    private final long startNanos;
    private final long periodNanos;
    private long runs;
    private volatile TaskHandle<?> timer;
    private volatile boolean cancelled;

    private PeriodicTask(MoiraiScheduler parent, SerialWorker worker, Runnable task, long startNanos, long periodNanos) {
        this.parent = parent;
        this.worker = worker;
        this.task = task;
        this.startNanos = startNanos;
        this.periodNanos = periodNanos;
    }

    /**
     * @throws RejectedExecutionException if the scheduler or worker was disposed, or the runtime shut down
     */
    static Disposable start(MoiraiScheduler parent, SerialWorker worker, Runnable task, long initialDelay,
            long period, TimeUnit unit) {
        long initial = Math.max(0L, unit.toNanos(initialDelay));
        PeriodicTask t = new PeriodicTask(parent, worker, task, System.nanoTime() + initial, Math.max(0L, unit.toNanos(period)));
        if (worker != null) {
            worker.trackTimer(t);
        } else {
            parent.track(t);
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
        TaskHandle<?> h = parent.dispatch().later(delayNanos, TimeUnit.NANOSECONDS, this::fire);
        timer = h;
        if (cancelled) {
            h.cancel();
        }
    }

    /** A run is due: queue it on the worker, or run it on the runtime's threads. */
    private void fire() {
        if (cancelled) {
            return;
        }
        try {
            if (worker != null) {
                worker.enqueue(this);
            } else {
                timer = parent.dispatch().run(this);
            }
        } catch (RejectedExecutionException shutDown) {
            dispose();
        }
    }

    @Override
    public void run() {
        if (cancelled) {
            return;
        }
        if (!TaskErrors.runReporting(task)) {
            dispose();
            return;
        }
        if (cancelled) {
            return;
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
    public void dispose() {
        if (cancelled) {
            return;
        }
        cancelled = true;
        TaskHandle<?> h = timer;
        if (h != null) {
            h.cancel();
        }
        if (worker != null) {
            worker.untrackTimer(this);
        } else {
            parent.untrack(this);
        }
    }

    @Override
    public boolean isDisposed() {
        return cancelled;
    }

    @Override
    public void cancelAll() {
        dispose();
    }

    @Override
    public void stopPeriodic() {
        dispose();
    }

    @Override
    public boolean isIdle() {
        return cancelled;
    }
}
