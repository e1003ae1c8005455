package io.moirai.reactor.internal;

import io.moirai.task.TaskHandle;
import io.moirai.internal.util.VarHandles;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.RejectedExecutionException;
import reactor.core.Disposable;

/**
 * The one state machine every scheduled task of the Reactor adapter shares (a direct task, a worker's
 * task, a periodic task): the {@link Disposable} Reactor hands back to the caller.
 *
 * <p><b>States</b> ({@code state}, CAS):
 * <pre>
 *   PENDING --run--> RUNNING --run ends--> DONE            (one-shot)
 *                            --run ends--> PENDING         (periodic: waits for its next run)
 *   PENDING --dispose--> CANCELLED                         (it never runs again)
 *   RUNNING --dispose--> CANCELLED                         (compute threads, disposed from its own run,
 *                                                           or stop(): a graceful disposal)
 *   RUNNING --dispose--> INTERRUPTING --> INTERRUPTED      (blocking pool, disposed from another thread)
 * </pre>
 * A run must win {@code PENDING -> RUNNING}, so a dispose that wins first guarantees the task never
 * runs. {@link #isDisposed()} is {@code false} while the task waits or runs and {@code true} once it
 * ended or was disposed, as Reactor's own {@code WorkerTask}/{@code SchedulerTask} report.
 *
 * <p><b>Interrupts.</b> On the blocking pool a dispose from another thread interrupts the running task,
 * as Reactor's schedulers do ({@code Future.cancel(true)}). {@code INTERRUPTING} lasts only for the
 * canceller's {@code Thread.interrupt()} call; the runner waits it out when its run ends and then
 * clears the interrupt, so it never reaches whatever the thread runs next (the same protocol as core's
 * blocking tasks). Compute workers are shared by the whole runtime and are never interrupted.
 *
 * <p><b>Bookkeeping.</b> {@link #ended()} is called exactly once, when the task is terminal and no run
 * is in progress: by the disposer for a task cancelled while waiting, otherwise by the runner.
 *
 * <p>Threads: {@code dispose}/{@code stop}/{@code isDisposed} from any thread; {@code beginRun}/{@code endRun} by
 * the one thread running the task at a time.
 */
abstract sealed class TaskState implements Disposable, Runnable
        permits DirectTask, SerialWorker.WorkerTask, PeriodicTask {

    static final int PENDING = 0;
    static final int RUNNING = 1;
    static final int DONE = 2;
    static final int CANCELLED = 3;
    static final int INTERRUPTING = 4;
    static final int INTERRUPTED = 5;
    private static final VarHandle STATE = VarHandles.field(MethodHandles.lookup(), "state", int.class);

    /** Whether a dispose from another thread interrupts a running run (the blocking pool). */
    private final boolean interruptible;
    @SuppressWarnings("unused") private volatile int state;
    /** The running thread: written before the claim's CAS (which publishes it), interruptible tasks only. */
    private Thread runner;
    /** The Moirai job standing for the task while it waits: see {@link #publishJob}. */
    private volatile TaskHandle<?> job;

    TaskState(boolean interruptible) {
        this.interruptible = interruptible;
    }

    /**
     * Cancelled while waiting: cancels the Moirai job that stands for it (its timer, or the queued job
     * that will run it), before {@link #ended()}. Subclasses that hold more release it too.
     */
    void cancelPending() {
        TaskHandle<?> h = job;
        if (h != null) {
            h.cancel();
        }
    }

    /**
     * Records the Moirai job that stands for this task while it waits (a timer, then possibly the
     * blocking job that runs it); cancels it at once if the task was disposed before the job was known.
     *
     * @param h the job
     */
    final void publishJob(TaskHandle<?> h) {
        job = h;
        if (isDisposed()) {
            h.cancel(); // nothing if it already ran
        }
    }

    /**
     * Hands this task to {@code dispatch} to run, and publishes the job that stands for it; a runtime
     * that refuses it (shut down) disposes it instead.
     *
     * @param dispatch where the task runs
     */
    final void runOn(Dispatch dispatch) {
        TaskHandle<?> h;
        try {
            h = dispatch.run(this);
        } catch (RejectedExecutionException shutDown) {
            dispose();
            return;
        }
        publishJob(h);
    }

    /** Terminal with no run in progress: forget it (exactly once). */
    abstract void ended();

    /**
     * Claims a run.
     *
     * @return {@code true} if the caller must run the task now and then call {@link #endRun}
     */
    final boolean beginRun() {
        if (state != PENDING) {
            return false;
        }
        if (interruptible) {
            runner = Thread.currentThread();
        }
        return STATE.compareAndSet(this, PENDING, RUNNING);
    }

    /**
     * Ends a run.
     *
     * @param next {@link #DONE}, or {@link #PENDING} for a periodic task that runs again
     * @return {@code true} if {@code next} was stored; {@code false} if the task was disposed during
     *     the run (it is terminal now, and {@link #ended()} was called)
     */
    final boolean endRun(int next) {
        if (STATE.compareAndSet(this, RUNNING, next)) {
            if (next == DONE) {
                ended();
            }
            return true;
        }
        int s;
        while ((s = state) == INTERRUPTING) {
            Thread.onSpinWait(); // only for the canceller's Thread.interrupt() call
        }
        if (s == INTERRUPTED) {
            Thread.interrupted(); // the interrupt was for this run, not for the thread's next task
        }
        ended();
        return false;
    }

    /** Cancels the task; a run in progress on the blocking pool is interrupted. */
    @Override
    public final void dispose() {
        cancel(interruptible);
    }

    /**
     * Cancels the task without interrupting a run in progress, which finishes (a graceful disposal
     * stopping a periodic task: {@code ScheduledThreadPoolExecutor.shutdown()} lets the current run end).
     */
    final void stop() {
        cancel(false);
    }

    private void cancel(boolean interrupt) {
        for (;;) {
            int s = state;
            if (s == PENDING) {
                if (STATE.compareAndSet(this, PENDING, CANCELLED)) {
                    cancelPending();
                    ended();
                    return;
                }
            } else if (s == RUNNING) {
                if (interrupt && runner != Thread.currentThread()) {
                    if (STATE.compareAndSet(this, RUNNING, INTERRUPTING)) {
                        try {
                            runner.interrupt(); // read after the CAS: the thread of this very run
                        } finally {
                            state = INTERRUPTED;
                        }
                        return;
                    }
                } else if (STATE.compareAndSet(this, RUNNING, CANCELLED)) {
                    return; // the runner calls ended() when its run returns
                }
            } else {
                return; // already terminal
            }
        }
    }

    @Override
    public boolean isDisposed() {
        return state >= DONE;
    }

    /** @return whether the task waits for its (next) run */
    final boolean isPending() {
        return state == PENDING;
    }
}
