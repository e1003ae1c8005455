package io.moirai.internal.flow;

import java.lang.invoke.VarHandle;

/**
 * Demand arithmetic shared by every publisher: saturating addition (§3.17), emission accounting and
 * request validation (§3.9). Stateless; callable from any thread. The {@code VarHandle} variants
 * operate on a {@code long} field of the given owner with full CAS semantics.
 */
public final class Demand {

    private Demand() {}

    /**
     * Adds two non-negative demands, saturating at {@link Long#MAX_VALUE} (§3.17).
     *
     * @param a a non-negative demand
     * @param b a non-negative demand
     * @return {@code a + b}, or {@code Long.MAX_VALUE} on overflow
     */
    public static long addCap(long a, long b) {
        long r = a + b;
        return r < 0L ? Long.MAX_VALUE : r;
    }

    /**
     * Atomically adds {@code n} to the demand field, saturating (§3.17).
     *
     * @param field a {@code VarHandle} to a {@code long} field of {@code owner}
     * @param owner the object holding the field
     * @param n the positive amount requested
     * @return the demand before the addition
     */
    public static long add(VarHandle field, Object owner, long n) {
        for (;;) {
            long current = (long) field.getVolatile(owner);
            if (current == Long.MAX_VALUE) {
                return Long.MAX_VALUE;
            }
            long next = addCap(current, n);
            if (field.compareAndSet(owner, current, next)) {
                return current;
            }
        }
    }

    /**
     * Atomically subtracts {@code n} emitted items from the demand field, unless the demand is
     * unbounded ({@code Long.MAX_VALUE}, which stays so).
     *
     * @param field a {@code VarHandle} to a {@code long} field of {@code owner}
     * @param owner the object holding the field
     * @param n the number of items emitted, not more than the demand
     * @return the demand after the subtraction
     */
    public static long produced(VarHandle field, Object owner, long n) {
        for (;;) {
            long current = (long) field.getVolatile(owner);
            if (current == Long.MAX_VALUE) {
                return Long.MAX_VALUE;
            }
            long next = current - n;
            if (next < 0L) {
                throw new IllegalStateException("more produced than requested: " + n + " > " + current);
            }
            if (field.compareAndSet(owner, current, next)) {
                return next;
            }
        }
    }

    /**
     * @param n a requested amount
     * @return {@code true} if {@code n} is a valid request (§3.9: {@code n > 0})
     */
    public static boolean isValid(long n) {
        return n > 0L;
    }

    /**
     * The error a subscription signals for {@code request(n <= 0)}.
     *
     * @param n the invalid amount
     * @return an {@link IllegalArgumentException} naming §3.9 and the value
     */
    public static IllegalArgumentException invalidRequest(long n) {
        return new IllegalArgumentException("§3.9 violated: request(n) requires n > 0, got " + n);
    }
}
