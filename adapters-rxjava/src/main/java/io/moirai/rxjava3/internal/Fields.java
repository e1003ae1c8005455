package io.moirai.rxjava3.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Looks up the {@link VarHandle}s of this package's lock-free fields, failing class initialisation if
 * one is missing. Stateless; called from static initialisers.
 */
final class Fields {

    private Fields() {}

    /**
     * @param lookup the caller's lookup ({@code MethodHandles.lookup()}), which must see the field
     * @param name the field's name
     * @param type the field's type
     * @return a handle to the instance field {@code name} of the lookup's class
     */
    static VarHandle handle(MethodHandles.Lookup lookup, String name, Class<?> type) {
        try {
            return lookup.findVarHandle(lookup.lookupClass(), name, type);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
