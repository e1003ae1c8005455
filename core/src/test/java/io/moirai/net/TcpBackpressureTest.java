package io.moirai.net;

import static io.moirai.TestSupport.WAIT;
import static io.moirai.TestSupport.uniquePrefix;
import static io.moirai.net.NetSupport.ANY_LOOPBACK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.moirai.Moirai;
import io.moirai.task.TaskHandle;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * TCP backpressure end to end: a server that stops requesting stalls a fast client through TCP flow
 * control, with bounded reads on the server, and everything arrives once demand returns.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TcpBackpressureTest {

    private static final int MIB = 1024 * 1024;
    private static final int CHUNK = 64 * 1024;

    /**
     * Waits until the source's request count has not grown for {@code quiet} (time is the subject: a
     * stall can only be seen as the absence of progress).
     *
     * @return the request count at the stall
     */
    private static long awaitStall(ByteSource source, TaskHandle<Void> out, Duration quiet, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long last = source.requested();
        long since = System.nanoTime();
        while (true) {
            Thread.sleep(50);
            long now = System.nanoTime();
            long r = source.requested();
            if (out.isFinished()) {
                fail("outbound finished although the server reads nothing: " + out.tryJoin() + ", " + source);
            }
            if (r != last) {
                last = r;
                since = now;
            } else if (now - since >= quiet.toNanos()) {
                return r;
            }
            if (now - deadline > 0) {
                fail("the client never stalled within " + timeout + ": " + source);
            }
        }
    }

    @Test
    void aServerThatStopsRequestingStallsTheClientUntilDemandReturns() throws Exception {
        try (Moirai moirai = Moirai.builder().workerThreads(2).threadNamePrefix(uniquePrefix("bp")).build();
                TcpListener listener = TcpListener.bind(moirai, ANY_LOOPBACK)) {
            NetSupport.AcceptQueue queue = new NetSupport.AcceptQueue();
            listener.connections().subscribe(queue);
            NetSupport.Pair pair = NetSupport.connect(moirai, listener, queue);

            // the server requests one buffer and then waits
            ByteSink atServer = new ByteSink(1);
            pair.server().inbound().subscribe(atServer);

            long total = 256L * MIB;
            ByteSource source = new ByteSource(42, total, CHUNK);
            TaskHandle<Void> out = pair.client().outbound(source);

            atServer.awaitBuffers(1);
            long requestedAtStall = awaitStall(source, out, Duration.ofSeconds(1), Duration.ofSeconds(20));
            System.out.printf("stalled after %d requested buffers, %.1f MiB emitted%n", requestedAtStall,
                    source.emittedBytes() / (double) MIB);

            assertThat(out.isFinished()).as("client outbound while the server does not read").isFalse();
            assertThat(source.isCompleted()).isFalse();
            assertThat(source.isCancelled()).isFalse();
            // the source was asked only for what the socket could take: one buffer at a time ...
            assertThat(source.emittedBuffers()).isBetween(requestedAtStall - 1, requestedAtStall);
            // ... and far less than everything (the kernel's socket buffers hold a few MiB)
            assertThat(source.emittedBytes()).as("bytes taken from the source while stalled").isLessThan(64L * MIB);
            // the server read no more than it asked for: one buffer
            assertThat(atServer.buffers()).as("buffers read by the server").isEqualTo(1);
            assertThat(atServer.bytes()).isBetween(1L, (long) TcpConnection.DEFAULT_MAX_CHUNK_SIZE);
            assertThat(atServer.done).isNotDone();

            // demand returns: everything arrives intact and the client's outbound completes
            atServer.request(Long.MAX_VALUE);
            atServer.awaitComplete(Duration.ofSeconds(40));
            out.join(WAIT);
            assertThat(source.isCompleted()).isTrue();
            assertThat(atServer.bytes()).isEqualTo(total);
            assertThat(atServer.crc()).as("CRC32 received").isEqualTo(source.crc());
            assertThat(atServer.maxBuffer()).isLessThanOrEqualTo(TcpConnection.DEFAULT_MAX_CHUNK_SIZE);
            assertThat(atServer.violations).isEmpty();
            pair.close();
        }
    }

    @Test
    void inboundReadsOneBufferPerRequestedElement() throws Exception {
        try (Moirai moirai = Moirai.builder().workerThreads(2).threadNamePrefix(uniquePrefix("bp-one")).build();
                TcpListener listener = TcpListener.bind(moirai, ANY_LOOPBACK)) {
            NetSupport.AcceptQueue queue = new NetSupport.AcceptQueue();
            listener.connections().subscribe(queue);
            NetSupport.Pair pair = NetSupport.connect(moirai, listener, queue);
            ByteSink atServer = new ByteSink(0);
            pair.server().inbound(1024).subscribe(atServer);
            long total = 4L * MIB;
            ByteSource source = new ByteSource(7, total, CHUNK);
            TaskHandle<Void> out = pair.client().outbound(source);
            for (int k = 1; k <= 5; k++) {
                atServer.request(1);
                atServer.awaitBuffers(k);
                // time is the subject: nothing beyond the demand arrives
                Thread.sleep(20);
                assertThat(atServer.buffers()).as("buffers after %d requests", k).isEqualTo(k);
            }
            assertThat(atServer.maxBuffer()).isLessThanOrEqualTo(1024);
            atServer.request(Long.MAX_VALUE);
            atServer.awaitComplete(Duration.ofSeconds(30));
            out.join(WAIT);
            assertThat(atServer.bytes()).isEqualTo(total);
            assertThat(atServer.crc()).isEqualTo(source.crc());
            assertThat(atServer.maxBuffer()).isLessThanOrEqualTo(1024);
            pair.close();
        }
    }
}
