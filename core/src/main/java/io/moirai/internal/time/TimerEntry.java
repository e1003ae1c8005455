package io.moirai.internal.time;

/**
 * A timer as the {@link TimerWheel} stores it: a deadline in wheel ticks and intrusive links kept in
 * the timer object itself, so that inserting and removing allocate nothing, removal is O(1), and a
 * pending timer costs no memory beyond its own object (a task handle can be its own timer).
 *
 * <p>Threads: the link accessors belong to the wheel's thread (the I/O driver); other threads reach a
 * timer only through commands the driver applies. {@link #timerDeadline()} must not change while the
 * entry is in a wheel.
 */
public interface TimerEntry {

    /** The {@link #timerIndex()} of an entry that is in no wheel. */
    int UNSCHEDULED = -1;

    /** @return the tick at or after which the timer fires (see {@link Ticks}) */
    long timerDeadline();

    /** @return the previous entry in the slot's list, or null */
    TimerEntry timerPrev();

    /** @param prev the previous entry in the slot's list, or null */
    void timerPrev(TimerEntry prev);

    /** @return the next entry in the slot's list, or null */
    TimerEntry timerNext();

    /** @param next the next entry in the slot's list, or null */
    void timerNext(TimerEntry next);

    /** @return {@code level * 64 + slot} of the slot holding the entry, or {@link #UNSCHEDULED} */
    int timerIndex();

    /** @param index {@code level * 64 + slot}, or {@link #UNSCHEDULED}; new entries must start unscheduled */
    void timerIndex(int index);
}
