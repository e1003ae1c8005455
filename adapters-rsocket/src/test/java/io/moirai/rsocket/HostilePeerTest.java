package io.moirai.rsocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.moirai.stream.Streams;
import io.netty.buffer.ByteBuf;
import io.rsocket.Payload;
import io.rsocket.RSocket;
import io.rsocket.frame.ErrorFrameCodec;
import io.rsocket.frame.FrameHeaderCodec;
import io.rsocket.frame.FrameType;
import io.rsocket.util.DefaultPayload;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;

/**
 * Oversized, short and garbage frames from a raw {@code java.net.Socket}, and a client that never
 * reads: the server closes that connection, holds no more than its bounds, releases every buffer, and
 * keeps serving everyone else.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HostilePeerTest {

    private static final int LIMIT = 64 * 1024;

    private Loopback loop;
    private MoiraiRSocket.Server server;
    private final List<Throwable> dropped = new CopyOnWriteArrayList<>();
    private final CountDownLatch sourceCancelled = new CountDownLatch(1);

    /** Request-response echoes; request-stream sends 4 KiB payloads for ever (its cancel is counted). */
    private final class Service implements RSocket {
        @Override
        public Mono<Payload> requestResponse(Payload request) {
            String data = request.getDataUtf8();
            request.release();
            return Mono.just(DefaultPayload.create("echo:" + data));
        }

        @Override
        public Flux<Payload> requestStream(Payload request) {
            request.release();
            byte[] block = new byte[4096];
            return Flux.from(Streams.fromIterable(loop.moirai, () -> LongStream.iterate(0, i -> i + 1).iterator()))
                    .doOnCancel(sourceCancelled::countDown)
                    .map(i -> DefaultPayload.create(block));
        }
    }

    @BeforeEach
    void start() {
        Hooks.onErrorDropped(dropped::add);
        loop = new Loopback("hostile", MoiraiRSocket.Settings.defaults().maxFrameLength(LIMIT).maxQueuedBytes(1 << 20));
        server = loop.moiraiServer((setup, sendingSocket) -> Mono.just(new Service()));
    }

    @AfterEach
    void stop() {
        try {
            loop.close();
        } finally {
            Hooks.resetOnErrorDropped();
        }
    }

    /** A well-behaved client on a new connection still gets its answer. */
    private void serverStillServes() {
        RSocket client = loop.moiraiClient(server.address());
        assertThat(client.requestResponse(DefaultPayload.create("still there?")).map(Payload::getDataUtf8)
                .block(Loopback.TIMEOUT)).isEqualTo("echo:still there?");
    }

    @Test
    void aFrameAboveTheLimitIsAnsweredWithAnErrorFrameAndTheConnectionClosedNothingBuffered() throws Exception {
        try (RawPeer peer = new RawPeer(server.address())) {
            peer.setup();
            peer.send(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0, 0, 0, 0, 1, 2, 3, 4, 5});
            ByteBuf error = peer.readFrame();
            assertThat(FrameHeaderCodec.frameType(error)).isEqualTo(FrameType.ERROR);
            assertThat(ErrorFrameCodec.errorCode(error)).isEqualTo(ErrorFrameCodec.CONNECTION_ERROR);
            assertThat(ErrorFrameCodec.dataUtf8(error)).contains("16777215 bytes", "limit of 65536");
            assertThat(peer.readUntilClosed()).as("bytes after the ERROR frame").isZero();
        }
        assertThat(loop.alloc.largestAllocation()).as("largest frame buffer allocated").isLessThan(LIMIT);
        assertThat(dropped).anySatisfy(e -> assertThat(e).hasMessageContaining("16777215"));
        serverStillServes();
    }

    @Test
    void aFrameShorterThanAFrameHeaderClosesTheConnection() throws Exception {
        try (RawPeer peer = new RawPeer(server.address())) {
            peer.send(new byte[] {0, 0, 2, 1, 2});
            ByteBuf error = peer.readFrame();
            assertThat(ErrorFrameCodec.dataUtf8(error)).contains("shorter than RSocket's 6-byte frame header");
            peer.readUntilClosed();
        }
        serverStillServes();
    }

    @Test
    void garbageThatIsNotRSocketClosesTheConnection() throws Exception {
        try (RawPeer peer = new RawPeer(server.address())) { // "GET" read as a length is 4,670,804 bytes
            peer.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            peer.readUntilClosed();
        }
        try (RawPeer peer = new RawPeer(server.address())) { // a well-framed frame of no known type
            byte[] junk = new byte[16];
            java.util.Arrays.fill(junk, (byte) 0xFF);
            peer.send(new byte[] {0, 0, 16}).send(junk);
            peer.readUntilClosed();
        }
        try (RawPeer peer = new RawPeer(server.address())) { // a request before any SETUP
            peer.requestStream(1, 10, "x");
            peer.readUntilClosed();
        }
        serverStillServes();
    }

    @Test
    void aFrameAnnouncedLargeButSentInPartHoldsOnlyWhatArrived() throws Exception {
        try (RawPeer peer = new RawPeer(server.address())) {
            peer.setup();
            peer.send(new byte[] {0, (byte) 0xF0, 0, 0, 0, 0, 1}); // 61,440 bytes announced, 4 sent
            serverStillServes(); // a round trip on another connection: the server read those bytes meanwhile
            assertThat(loop.alloc.largestAllocation()).as("largest frame buffer allocated").isLessThan(8 * 1024);
            peer.reset(); // the frame in progress is released when the connection ends
        }
        serverStillServes();
    }

    @Test
    void aClientThatRequestsForEverAndNeverReadsFailsItsConnectionAtTheQueueBound() throws Exception {
        try (RawPeer peer = new RawPeer(server.address())) {
            peer.setup();
            peer.requestStream(1, Long.MAX_VALUE, "all of it");
            assertThat(sourceCancelled.await(20, TimeUnit.SECONDS)).as("the stream's source cancelled").isTrue();
            assertThat(dropped).anySatisfy(e -> assertThat(e).hasMessageContaining("maxQueuedBytes"));
            long read = peer.readUntilClosed(); // what the kernel buffers held, then the end
            assertThat(read).isPositive();
        }
        serverStillServes();
    }
}
