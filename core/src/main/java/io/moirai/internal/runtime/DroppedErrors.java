package io.moirai.internal.runtime;

import java.util.function.Consumer;

/**
 * Where a runtime sends errors that have no task handle or subscriber to reach. Callable from any
 * thread; never throws.
 */
public final class DroppedErrors {

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
        try {
            LOG.log(System.Logger.Level.ERROR, "Moirai dropped an error that no handle or subscriber could receive", error);
        } catch (Throwable ignored) {
            // logging itself failed: nothing else to do
        }
    }
}
