package io.moirai.rsocket.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.moirai.net.NetBuffer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.rsocket.exceptions.ConnectionErrorException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;

/**
 * {@link InboundFrames} against a stand-in for the socket's input: reads only with demand, one at a
 * time; frames of one read delivered as demand allows; the contract's endings; every buffer released.
 */
class InboundFramesTest {

    private final List<ConnectionErrorException> refusals = new CopyOnWriteArrayList<>();
    private final List<Throwable> endings = new CopyOnWriteArrayList<>();
    private final List<NetBuffer> reads = new ArrayList<>();
    private final Socket socket = new Socket();

    private InboundFrames inbound(int maxFrameLength) {
        OutboundFrames replies = new OutboundFrames(1 << 20, WriteBuffers.SHARED, Runnable::run, e -> { });
        return new InboundFrames(socket, new FrameDecoder(PooledByteBufAllocator.DEFAULT, maxFrameLength), replies,
                refusals::add, endings::add);
    }

    /** A read of {@code bytes}, as the socket would emit it. */
    private NetBuffer read(byte[] bytes) {
        NetBuffer b = NetBuffer.wrap(ByteBuffer.wrap(bytes));
        reads.add(b);
        return b;
    }

    @Test
    void nothingIsReadBeforeDemandAndOneReadAtATimeAfter() {
        InboundFrames in = inbound(1024);
        Collector frames = new Collector();
        in.subscribe(frames);
        assertThat(socket.requested.get()).as("reads asked for without demand").isZero();
        frames.request(2);
        assertThat(socket.requested.get()).isEqualTo(1);
        byte[] a = Frames.frame(6, 1);
        byte[] b = Frames.frame(7, 2);
        byte[] c = Frames.frame(8, 3);
        socket.emit(read(Frames.prefixed(a, b, c)));
        assertThat(frames.frames).containsExactly(a, b);
        assertThat(socket.requested.get()).as("no read while frames of the last one wait for demand").isEqualTo(1);
        assertThat(reads.get(0).isReleased()).isFalse();
        frames.request(1);
        assertThat(frames.frames).containsExactly(a, b, c);
        assertThat(reads.get(0).isReleased()).as("the read, once every frame was cut").isTrue();
        assertThat(socket.requested.get()).as("demand met: no read").isEqualTo(1);
        frames.request(1);
        assertThat(socket.requested.get()).isEqualTo(2);
        frames.cancel();
        assertThat(socket.cancelled).isTrue();
        assertThat(endings).as("a cancel is not an ending the owner needs to hear of").isEmpty();
    }

    @Test
    void aFrameSplitOverReadsIsDeliveredOnceCompleteAndEachFrameIsReleasedAfterOnNext() {
        InboundFrames in = inbound(1024);
        Collector frames = new Collector();
        in.subscribe(frames);
        frames.request(Long.MAX_VALUE);
        byte[] f = Frames.frame(500, 4);
        byte[] stream = Frames.prefixed(f);
        socket.emit(read(java.util.Arrays.copyOfRange(stream, 0, 2)));
        socket.emit(read(java.util.Arrays.copyOfRange(stream, 2, 300)));
        assertThat(frames.frames).isEmpty();
        socket.emit(read(java.util.Arrays.copyOfRange(stream, 300, stream.length)));
        assertThat(frames.frames).containsExactly(f);
        assertThat(frames.received).allSatisfy(b -> assertThat(b.refCnt()).isZero());
        assertThat(reads).allSatisfy(r -> assertThat(r.isReleased()).isTrue());
    }

    @Test
    void theEndOfStreamIsAClosedChannelExceptionAfterTheFramesBeforeIt() {
        InboundFrames in = inbound(1024);
        Collector frames = new Collector();
        in.subscribe(frames);
        frames.request(1);
        byte[] a = Frames.frame(6, 1);
        byte[] b = Frames.frame(6, 2);
        socket.emit(read(Frames.prefixed(a, b)));
        socket.complete();
        assertThat(frames.frames).containsExactly(a);
        assertThat(frames.error).isNull();
        frames.request(1);
        assertThat(frames.frames).containsExactly(a, b);
        assertThat(frames.error).isInstanceOf(ClosedChannelException.class);
        assertThat(endings).singleElement().isInstanceOf(ClosedChannelException.class);
        assertThat(reads).allSatisfy(r -> assertThat(r.isReleased()).isTrue());
    }

