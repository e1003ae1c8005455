package io.moirai.rsocket.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Looks up the {@link VarHandle}s of this package's lock-free fields, and the saturating demand
 * arithmetic they share (§3.17). Stateless; any thread.
 */
final class Handles {

    private Handles() {}

    /**
     * @param lookup the caller's lookup ({@code MethodHandles.lookup()}), which must see the field
     * @param name the field's name
     * @param type the field's type
     * @return a handle to the instance field {@code name} of the lookup's class
     */
    static VarHandle field(MethodHandles.Lookup lookup, String name, Class<?> type) {
        try {
            return lookup.findVarHandle(lookup.lookupClass(), name, type);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Adds {@code n} to the {@code long} demand field behind {@code handle}, saturating at
     * {@link Long#MAX_VALUE} (§3.17).
     *
     * @param handle the field's handle
     * @param owner the object holding the field
     * @param n a positive amount
     * @return the demand before the addition
     */
    static long addDemand(VarHandle handle, Object owner, long n) {
        for (;;) {
            long current = (long) handle.getVolatile(owner);
            if (current == Long.MAX_VALUE) {
                return current;
            }
            long next = current + n;
            if (next < 0) {
                next = Long.MAX_VALUE;
            }
            if (handle.compareAndSet(owner, current, next)) {
                return current;
            }
        }
    }

    /**
     * Subtracts what was emitted from the demand field behind {@code handle}, unless the demand is
     * unbounded ({@link Long#MAX_VALUE}).
     *
     * @param handle the field's handle
     * @param owner the object holding the field
     * @param emitted how many items were emitted
     * @return the demand left
     */
    static long produced(VarHandle handle, Object owner, long emitted) {
        for (;;) {
            long current = (long) handle.getVolatile(owner);
            if (current == Long.MAX_VALUE) {
                return current;
            }
            long next = current - emitted;
            if (handle.compareAndSet(owner, current, next)) {
                return next;
            }
        }
    }

    /**
     * @param n the invalid amount
     * @return the error §3.9 prescribes for {@code request(n <= 0)}
     */
    static IllegalArgumentException invalidRequest(long n) {
        return new IllegalArgumentException("§3.9 violated: request(n) needs n > 0, got " + n);
    }
}
