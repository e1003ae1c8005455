package io.moirai.reactor.internal;

import reactor.core.Exceptions;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * What a scheduled task that throws turns into. Reactor's own schedulers hand such errors to
 * {@code Schedulers.handleError}, which is not public; here they go to {@code Hooks.onErrorDropped}
 * (through {@link Operators#onErrorDropped}), so an application's dropped-error hook sees them.
 * JVM-fatal errors are rethrown ({@link Exceptions#throwIfJvmFatal}). Stateless; any thread.
 */
final class TaskErrors {

    private TaskErrors() {}

    /**
     * Runs a user task; what it throws is reported, never propagated (so no runtime thread dies).
     *
     * @param task the task
     * @return {@code true} if it returned normally
     */
    static boolean runReporting(Runnable task) {
        try {
            task.run();
            return true;
        } catch (Throwable t) {
            Exceptions.throwIfJvmFatal(t);
            Operators.onErrorDropped(t, Context.empty());
            return false;
        }
    }
}
