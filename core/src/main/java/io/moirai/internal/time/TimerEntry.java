package io.moirai.internal.time;

/**
 * A timer as the {@link TimerWheel} stores it: a deadline in wheel ticks and intrusive links, so that
 * inserting and removing allocate nothing and removal is O(1).
 *
 * <p>Threads: the fields are owned by the wheel's thread (the I/O driver); other threads reach a timer
 * only through commands the driver applies. Subclasses say what firing means.
 */
public abstract class TimerEntry {

    long deadline;
    TimerEntry prev;
    TimerEntry next;
    /** The level and slot holding the entry, or -1 when it is not in a wheel. */
    int level = -1;
    int slot = -1;

    /**
     * @param deadline the tick at or after which the timer fires
     */
    protected TimerEntry(long deadline) {
        this.deadline = deadline;
    }

    /** @return the tick at or after which the timer fires */
    public final long deadline() {
        return deadline;
    }

    /** @return whether the entry is in a wheel */
    public final boolean isScheduled() {
        return level >= 0;
    }
}