    @Test
    void aSocketErrorIsPassedOnAndAFrameInProgressReleased() {
        InboundFrames in = inbound(1024);
        Collector frames = new Collector();
        in.subscribe(frames);
        frames.request(5);
        socket.emit(read(new byte[] {0, 0, 50, 1, 2, 3}));
        IOException reset = new IOException("Connection reset by peer");
        socket.fail(reset);
        assertThat(frames.error).isSameAs(reset);
        assertThat(endings).containsExactly(reset);
    }

    @Test
    void aFrameAboveTheLimitEndsTheStreamStopsReadingAndTellsTheOwner() {
        InboundFrames in = inbound(100);
        Collector frames = new Collector();
        in.subscribe(frames);
        frames.request(10);
        byte[] ok = Frames.frame(10, 1);
        ByteBuffer bytes = ByteBuffer.allocate(13 + 6);
        bytes.put(Frames.prefixed(ok)).put(Frames.prefix(101)).put(new byte[] {1, 2, 3});
        socket.emit(read(bytes.array()));
        assertThat(frames.frames).containsExactly(ok);
        assertThat(frames.error).isInstanceOf(ConnectionErrorException.class).hasMessageContaining("101 bytes");
        assertThat(refusals).singleElement().isSameAs(frames.error);
        assertThat(endings).isEmpty();
        assertThat(socket.cancelled).isTrue();
        assertThat(reads).allSatisfy(r -> assertThat(r.isReleased()).isTrue());
    }

    @Test
    void failEndsAtOnceWithTheOwnersCause() {
        InboundFrames in = inbound(1024);
        Collector frames = new Collector();
        in.subscribe(frames);
        frames.request(1);
        socket.emit(read(Frames.prefixed(Frames.frame(6, 1), Frames.frame(6, 2))));
        IllegalStateException cause = new IllegalStateException("queue bound");
        in.fail(cause);
        assertThat(frames.error).isSameAs(cause);
        assertThat(frames.frames).hasSize(1);
        assertThat(reads).allSatisfy(r -> assertThat(r.isReleased()).isTrue());
        assertThat(socket.cancelled).isTrue();
    }

    @Test
    void aNonPositiveRequestIsAnErrorNamingTheRule() {
        InboundFrames in = inbound(1024);
        Collector frames = new Collector();
        in.subscribe(frames);
        frames.subscription.request(-1); // past BaseSubscriber's own check
        assertThat(frames.error).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("§3.9");
    }

    @Test
    void aSecondSubscriberGetsAnIllegalStateException() {
        InboundFrames in = inbound(1024);
        in.subscribe(new Collector());
        Collector second = new Collector();
        in.subscribe(second);
        assertThat(second.error).isInstanceOf(IllegalStateException.class);
    }

    /** Collects the frames' bytes; leaves the releasing to the publisher, as RSocket does. */
    private static final class Collector extends BaseSubscriber<ByteBuf> {
        final List<byte[]> frames = new ArrayList<>();
        final List<ByteBuf> received = new ArrayList<>();
        volatile Throwable error;
        volatile Subscription subscription;

        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            this.subscription = subscription; // the test requests
        }

        @Override
        protected void hookOnNext(ByteBuf frame) {
            frames.add(ByteBufUtil.getBytes(frame));
            received.add(frame);
        }

        @Override
        protected void hookOnError(Throwable throwable) {
            error = throwable;
        }
    }

    /** The socket's input, driven by the test: counts requests, emits what the test gives it. */
    private static final class Socket implements Publisher<NetBuffer>, Subscription {
        final AtomicLong requested = new AtomicLong();
        volatile boolean cancelled;
        private Subscriber<? super NetBuffer> subscriber;

        @Override
        public void subscribe(Subscriber<? super NetBuffer> s) {
            subscriber = s;
            s.onSubscribe(this);
        }

        void emit(NetBuffer b) {
            subscriber.onNext(b);
        }

        void complete() {
            subscriber.onComplete();
        }

        void fail(Throwable t) {
            subscriber.onError(t);
        }

        @Override
        public void request(long n) {
            requested.addAndGet(n);
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }
}
