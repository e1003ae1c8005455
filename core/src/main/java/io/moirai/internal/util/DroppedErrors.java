package io.moirai.internal.util;

import java.util.function.Consumer;

/**
 * Where a runtime sends errors that have no task handle or subscriber to reach. Callable from any
 * thread; never throws. It is also the uncaught-exception handler of every thread the runtime creates
 * itself, so code that hands an error to the running thread's handler (Reactor's schedulers do, for a
 * task that throws) reaches the same place instead of the JDK's default print to standard error.
 */
public final class DroppedErrors implements Thread.UncaughtExceptionHandler {

    private static final System.Logger LOG = System.getLogger("io.moirai");

    private final Consumer<? super Throwable> handler;

    /**
     * @param handler the user's handler, or null to log through {@link System.Logger}
     */
    public DroppedErrors(Consumer<? super Throwable> handler) {
        this.handler = handler;
    }

    /**
     * Reports an error that nobody else will see.
     *
     * @param error the error
     */
    public void report(Throwable error) {
        if (handler != null) {
            try {
                handler.accept(error);
                return;
            } catch (Throwable t) {
                error.addSuppressed(t);
            }
        }
        log(error);
    }

    /** The default: the runtime's own log line (I/O a non-blocking thread may do; BlockHound allows it here). */
    private static void log(Throwable error) {
        try {
            LOG.log(System.Logger.Level.ERROR, "Moirai dropped an error that no handle or subscriber could receive", error);
        } catch (Throwable ignored) {
            // logging itself failed: nothing else to do
        }
    }

    /** Reports what a runtime thread's code did not catch (the thread itself survives, or ends, as the JDK decides). */
    @Override
    public void uncaughtException(Thread thread, Throwable error) {
        report(error);
    }
}
