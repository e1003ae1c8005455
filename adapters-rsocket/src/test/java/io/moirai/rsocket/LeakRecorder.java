package io.moirai.rsocket;

import io.netty.util.ResourceLeakDetector;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Netty's leak detector with every report recorded, installed for this module's tests by the system
 * property {@code io.netty.customResourceLeakDetector} (see the pom), with
 * {@code io.netty.leakDetection.level=paranoid}: every {@code ByteBuf} is tracked, and one collected
 * without its release is recorded here, with its access records, for {@link LeakCheck} to fail on.
 * Netty constructs it reflectively, once per resource type.
 *
 * <p>Threads: the reports come from whichever thread allocates next; the record is a concurrent queue.
 */
public final class LeakRecorder<T> extends ResourceLeakDetector<T> {

    private static final Queue<String> LEAKS = new ConcurrentLinkedQueue<>();
    private static volatile boolean installed;
    /** While set, reports are recorded but not logged (the deliberate leak of {@link LeakCheck}'s self-test). */
    static volatile boolean quiet;

    /**
     * @param resourceType the tracked type (ByteBuf)
     * @param samplingInterval Netty's sampling interval (ignored at PARANOID)
     */
    public LeakRecorder(Class<?> resourceType, int samplingInterval) {
        super(resourceType, samplingInterval);
        installed = true;
    }

    /**
     * The constructor Netty looks for first (its {@code maxActive} is obsolete and ignored); without
     * it Netty logs that it is missing before it falls back to the other.
     *
     * @param resourceType the tracked type (ByteBuf)
     * @param samplingInterval Netty's sampling interval (ignored at PARANOID)
     * @param maxActive ignored
     */
    public LeakRecorder(Class<?> resourceType, int samplingInterval, long maxActive) {
        this(resourceType, samplingInterval);
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
        LEAKS.add("LEAK: " + resourceType + " released too few times" + records);
        if (!quiet) {
            super.reportTracedLeak(resourceType, records);
        }
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
        LEAKS.add("LEAK: " + resourceType + " released too few times (no records)");
        if (!quiet) {
            super.reportUntracedLeak(resourceType);
        }
    }

    /** @return whether Netty created this detector (the system property took effect) */
    static boolean installed() {
        return installed;
    }

    /** @return the leaks reported since the last call, which forgets them */
    static List<String> drain() {
        List<String> out = new java.util.ArrayList<>();
        String leak;
        while ((leak = LEAKS.poll()) != null) {
            out.add(leak);
        }
        return out;
    }
}
