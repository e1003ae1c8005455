package io.moirai.benchmarks;

import io.moirai.Moirai;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Set-up and tear-down shared by the JMH suites: how the {@code workers} parameter becomes a thread
 * count, and how every pool a suite created is shut down. Called only from JMH's {@code @Setup} and
 * {@code @TearDown} methods, one thread at a time.
 */
final class BenchSupport {

    /** The value of a {@code workers} parameter that means {@link Runtime#availableProcessors()}. */
    static final String AUTO = "auto";

    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

    private BenchSupport() {}

    /**
     * Resolves a {@code workers} parameter to the thread count {@code n} that Moirai and every peer
     * that can be sized gets.
     *
     * @param workers {@value #AUTO} for {@link Runtime#availableProcessors()}, or a positive count
     * @return the thread count
     */
    static int workers(String workers) {
        if (AUTO.equals(workers)) {
            return Runtime.getRuntime().availableProcessors();
        }
        int n = Integer.parseInt(workers);
        if (n < 1) {
            throw new IllegalArgumentException("workers must be 'auto' or at least 1, got " + workers);
        }
        return n;
    }

    /**
     * @param n compute workers
     * @return a started runtime with {@code n} compute workers and otherwise default settings
     */
    static Moirai newMoirai(int n) {
        return Moirai.builder().workerThreads(n).threadNamePrefix("bench-moirai").build();
    }

    /**
     * @param n compute workers
     * @param ioThreads I/O driver threads (each a selector and a timer wheel)
     * @return a started runtime with {@code n} compute workers, {@code ioThreads} I/O threads and
     *     otherwise default settings
     */
    static Moirai newMoirai(int n, int ioThreads) {
        return Moirai.builder().workerThreads(n).ioThreads(ioThreads).threadNamePrefix("bench-moirai").build();
    }

    /**
     * Shuts a runtime down; a runtime whose threads do not end in time is reported on stderr (which
     * JMH shows) rather than failing the trial, so the measured figures are kept.
     */
    static void shutdown(Moirai moirai) {
        if (moirai != null && !moirai.shutdown(SHUTDOWN_TIMEOUT)) {
            System.err.println("WARNING: " + moirai + " did not shut down within " + SHUTDOWN_TIMEOUT
                    + "; metrics: " + moirai.metrics());
        }
    }

    /** Shuts an executor down and waits for its threads; a pool that does not end is reported on stderr. */
    static void shutdown(ExecutorService executor) throws InterruptedException {
        if (executor == null) {
            return;
        }
        executor.shutdown();
        if (!executor.awaitTermination(SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            System.err.println("WARNING: " + executor + " did not terminate within " + SHUTDOWN_TIMEOUT);
            executor.shutdownNow();
        }
    }
}
