package io.moirai.reactor.internal;

import reactor.core.Exceptions;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * What a scheduled task that throws turns into: what Reactor's own schedulers do with it. Their tasks
 * hand the error to {@code Schedulers.handleError}, which passes it to the running thread's
 * {@link Thread.UncaughtExceptionHandler} and then to the hooks registered with
 * {@link Schedulers#onHandleError}; the thread survives. That method is not public, but a
 * {@link Schedulers#fromExecutor} scheduler over the calling thread reaches it through public API:
 * its task catches what our relay task throws and calls it, on this thread, before {@code schedule}
 * returns. (That relay task also passes through the {@link Schedulers#onSchedule} hooks; it exists
 * only on this error path.) Nothing escapes: if the handler or a hook itself throws, that is dropped,
 * so no drain loop and no runtime thread ends because of user code.
 *
 * <p>Stateless; any thread.
 */
final class TaskErrors {

    /** Runs each relay task at once on the calling thread; never disposed (it holds nothing). */
    private static final Scheduler REPORTER = Schedulers.fromExecutor(Runnable::run);

    private TaskErrors() {}

    /**
     * Runs a user task; what it throws is reported, never propagated.
     *
     * @param task the task
     * @return {@code true} if it returned normally
     */
    static boolean run(Runnable task) {
        try {
            task.run();
            return true;
        } catch (Throwable t) {
            report(t);
            return false;
        }
    }

    /** @param error what a task threw, for the thread's handler and {@code Schedulers.onHandleError} */
    static void report(Throwable error) {
        try {
            REPORTER.schedule(() -> {
                throw Exceptions.propagate(error); // handleError unwraps what propagate wraps
            });
        } catch (Throwable handlerFailed) {
            // the thread's handler or a hook threw: Reactor's thread would die of it, ours must not
        }
    }
}
