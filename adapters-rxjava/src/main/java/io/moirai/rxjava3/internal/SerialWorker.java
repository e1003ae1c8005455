package io.moirai.rxjava3.internal;

import io.moirai.internal.serial.SerialExecutor;
import io.reactivex.rxjava3.core.Scheduler;
import io.reactivex.rxjava3.disposables.CompositeDisposable;
import io.reactivex.rxjava3.disposables.Disposable;
import io.reactivex.rxjava3.plugins.RxJavaPlugins;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Scheduler.Worker} of a {@link MoiraiScheduler}: its tasks run one at a time, in the order
 * they were scheduled (delayed ones in deadline order), never overlapping, on whichever runtime
 * thread runs the current drain.
 *
 * <p><b>Protocol</b> (as RxJava's {@code ExecutorScheduler.ExecutorWorker}): the tasks run on core's
 * {@link SerialExecutor}, whose drains the scheduler submits to the runtime ({@code execute} for
 * compute, {@code spawnBlocking} for blocking); a drain runs at most
 * {@value SerialExecutor#BATCH} tasks before it submits itself again, so a busy worker does not
 * hold a runtime thread forever. Delayed tasks wait in {@link TimedTasks}, each on its own Moirai
 * timer; a firing timer moves every due task to the queue in deadline order (ties: scheduling
 * order), so delayed tasks run in deadline order as RxJava's operators expect. Timers fire on a
 * compute worker; on the compute scheduler that timer callback then drains in place instead of
 * submitting a drain.
 *
 * <p><b>Disposal.</b> {@link #dispose()} sets {@code disposed}, cancels the pending timers (tracked in
 * {@code timed}) and stops the executor for good: no drain runs a task again, and the queue is
 * dropped (by this thread if no drain was running); tasks not started never run. On the blocking
 * scheduler the executor publishes the task it is about to run and re-reads its stop flag, while
 * dispose stops it and then reads that task: either the drain sees the stop and skips the task, or
 * dispose sees the task and disposes it, which interrupts it if it is running on another thread.
 * Every task of a disposed worker reports {@code isDisposed()} from then on (its
 * {@link ScheduledTask} asks its owner), as the tasks of RxJava's disposed workers do. If the runtime
 * refuses a drain (it is shut down) the worker disposes itself and reports the rejection to
 * {@code RxJavaPlugins.onError}, as RxJava's {@code ExecutorScheduler} does.
 *
 * <p><b>Threads.</b> Every method may be called from any thread, concurrently (the RxJava contract).
 */
public final class SerialWorker extends DecoratingWorker {

    /** Longest delay honoured as such (about 73,000 years), so that deadlines cannot overflow. */
    private static final long MAX_DELAY_NANOS = Long.MAX_VALUE >>> 2;

    private final MoiraiScheduler scheduler;
    private final CompositeDisposable generation;
    private final SerialExecutor<ScheduledTask> executor;
    private final TimedTasks timed = new TimedTasks();

    private volatile boolean disposed;

    SerialWorker(MoiraiScheduler scheduler, CompositeDisposable generation) {
        this.scheduler = scheduler;
        this.generation = generation;
        this.executor = new SerialExecutor<>(scheduler.drains(), scheduler.blocking(), this::refused);
    }

    /**
     * Schedules a task whose {@code onSchedule} hook was applied.
     *
     * @param delayNanos zero or negative: as soon as possible
     * @return the task, or {@link Disposable#disposed()} if this worker is disposed or rejected it
     */
    @Override
    Disposable scheduleDecorated(Runnable decorated, long delayNanos) {
        if (generation.isDisposed()) {
            return scheduler.reject();
        }
        if (disposed) {
            return Disposable.disposed();
        }
        if (delayNanos <= 0L) {
            ScheduledTask task = ScheduledTask.now(decorated, this, scheduler);
            return executor.execute(task) ? task : Disposable.disposed();
        }
        long deadline = System.nanoTime() + Math.min(delayNanos, MAX_DELAY_NANOS);
        ScheduledTask task = ScheduledTask.later(decorated, this, scheduler, deadline);
        if (!task.track(timed)) {
            return Disposable.disposed(); // disposed meanwhile
        }
        try {
            task.setTimer(scheduler.timer(task, delayNanos));
        } catch (RejectedExecutionException e) {
            task.dispose();
            dispose();
            RxJavaPlugins.onError(e); // the runtime is shut down
            return Disposable.disposed();
        }
        return task;
    }

    @Override
    public long now(TimeUnit unit) {
        return scheduler.now(unit);
    }

    @Override
    public void dispose() {
        if (!disposed) {
            disposed = true;
            timed.dispose();
            executor.stop();
            ScheduledTask c = executor.running(); // null unless on the blocking scheduler
            if (c != null) {
                c.dispose(); // interrupts it if it runs on another thread
            }
            generation.delete(this);
        }
    }

    @Override
    public boolean isDisposed() {
        return disposed;
    }

    /**
     * The timer of {@code task}, one of this worker's delayed tasks, fired (on a compute worker): queues
     * every due delayed task in deadline order (see {@link TimedTasks}) and makes sure a drain runs; on
     * the compute scheduler this thread drains in place.
     */
    void fired(ScheduledTask task) {
        executor.moveDue(timed.waiting(), System.nanoTime(), !scheduler.blocking());
        if (task.isWaiting()) {
            // its timer fired before the deadline this worker measured (it cannot when the runtime's
            // timers are never early, as documented): wait for the rest rather than run it early
            long left = task.deadline() - System.nanoTime();
            try {
                task.replaceTimer(scheduler.timer(task, Math.max(left, 1L)));
            } catch (RejectedExecutionException e) {
                task.dispose();
                RxJavaPlugins.onError(e);
            }
        }
    }

    /** The runtime refused a drain (it is shut down): the executor stopped; dispose, as RxJava's workers do. */
    private void refused(RejectedExecutionException e) {
        dispose();
        RxJavaPlugins.onError(e);
    }

    @Override
    public String toString() {
        return "SerialWorker[" + scheduler + (disposed ? ", disposed]" : "]");
    }
}
