package io.moirai.rxjava3.internal;

import io.moirai.internal.util.VarHandles;
import io.reactivex.rxjava3.core.Scheduler;
import io.reactivex.rxjava3.disposables.CompositeDisposable;
import io.reactivex.rxjava3.disposables.Disposable;
import io.reactivex.rxjava3.plugins.RxJavaPlugins;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.jctools.queues.MpscLinkedQueue;

/**
 * A {@link Scheduler.Worker} of a {@link MoiraiScheduler}: its tasks run one at a time, in the order
 * they were scheduled (delayed ones in the order their timers fired), never overlapping, on whichever
 * runtime thread runs the current drain.
 *
 * <p><b>Protocol</b> (as RxJava's {@code ExecutorScheduler.ExecutorWorker}): producers offer tasks to
 * a JCTools MPSC queue and increment {@code wip}; the producer that moves {@code wip} from 0 submits
 * one drain ({@link #run()}) to the runtime ({@code execute} for compute, {@code spawnBlocking} for
 * blocking). The drain is the queue's only consumer; it runs tasks until the queue is empty and
 * {@code wip} drops back to 0, or for at most {@value #TURN} tasks, after which it submits itself again
 * (keeping {@code wip}) so a busy worker does not hold a runtime thread forever. {@code wip > 0} means
 * exactly one drain is submitted or running. Delayed tasks wait in {@link TimedTasks}, each on its own
 * Moirai timer; a firing timer moves every due task to the queue in deadline order (ties: scheduling
 * order), so delayed tasks run in deadline order as RxJava's operators expect. Timers fire on a
 * compute worker; on the compute scheduler that timer callback then drains in place instead of
 * submitting a drain.
 *
 * <p><b>Disposal.</b> {@link #dispose()} sets {@code disposed}, cancels the pending timers (tracked in
 * {@code timed}), takes {@code wip} for good (so no drain is ever submitted again) and clears the queue
 * itself if no drain was running, else the drain clears it at its next check; tasks not started never
 * run. On the blocking scheduler the drain publishes the task it is about to run in {@code current}
 * and re-reads {@code disposed}, while dispose writes {@code disposed} and then reads {@code current}:
 * either the drain sees the dispose and skips the task, or dispose sees the task and disposes it,
 * which interrupts it if it is running on another thread. Every task of a disposed worker reports
 * {@code isDisposed()} from then on (its {@link ScheduledTask} asks its owner), as the tasks of
 * RxJava's disposed workers do.
 *
 * <p><b>Threads.</b> Every method may be called from any thread, concurrently (the RxJava contract);
 * {@link #run()} only by the runtime, as the drain.
 */
public final class SerialWorker extends DecoratingWorker implements Runnable, Callable<Void> {

    /** The most tasks one drain runs before it hands its thread back to the runtime. */
    static final int TURN = 1024;

    /** Longest delay honoured as such (about 73,000 years), so that deadlines cannot overflow. */
    private static final long MAX_DELAY_NANOS = Long.MAX_VALUE >>> 2;

    private static final VarHandle WIP = VarHandles.field(MethodHandles.lookup(), "wip", int.class);

    private final MoiraiScheduler scheduler;
    private final CompositeDisposable generation;
    private final MpscLinkedQueue<ScheduledTask> queue = new MpscLinkedQueue<>();
    private final TimedTasks timed = new TimedTasks();

    @SuppressWarnings("unused") // accessed through WIP
    private volatile int wip;
    private volatile boolean disposed;
    /** Blocking scheduler only: the task the drain runs now, for an interrupting dispose. */
    private volatile ScheduledTask current;

    SerialWorker(MoiraiScheduler scheduler, CompositeDisposable generation) {
        this.scheduler = scheduler;
        this.generation = generation;
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
            return enqueue(task) ? task : Disposable.disposed();
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
            if (scheduler.blocking()) {
                ScheduledTask c = current;
                if (c != null) {
                    c.dispose(); // interrupts it if it runs on another thread
                }
            }
            if ((int) WIP.getAndAdd(this, 1) == 0) {
                queue.clear(); // no drain runs, none will: this thread may consume
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
        int moved = timed.moveDue(System.nanoTime(), queue);
        if (moved > 0 && (int) WIP.getAndAdd(this, moved) == 0) {
            if (scheduler.blocking()) {
                submitDrain();
            } else {
                run();
            }
        }
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

    /**
     * Offers the task and submits a drain if none is running.
     *
     * @return {@code false} if the runtime rejected the drain (it is shut down)
     */
    private boolean enqueue(ScheduledTask task) {
        queue.offer(task);
        if ((int) WIP.getAndAdd(this, 1) == 0) {
            return submitDrain();
        }
        return true;
    }

    /** Submits a drain while holding {@code wip}; on rejection disposes this worker, as RxJava's do. */
    private boolean submitDrain() {
        try {
            scheduler.startDrain(this);
            return true;
        } catch (RejectedExecutionException e) {
            queue.clear(); // this thread holds wip: it may consume
            dispose();
            RxJavaPlugins.onError(e);
            return false;
        }
    }

    /** The drain: runs queued tasks one at a time (see the class documentation). */
    @Override
    public void run() {
        boolean blocking = scheduler.blocking();
        int missed = 1;
        int ran = 0;
        for (;;) {
            for (;;) {
                if (disposed) {
                    queue.clear();
                    return;
                }
                ScheduledTask task = queue.poll();
                if (task == null) {
                    break;
                }
                if (blocking) {
                    current = task;
                    if (disposed) {
                        current = null;
                        task.dispose();
                        queue.clear();
                        return;
                    }
                    task.run();
                    current = null;
                } else {
                    task.run();
                }
                if (++ran == TURN) {
                    ran = 0;
                    if (!queue.isEmpty()) {
                        submitDrain(); // keeps wip: the next drain takes over this one's count
                        return;
                    }
                }
            }
            missed = (int) WIP.getAndAdd(this, -missed) - missed;
            if (missed == 0) {
                return;
            }
        }
    }

    @Override
    public Void call() {
        run();
        return null;
    }

    @Override
    public String toString() {
        return "SerialWorker[" + scheduler + (disposed ? ", disposed]" : "]");
    }
}
