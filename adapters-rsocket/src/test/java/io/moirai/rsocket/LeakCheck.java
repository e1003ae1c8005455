package io.moirai.rsocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.ResourceLeakDetector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class of this module when Netty's leak detector reported a leaked {@code ByteBuf}
 * during it. Registered for every class (JUnit's extension auto-detection, see
 * {@code junit-platform.properties}). Before the first class it checks that the detector runs at
 * PARANOID with {@link LeakRecorder} and that it really reports: it leaks one buffer on purpose and
 * waits for the report. After each class it collects garbage and has the detector look at what was
 * collected (it does so when buffers are allocated), then asserts nothing was reported.
 *
 * <p>Threads: JUnit's test thread.
 */
public final class LeakCheck implements BeforeAllCallback, AfterAllCallback {

    private static volatile boolean selfTested;

    @Override
    public void beforeAll(ExtensionContext context) {
        Unpooled.buffer(1).release(); // loads AbstractByteBuf, which creates the detector
        assertThat(ResourceLeakDetector.getLevel()).as("io.netty.leakDetection.level").isEqualTo(ResourceLeakDetector.Level.PARANOID);
        assertThat(LeakRecorder.installed()).as("LeakRecorder installed by io.netty.customResourceLeakDetector").isTrue();
        if (!selfTested) {
            selfTest();
            selfTested = true;
        }
        List<String> before = LeakRecorder.drain();
        assertThat(before).as("leaks reported before %s started", context.getDisplayName()).isEmpty();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        List<String> leaks = collect(1);
        assertThat(leaks).as("ByteBufs leaked by %s (Netty's leak detector, PARANOID)", context.getDisplayName()).isEmpty();
    }

    /** Leaks one buffer and expects the detector to report it: proof that a clean run means something. */
    private static void selfTest() {
        LeakRecorder.quiet = true;
        try {
            leakOne();
            List<String> leaks = List.of();
            for (int round = 0; round < 20 && leaks.isEmpty(); round++) {
                leaks = collect(1);
            }
            assertThat(leaks).as("the detector's report of a buffer leaked on purpose").isNotEmpty();
        } finally {
            LeakRecorder.quiet = false;
        }
    }

    private static void leakOne() {
        ByteBuf leaked = PooledByteBufAllocator.DEFAULT.directBuffer(16);
        leaked.writeInt(42); // never released, unreachable once this returns
    }

    /**
     * Runs the garbage collector and then allocates, which makes the detector look at the buffers
     * collected meanwhile.
     *
     * @param rounds how many times
     * @return the leaks reported
     */
    static List<String> collect(int rounds) {
        List<String> leaks = new ArrayList<>();
        for (int round = 0; round < Math.max(rounds, 3); round++) {
            System.gc();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // the reference handler enqueues
            for (int i = 0; i < 64; i++) {
                PooledByteBufAllocator.DEFAULT.directBuffer(8).release();
                PooledByteBufAllocator.DEFAULT.heapBuffer(8).release();
                Unpooled.buffer(8).release();
            }
            leaks.addAll(LeakRecorder.drain());
        }
        return leaks;
    }
}
