package io.moirai.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.ResourceLeakDetector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link RSocketBenchmark}'s invocations at small sizes, on every placement of both peers, with Netty's
 * leak detector at PARANOID ({@link RecordingLeakDetector}): each shape gets exactly what it asked for,
 * every received payload and every request is released, and a stream that cannot be served fails with
 * the server's reason instead of hanging. It measures nothing.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RSocketBenchmarkTest {

    @BeforeAll
    static void leakDetectorReports() {
        Unpooled.buffer(1).release(); // loads AbstractByteBuf, which creates the detector
        assertThat(ResourceLeakDetector.getLevel()).as("io.netty.leakDetection.level").isEqualTo(ResourceLeakDetector.Level.PARANOID);
        assertThat(RecordingLeakDetector.installed()).as("io.netty.customResourceLeakDetector").isTrue();
        RecordingLeakDetector.drain();
        leakOne();
        List<String> reports = List.of();
        for (int round = 0; round < 20 && reports.isEmpty(); round++) {
            reports = collectLeaks();
        }
        assertThat(reports).as("the report of a buffer leaked on purpose: the detector works").isNotEmpty();
    }

    @AfterEach
    void nothingLeaked() {
        assertThat(collectLeaks()).as("ByteBufs collected without their release").isEmpty();
    }

    @ParameterizedTest(name = "ioThreads={0}")
    @ValueSource(ints = {1, 2})
    void moiraiRowsGetWhatTheyAskFor(int ioThreads) {
        RSocketBenchmark.MoiraiPeer state = new RSocketBenchmark.MoiraiPeer();
        state.workers = BenchSupport.AUTO;
        state.ioThreads = ioThreads;
        state.demand = Integer.parseInt(RSocketBenchmark.DEMAND);
        state.setUp();
        try {
            everyShape(state.peer, state.demand);
        } finally {
            state.tearDown();
        }
    }

    @ParameterizedTest(name = "nettyLoops={0}")
    @ValueSource(strings = {"1", TcpSupport.NETTY_DEFAULT_LOOPS})
    void nettyRowsGetWhatTheyAskFor(String loops) {
        RSocketBenchmark.NettyPeer state = new RSocketBenchmark.NettyPeer();
        state.nettyLoops = loops;
        state.demand = Integer.parseInt(RSocketBenchmark.DEMAND);
        state.setUp();
        try {
            everyShape(state.peer, state.demand);
        } finally {
            state.tearDown();
        }
    }

    @Test
    void aStreamTheServerRefusesFailsWithTheReasonInsteadOfHanging() {
        RSocketBenchmark.Peer peer = RSocketBenchmark.Peer.moirai(2, 1);
        try {
            assertThatThrownBy(() -> RSocketBenchmark.stream(peer, 10, 100, 256))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("request-stream failed: 0 of 10 payloads")
                    .cause().hasMessageContaining("got 8 bytes (count 10, size 100)");
            RSocketBenchmark.stream(peer, 10, 64, 256); // the connection still serves
        } finally {
            peer.close();
        }
    }

    @Test
    void aLargeStreamInvocationIs64MiB() {
        RSocketBenchmark.LargePayload p = new RSocketBenchmark.LargePayload();
        p.payloadSize = 1024;
        assertThat(p.count()).isEqualTo(65_536);
        p.payloadSize = 65536;
        assertThat(p.count()).isEqualTo(1_024);
        p.payloadSize = 1000;
        assertThatThrownBy(p::count).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Two invocations of each shape, far smaller than the benchmark's (PARANOID records a stack trace per
     * buffer), each stream over several demand windows.
     */
    private static void everyShape(RSocketBenchmark.Peer peer, int demand) {
        for (int i = 0; i < 2; i++) {
            RSocketBenchmark.roundTrips(peer, 300);
            RSocketBenchmark.stream(peer, 5_000, RSocketBenchmark.SMALL, demand);
            RSocketBenchmark.stream(peer, 1_000, 1024, demand);
            RSocketBenchmark.stream(peer, 2 * demand + 7, 64 * 1024, demand);
        }
    }

    private static void leakOne() {
        ByteBuf leaked = PooledByteBufAllocator.DEFAULT.directBuffer(16);
        leaked.writeInt(42); // never released, unreachable once this returns
    }

    /** Collects garbage, then allocates, which makes the detector look at what was collected. */
    private static List<String> collectLeaks() {
        List<String> reports = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            System.gc();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            for (int i = 0; i < 64; i++) {
                PooledByteBufAllocator.DEFAULT.directBuffer(8).release();
                Unpooled.buffer(8).release();
            }
            reports.addAll(RecordingLeakDetector.drain());
        }
        return reports;
    }
}
