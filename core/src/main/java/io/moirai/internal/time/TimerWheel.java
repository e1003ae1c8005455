package io.moirai.internal.time;

import java.util.function.Consumer;

/**
 * A hierarchical timing wheel: {@value #LEVELS} levels of {@value #SLOTS} slots; a slot of level
 * {@code l} spans {@code 64^l} ticks, so the wheel covers {@code 64^6} ticks (about 2.2 years at one
 * tick per millisecond) and farther deadlines wait in the top level until they come into range.
 * Inserting and removing are O(1); advancing costs O(1) per occupied slot passed, plus one move per
 * level a timer descends ("cascade").
 *
 * <p><b>Invariant.</b> An entry sits at the level of the highest 6-bit digit in which its deadline and
 * {@code elapsed} differ, in the slot of its deadline's digit at that level. So every occupied slot
 * starts after {@code elapsed} (but for the top level, which wraps), and the first occupied slot of
 * the lowest non-empty level holds the next expiration. Advancing to a slot of level {@code l > 0}
 * re-inserts its entries, which land on lower levels; a level-0 slot holds entries due exactly then.
 *
 * <p><b>Never early.</b> {@link #advance(long, Consumer)} fires an entry only when {@code now} has
 * reached its deadline; callers round deadlines up to whole ticks and {@code now} down.
 *
 * <p>Threads: not thread-safe. One thread (the I/O driver) owns a wheel and calls every method.
 */
public final class TimerWheel {

    static final int LEVELS = 6;
    static final int SLOTS = 64;
    private static final int SLOT_BITS = 6;
    private static final long SLOT_MASK = SLOTS - 1;
    /** Ticks the wheel covers: deadlines farther than this from {@code elapsed} wait in the top level. */
    static final long MAX_RANGE = 1L << (SLOT_BITS * LEVELS);

    private final TimerEntry[][] heads = new TimerEntry[LEVELS][SLOTS];
    private final long[] occupied = new long[LEVELS];
    private long elapsed;
    private int size;

    /** @param start the tick the wheel starts at */
    public TimerWheel(long start) {
        this.elapsed = start;
    }

    /** @return the tick the wheel has advanced to */
    public long elapsed() {
        return elapsed;
    }

    /** @return the number of scheduled entries */
    public int size() {
        return size;
    }

    /**
     * Schedules an entry.
     *
     * @param entry an entry not in any wheel
     * @return {@code false} if its deadline has passed already (it was not inserted: fire it now)
     */
    public boolean insert(TimerEntry entry) {
        if (isScheduled(entry)) {
            throw new IllegalStateException("timer already scheduled");
        }
        if (entry.timerDeadline() <= elapsed) {
            return false;
        }
        link(entry);
        size++;
        return true;
    }

    /**
     * Unschedules an entry; does nothing if it is not scheduled (fired or removed already).
     *
     * @param entry the entry
     */
    public void remove(TimerEntry entry) {
        if (!isScheduled(entry)) {
            return;
        }
        unlink(entry);
        size--;
    }

    /**
     * @return the tick of the earliest slot holding an entry (an entry there may be due later, if it
     *     has to descend first), or {@code Long.MAX_VALUE} if the wheel is empty
     */
    public long nextExpiration() {
        int level = lowestOccupiedLevel();
        return level < 0 ? Long.MAX_VALUE : slotStart(level, nextOccupiedSlot(level));
    }

    /**
     * Advances the wheel to {@code now}, firing every entry whose deadline is at or before it, in
     * deadline order between slots.
     *
     * @param now the current tick; a value below {@link #elapsed()} is ignored
     * @param fire receives each due entry, already removed from the wheel
     * @return the number of entries fired
     */
    public int advance(long now, Consumer<? super TimerEntry> fire) {
        int fired = 0;
        for (;;) {
            int level = lowestOccupiedLevel();
            if (level < 0) {
                break;
            }
            int slot = nextOccupiedSlot(level);
            long start = slotStart(level, slot);
            if (start > now) {
                break;
            }
            elapsed = start;
            TimerEntry e = heads[level][slot];
            heads[level][slot] = null;
            occupied[level] &= ~(1L << slot);
            while (e != null) {
                TimerEntry next = e.timerNext();
                detach(e);
                if (e.timerDeadline() <= elapsed) {
                    size--;
                    fired++;
                    fire.accept(e);
                } else {
                    link(e); // descends to a lower level
                }
                e = next;
            }
        }
        if (now > elapsed) {
            elapsed = now;
        }
        return fired;
    }

