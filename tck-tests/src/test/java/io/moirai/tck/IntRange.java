package io.moirai.tck;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The integers {@code 0, 1, ..., size - 1} as a lazy {@link Iterable}, for the TCK classes of
 * {@link io.moirai.stream.Streams#fromIterable} and {@link io.moirai.stream.Streams#parallelMap}.
 * Nothing is materialized, so the TCK's longest stream ({@code Integer.MAX_VALUE} elements, which
 * the §3.17 test cancels after a dozen) costs no memory, and every {@link #iterator()} starts from
 * 0 again, so a publisher that iterates once per subscriber gives each one the whole range.
 *
 * <p>Threads: immutable; each iterator is used by one thread at a time (whichever thread the
 * publisher iterates on), as {@link Iterator} requires.
 */
final class IntRange implements Iterable<Integer> {

    private final long size;

    /**
     * @param size the number of elements, from 0 to {@code Integer.MAX_VALUE}
     * @throws IllegalArgumentException if {@code size} is out of that range
     */
    IntRange(long size) {
        if (size < 0 || size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("size must be in [0, Integer.MAX_VALUE], got " + size);
        }
        this.size = size;
    }

    @Override
    public Iterator<Integer> iterator() {
        return new Iterator<>() {
            private long next;

            @Override
            public boolean hasNext() {
                return next < size;
            }

            @Override
            public Integer next() {
                if (next >= size) {
                    throw new NoSuchElementException("the range of " + size + " elements is exhausted");
                }
                return (int) next++;
            }
        };
    }

    @Override
    public String toString() {
        return "IntRange[0.." + size + ")";
    }
}
