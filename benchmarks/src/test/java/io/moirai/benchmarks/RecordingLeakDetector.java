package io.moirai.benchmarks;

import io.netty.util.ResourceLeakDetector;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Netty's leak detector, recording every leak it reports so that a test can fail on it. The benchmarks
 * module's tests install it through the system property {@code io.netty.customResourceLeakDetector}
 * (see the pom), with {@code io.netty.leakDetection.level=paranoid}, so every {@code ByteBuf} is tracked.
 * Netty constructs it reflectively, once per tracked type, before the first buffer is made.
 *
 * <p>Threads: a report comes from whichever thread allocates next; the record is a concurrent queue.
 *
 * @param <T> the tracked type
 */
public final class RecordingLeakDetector<T> extends ResourceLeakDetector<T> {

    private static final Queue<String> REPORTS = new ConcurrentLinkedQueue<>();
    private static volatile boolean installed;

    /**
     * @param resourceType the tracked type
     * @param samplingInterval Netty's sampling interval (PARANOID tracks every buffer whatever it is)
     */
    public RecordingLeakDetector(Class<?> resourceType, int samplingInterval) {
        super(resourceType, samplingInterval);
        installed = true;
    }

    /**
     * The constructor Netty tries first; {@code maxActive} is obsolete in Netty and ignored.
     *
     * @param resourceType the tracked type
     * @param samplingInterval Netty's sampling interval
     * @param maxActive ignored
     */
    public RecordingLeakDetector(Class<?> resourceType, int samplingInterval, long maxActive) {
        this(resourceType, samplingInterval);
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
        REPORTS.add(resourceType + " collected without its release" + records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
        REPORTS.add(resourceType + " collected without its release (no access records)");
    }

    /** @return whether Netty created this detector, i.e. the system property took effect */
    static boolean installed() {
        return installed;
    }

    /** @return the reports since the last call, which forgets them */
    static List<String> drain() {
        List<String> out = new ArrayList<>();
        for (String r; (r = REPORTS.poll()) != null; ) {
            out.add(r);
        }
        return out;
    }
}
