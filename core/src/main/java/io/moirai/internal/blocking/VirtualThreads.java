package io.moirai.internal.blocking;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Tells a virtual thread from a platform thread without compiling against JDK 21: {@code Thread.isVirtual()}
 * is looked up once, by a method handle; on a JDK without it (17 to 20) every thread is a platform thread.
 *
 * <p>Threads: stateless after class initialisation; any thread.
 */
public final class VirtualThreads {

    /** {@code Thread.isVirtual()}, or null on a JDK that has no virtual threads. */
    private static final MethodHandle IS_VIRTUAL = lookupIsVirtual();

    private VirtualThreads() {}

    private static MethodHandle lookupIsVirtual() {
        try {
            return MethodHandles.publicLookup().findVirtual(Thread.class, "isVirtual", MethodType.methodType(boolean.class));
        } catch (NoSuchMethodException | IllegalAccessException beforeJdk21) {
            return null;
        }
    }

    /**
     * @param t a thread, started or not
     * @return whether it is a virtual thread (always {@code false} before JDK 21)
     */
    public static boolean isVirtual(Thread t) {
        if (IS_VIRTUAL == null) {
            return false;
        }
        try {
            return (boolean) IS_VIRTUAL.invokeExact(t);
        } catch (Throwable impossible) { // isVirtual throws nothing
            return false;
        }
    }
}
