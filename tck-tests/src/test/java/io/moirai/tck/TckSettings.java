package io.moirai.tck;

import org.reactivestreams.tck.TestEnvironment;

/**
 * Timeouts shared by every TCK verification in this module, sized for a loaded two-core CI machine
 * rather than for a fast laptop: a signal the TCK waits for may take up to
 * {@link #DEFAULT_TIMEOUT_MILLIS}, a period in which no signal must arrive lasts
 * {@link #NO_SIGNALS_TIMEOUT_MILLIS}. Each value can be raised on the command line, for example
 * {@code mvn verify -Dmoirai.tck.timeoutMillis=3000}.
 *
 * <p>Threads: immutable constants and a factory; safe from any thread.
 */
final class TckSettings {

    /** How long the TCK waits for a signal it expects. */
    static final long DEFAULT_TIMEOUT_MILLIS = Long.getLong("moirai.tck.timeoutMillis", 1000L);

    /** How long the TCK watches for a signal that must not arrive. */
    static final long NO_SIGNALS_TIMEOUT_MILLIS = Long.getLong("moirai.tck.noSignalsTimeoutMillis", 200L);

    /** How long a cancelled subscriber may stay reachable from its publisher (§3.13). */
    static final long PUBLISHER_REFERENCE_GC_TIMEOUT_MILLIS = Long.getLong("moirai.tck.gcTimeoutMillis", 5000L);

    private TckSettings() {}

    /** @return a new TCK environment with this module's timeouts */
    static TestEnvironment newEnvironment() {
        return new TestEnvironment(DEFAULT_TIMEOUT_MILLIS, NO_SIGNALS_TIMEOUT_MILLIS);
    }
}
