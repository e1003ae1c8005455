package io.moirai.internal.util;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/** Looks up the {@code VarHandle}s of lock-free fields, failing class initialisation if one is missing. */
public final class VarHandles {

    private VarHandles() {}

    /**
     * @param lookup the caller's lookup ({@code MethodHandles.lookup()}), which must see the field
     * @param name the field's name
     * @param type the field's type
     * @return a handle to the instance field {@code name} of the lookup's class
     */
    public static VarHandle field(MethodHandles.Lookup lookup, String name, Class<?> type) {
        try {
            return lookup.findVarHandle(lookup.lookupClass(), name, type);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
