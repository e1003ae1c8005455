package io.moirai.internal.scheduler;

/**
 * A unit of work the runtime's queues hold: a task or a fire-and-forget command.
 *
 * <p>Threads: {@link #run()} may be called more than once and from several threads (a job may sit in
 * a queue after a joiner ran it inline or after it was cancelled, and a worker's "next" slot may be
 * taken by its owner and a thief at once); a job claims itself with a CAS, so only the first call
 * runs it. {@link #abandon()} may be called from any thread, concurrently with {@code run}.
 */
public abstract class Job implements Runnable {

    /**
     * Whether some thread already claimed this job (it ran, runs, or was cancelled): a queue may then
     * drop its entry without running it. Any thread; a racy answer of {@code false} is harmless.
     *
     * @return {@code true} if running it now would do nothing
     */
    public abstract boolean isTaken();

    /**
     * Runs the job if it has not been claimed yet; does nothing otherwise. Never throws: errors of
     * user code go to the job's handle or to the runtime's dropped-error handler.
     */
    @Override
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