    /**
     * Removes every entry (the wheel's owner is stopping).
     *
     * @param each receives each removed entry
     */
    public void clear(Consumer<? super TimerEntry> each) {
        for (int level = 0; level < LEVELS; level++) {
            while (occupied[level] != 0L) {
                int slot = Long.numberOfTrailingZeros(occupied[level]);
                TimerEntry e;
                while ((e = heads[level][slot]) != null) {
                    unlink(e);
                    size--;
                    each.accept(e);
                }
            }
        }
    }

    /**
     * @param entry an entry
     * @return whether it is in a wheel
     */
    public static boolean isScheduled(TimerEntry entry) {
        return entry.timerIndex() != TimerEntry.UNSCHEDULED;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("TimerWheel[elapsed=").append(elapsed).append(", size=").append(size);
        for (int level = 0; level < LEVELS; level++) {
            if (occupied[level] != 0L) {
                int slot = nextOccupiedSlot(level);
                sb.append(", L").append(level).append(" next slot ").append(slot).append(" @").append(slotStart(level, slot));
            }
        }
        return sb.append(']').toString();
    }

    private int lowestOccupiedLevel() {
        for (int level = 0; level < LEVELS; level++) {
            if (occupied[level] != 0L) {
                return level;
            }
        }
        return -1;
    }

    /**
     * The first occupied slot of {@code level} after the one {@code elapsed} is in, wrapping around, so
     * the current slot comes last: by the invariant it can be occupied only on the top level, by
     * entries due in a later turn of that level.
     */
    private int nextOccupiedSlot(int level) {
        int from = (int) (((elapsed >>> (SLOT_BITS * level)) + 1) & SLOT_MASK);
        long rotated = Long.rotateRight(occupied[level], from);
        return (Long.numberOfTrailingZeros(rotated) + from) & (int) SLOT_MASK;
    }

    private long slotStart(int level, int slot) {
        int shift = SLOT_BITS * level;
        long levelRange = 1L << (shift + SLOT_BITS);
        long levelStart = elapsed & -levelRange;
        long start = levelStart + ((long) slot << shift);
        if (start <= elapsed) {
            // only the top level wraps: the slot is in the next turn of that level
            start += levelRange;
        }
        return start;
    }

    private void link(TimerEntry e) {
        long deadline = e.timerDeadline();
        long masked = (elapsed ^ deadline) | SLOT_MASK;
        if (masked >= MAX_RANGE || masked < 0) { // far future, or (never expected) a negative tick
            masked = MAX_RANGE - 1;
        }
        int significant = 63 - Long.numberOfLeadingZeros(masked);
        int level = significant / SLOT_BITS;
        int slot = (int) ((deadline >>> (SLOT_BITS * level)) & SLOT_MASK);
        TimerEntry head = heads[level][slot];
        e.timerNext(head);
        e.timerPrev(null);
        if (head != null) {
            head.timerPrev(e);
        }
        heads[level][slot] = e;
        occupied[level] |= 1L << slot;
        e.timerIndex(level << SLOT_BITS | slot);
    }

    private void unlink(TimerEntry e) {
        TimerEntry prev = e.timerPrev();
        TimerEntry next = e.timerNext();
        if (prev != null) {
            prev.timerNext(next);
        } else {
            int index = e.timerIndex();
            int level = index >>> SLOT_BITS;
            int slot = index & (int) SLOT_MASK;
            heads[level][slot] = next;
            if (next == null) {
                occupied[level] &= ~(1L << slot);
            }
        }
        if (next != null) {
            next.timerPrev(prev);
        }
        detach(e);
    }

    /** Marks an entry as out of the wheel (its neighbours are relinked by the caller, or gone). */
    private static void detach(TimerEntry e) {
        e.timerPrev(null);
        e.timerNext(null);
        e.timerIndex(TimerEntry.UNSCHEDULED);
    }
}
