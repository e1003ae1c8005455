package io.moirai.blockhoundtests;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingOperationError;

/**
 * Installs BlockHound once for this test JVM, as an application's tests would ({@code BlockHound.install},
 * which loads the service-declared integrations: Moirai's from core's jar, Reactor's), plus a callback
 * that records every report (thread, method, stack) before it throws BlockingOperationError as usual,
 * so a test can tell that nothing at all was reported, even where an error would have been swallowed.
 */
final class BlockHoundSupport {

    private static final List<String> REPORTS = new CopyOnWriteArrayList<>();

    private BlockHoundSupport() {}

    static synchronized void install() {
        BlockHound.install(builder -> builder.blockingMethodCallback(method -> {
            String stack = Arrays.stream(new Throwable().getStackTrace())
                    .map(e -> "    at " + e)
                    .collect(Collectors.joining("\n"));
            REPORTS.add(Thread.currentThread().getName() + ": " + method + "\n" + stack);
            throw new BlockingOperationError(method);
        }));
    }

    /** Forgets the reports so far. */
    static void clear() {
        REPORTS.clear();
    }

    /** @return the reports since the last {@link #clear()}, each with its thread and stack */
    static List<String> reports() {
        return List.copyOf(REPORTS);
    }
}
