package io.moirai.internal.io;

import io.moirai.internal.time.TimerEntry;

/**
 * A timer an {@link IoDriver}'s wheel holds: its own wheel entry (no separate node) and its own
 * command, so that scheduling and cancelling allocate nothing.
 *
 * <p>Threads: {@link #expire()} is called on the driver thread, after the wheel removed the timer.
 */
public interface IoTimer extends TimerEntry, IoCommand {

    /** The deadline passed. Driver thread; must not throw and must not run user code inline. */
    void expire();
}
