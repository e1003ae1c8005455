package io.moirai.internal.runtime;

import io.moirai.Moirai;
import java.util.Objects;
import java.util.function.Function;

/**
 * How the runtime's other public packages ({@code io.moirai.net}) reach a {@link Moirai}'s internals
 * without a public accessor: {@code Moirai} installs the accessor once, when its class initializes
 * (which happens before any instance exists).
 *
 * <p>Threads: any thread. Not API.
 */
public final class RuntimeAccess {

    private static volatile Function<Moirai, RuntimeCore> accessor;

    private RuntimeAccess() {}

    /**
     * Installs the accessor; called once by {@code Moirai}'s static initializer.
     *
     * @param f maps a runtime to its core
     */
    public static void install(Function<Moirai, RuntimeCore> f) {
        if (accessor != null) {
            throw new IllegalStateException("runtime accessor already installed");
        }
        accessor = f;
    }

    /**
     * @param moirai a runtime
     * @return its core
     * @throws NullPointerException naming {@code moirai} if it is null
     */
    public static RuntimeCore of(Moirai moirai) {
        Objects.requireNonNull(moirai, "moirai");
        return accessor.apply(moirai);
    }
}
