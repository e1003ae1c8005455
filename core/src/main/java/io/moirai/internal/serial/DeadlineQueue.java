package io.moirai.internal.serial;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The delayed items of one serial executor that are not due yet, ordered by deadline and, among
 * equal deadlines, by the order they were added.
 *
 * <p><b>Why one holder per executor.</b> Each delayed item has a timer of its own, and timers due
 * in the same tick may fire as separate jobs, in any order, on different threads. Reactor's and
 * RxJava's operators rely on a worker running its delayed tasks in deadline order, equal delays in
 * the order they were scheduled ({@code delay} schedules a value and then the completion with the
 * same delay), as {@code ScheduledThreadPoolExecutor} does. So a firing timer does not queue its own
 * item: it calls {@link #moveDue} (through {@link SerialExecutor#moveDue}), which moves every item
 * that is due, earliest first, under this holder's lock, into the executor's queue; a timer whose
 * item already moved finds nothing to do. An item never moves before its deadline.
 *
 * <p><b>Entries.</b> {@link #add} wraps the item in an {@link Entry} that carries its deadline and
 * its sequence number (1, 2, ... in the order of the adds, under the lock); the caller keeps the
 * entry to {@link #remove} the item if it is disposed before it is due. Deadlines are
 * {@link System#nanoTime()} values, compared by their difference (so they must lie within about 292
 * years of each other); equal deadlines go by sequence.
 *
 * <p><b>Threads.</b> Every method from any thread; the state is guarded by a private lock. The
 * {@code claim} predicate runs under it; {@link #disposeAll}'s action runs outside it.
 *
 * @param <T> the items
 */
public final class DeadlineQueue<T> {

    /**
     * One item waiting in a {@link DeadlineQueue}, with its place in the order; made only by
     * {@link DeadlineQueue#add}. Immutable; any thread.
     *
     * @param <T> the item's type
     * @param item the item
     * @param deadline the {@link System#nanoTime()} value at which the item is due
     * @param sequence its place among the holder's adds (1, 2, ...), the order of equal deadlines
     */
    public record Entry<T>(T item, long deadline, long sequence) {}

    private static final Comparator<Entry<?>> ORDER = (a, b) -> {
        long d = a.deadline - b.deadline; // nanoTime values: by difference, never by value
        if (d != 0L) {
            return d < 0L ? -1 : 1;
        }
        return Long.compare(a.sequence, b.sequence);
    };

    private final TreeSet<Entry<T>> waiting = new TreeSet<>(ORDER); // also the lock
    private final Predicate<? super T> claim;
    private long lastSequence; // guarded by waiting
    private boolean closed; // guarded by waiting

    /**
     * @param claim asked, under the lock, for each due item as it leaves: {@code true} if it goes to
     *     the queue, {@code false} if it was disposed meanwhile (it is then dropped); must not throw
     */
    public DeadlineQueue(Predicate<? super T> claim) {
        this.claim = Objects.requireNonNull(claim, "claim");
    }

    /**
     * Adds an item.
     *
     * @param item the item
     * @param deadline the {@link System#nanoTime()} value at which it is due
     * @return its entry, for {@link #remove}; {@code null} if this holder was disposed
     *     ({@link #disposeAll}): nothing was added
     */
    public Entry<T> add(T item, long deadline) {
        Objects.requireNonNull(item, "item");
        synchronized (waiting) {
            if (closed) {
                return null;
            }
            Entry<T> entry = new Entry<>(item, deadline, ++lastSequence);
            waiting.add(entry);
            return entry;
        }
    }

    /**
     * Removes an item that no longer waits (it was disposed).
     *
     * @param entry what {@link #add} returned for it, or {@code null} (nothing to remove)
     * @return whether it was waiting here
     */
    public boolean remove(Entry<T> entry) {
        if (entry == null) {
            return false;
        }
        synchronized (waiting) {
            return waiting.remove(entry);
        }
    }

    /**
     * Moves every item due at {@code now} (deadline not after it) to {@code sink}, earliest first,
     * under the lock, so two concurrent calls never interleave their items. Each goes to the sink
     * only if {@code claim} accepts it.
     *
     * @param now a {@link System#nanoTime()} value
     * @param sink where due items go, in order; its {@code offer} must not throw
     * @return how many items went to the sink
     */
    public int moveDue(long now, Queue<? super T> sink) {
        int moved = 0;
        synchronized (waiting) {
            while (!waiting.isEmpty() && waiting.first().deadline - now <= 0L) {
                T item = waiting.pollFirst().item;
                if (claim.test(item)) {
                    sink.offer(item);
                    moved++;
                }
            }
        }
        return moved;
    }

    /** @return how many items wait */
    public int size() {
        synchronized (waiting) {
            return waiting.size();
        }
    }

    /**
     * Empties this holder for good: later {@link #add} calls return {@code null}. Each item that was
     * waiting goes to {@code dispose}, earliest first, on this thread, outside the lock (so it may
     * call {@link #remove}). Idempotent: a second call does nothing.
     *
     * @param dispose what to do with each waiting item
     */
    public void disposeAll(Consumer<? super T> dispose) {
        List<Entry<T>> left;
        synchronized (waiting) {
            if (closed) {
                return;
            }
            closed = true;
            left = new ArrayList<>(waiting);
            waiting.clear();
        }
        for (Entry<T> entry : left) {
            dispose.accept(entry.item);
        }
    }
}
