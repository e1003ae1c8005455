package io.moirai.tck;

import org.reactivestreams.tck.TestEnvironment;

/**
 * Timeouts shared by every TCK verification in this module, sized for a loaded two-core CI machine
 * rather than for a fast laptop: a signal the TCK waits for may take up to
 * {@link #DEFAULT_TIMEOUT_MILLIS}, a period in which no signal must arrive lasts
 * {@link #NO_SIGNALS_TIMEOUT_MILLIS}. Each value can be raised on the command line, for example
 * {@code mvn verify -Dmoirai.tck.timeoutMillis=3000}; the TCP verifications wait
 * {@link #IO_TIMEOUT_MILLIS} for a signal instead.
 *
 * <p>Threads: immutable constants and a factory; safe from any thread.
 */
final class TckSettings {

    /** How long the TCK waits for a signal it expects. */
    static final long DEFAULT_TIMEOUT_MILLIS = Long.getLong("moirai.tck.timeoutMillis", 1000L);

    /** How long the TCK watches for a signal that must not arrive. */
    static final long NO_SIGNALS_TIMEOUT_MILLIS = Long.getLong("moirai.tck.noSignalsTimeoutMillis", 200L);

    /**
     * How long the TCK waits for a signal that crosses a loopback socket and an I/O driver thread
     * (the TCP verifications); longer than {@link #DEFAULT_TIMEOUT_MILLIS} because a signal there
     * needs the peer thread, the selector thread and a compute worker to be scheduled in turn.
     */
    static final long IO_TIMEOUT_MILLIS = Long.getLong("moirai.tck.ioTimeoutMillis", 2000L);

    /** How long a cancelled subscriber may stay reachable from its publisher (§3.13). */
    static final long PUBLISHER_REFERENCE_GC_TIMEOUT_MILLIS = Long.getLong("moirai.tck.gcTimeoutMillis", 5000L);

    private TckSettings() {}

    /** @return a new TCK environment with this module's timeouts */
    static TestEnvironment newEnvironment() {
        return new TestEnvironment(DEFAULT_TIMEOUT_MILLIS, NO_SIGNALS_TIMEOUT_MILLIS);
    }

    /** @return a new TCK environment for the TCP verifications ({@link #IO_TIMEOUT_MILLIS}) */
    static TestEnvironment newIoEnvironment() {
        return new TestEnvironment(IO_TIMEOUT_MILLIS, NO_SIGNALS_TIMEOUT_MILLIS);
    }
}
