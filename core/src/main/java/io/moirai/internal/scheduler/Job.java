package io.moirai.internal.scheduler;

import io.moirai.internal.util.VarHandles;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A unit of work the runtime's queues hold: a task or a fire-and-forget command.
 *
 * <p><b>Metrics.</b> A job counts itself, in one place for every kind of job: spawned when it is
 * created (the constructor), completed when it ends ({@link #ended()}, which each kind calls exactly
 * once, at the transition its own CAS makes unique: a task's terminal state, a command's or a turn's
 * end, an abandon). So {@code tasksSpawned - tasksCompleted} is the number of jobs in flight
 * (queued, running, or waiting for a timer or an event), whether or not they ever passed through a
 * queue, and a job seen in two queues at once (see below) is still counted once.
 *
 * <p>Threads: {@link #run()} may be called more than once and from several threads (a job may sit in
 * a queue after a joiner ran it inline or after it was cancelled, and a worker's "next" slot may be
 * taken by its owner and a thief at once); a job claims itself with a CAS, so only the first call
 * runs it. {@link #abandon()} may be called from any thread, concurrently with {@code run}.
 */
public abstract class Job {

    /** The state of a job no thread has claimed yet; subclasses define the others, all non-zero. */
    protected static final int NEW = 0;

    private static final VarHandle STATE = VarHandles.field(MethodHandles.lookup(), "state", int.class);

    /**
     * The compute scheduler of the runtime the job belongs to: where it is counted, and what a task
     * uses to help, block and report. Null for a job no runtime counts (tests).
     */
    protected final ComputeScheduler scheduler;

    /** The job's state machine, written only through {@link #casState} and {@link #setStateRelease}. */
    @SuppressWarnings("unused") // accessed through STATE
    private volatile int state;

    /**
     * Counts the job as spawned.
     *
     * @param counts the scheduler whose metrics count it, or null for a job no runtime counts (tests)
     */
    protected Job(ComputeScheduler counts) {
        this.scheduler = counts;
        if (counts != null) {
            counts.countSpawned();
        }
    }

    /** Counts the job as completed: call exactly once, when the job has ended, however it ended. */
    protected final void ended() {
        if (scheduler != null) {
            scheduler.countCompleted();
        }
    }

    /** @return the job's state (volatile read) */
    public final int state() {
        return state;
    }

    /**
     * @param expected the state the caller saw
     * @param next the state to move to
     * @return {@code true} if the state was {@code expected} and is now {@code next}
     */
    protected final boolean casState(int expected, int next) {
        return STATE.compareAndSet(this, expected, next);
    }

    /** @param next the state to publish with release semantics (the caller owns the transition) */
    protected final void setStateRelease(int next) {
        STATE.setRelease(this, next);
    }

    /**
     * Whether some thread already claimed this job (it ran, runs, or was cancelled): a queue may then
     * drop its entry without running it. Any thread; a racy answer of {@code false} is harmless.
     *
     * @return {@code true} if running it now would do nothing
     */
    public final boolean isTaken() {
        return state != NEW;
    }

    /**
     * Runs the job if it has not been claimed yet; does nothing otherwise. Never throws: errors of
     * user code go to the job's handle or to the runtime's dropped-error handler.
     *
     * <p>A job is deliberately not a {@link Runnable}: the handles users hold are jobs, and no JDK
     * interface of theirs may let a cast run or complete them (only this non-exported type can).
     */
    public abstract void run();

    /**
     * Tells the job that the runtime will never run it (shutdown). A job that has not started ends
     * cancelled.
     *
     * @return {@code true} if this call prevented the job from running
     */
    public abstract boolean abandon();

    /**
     * Tells a job that is still running at the shutdown deadline that its outcome no longer counts: a
     * task ends cancelled (a blocking one is interrupted). Commands ignore it.
     */
    public void forceCancel() {
        // nothing to do for a command
    }
}
