package io.moirai.rxjava3;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** What the RxJava adapter's tests share: a bounded wait for conditions that offer nothing to wait on. */
final class RxTestSupport {

    /** The longest a single wait may take, in seconds, before the test fails. */
    static final long WAIT_SECONDS = 10;

    private RxTestSupport() {}

    /**
     * Polls {@code condition} every millisecond until it holds, failing after {@link #WAIT_SECONDS}
     * (for metrics and states that have no latch or future to wait on).
     */
    static void awaitCondition(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }
}
