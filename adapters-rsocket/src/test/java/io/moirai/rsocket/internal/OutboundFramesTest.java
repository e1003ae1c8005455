package io.moirai.rsocket.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.moirai.Moirai;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.rsocket.exceptions.ConnectionErrorException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link OutboundFrames} against a stand-in for the socket's writer: batching, frames spanning writes,
 * stream 0 first, the queue bound, the last frame, closing and cancelling, every frame released once.
 */
class OutboundFramesTest {

    private final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private final List<ByteBuf> offered = new ArrayList<>();

    private OutboundFrames outbound(long maxQueuedBytes) {
        return new OutboundFrames(maxQueuedBytes, WriteBuffers.SHARED, Runnable::run, failures::add);
    }

    /** @return a pooled frame of {@code bytes}, remembered so the test can check it was released */
    private ByteBuf frame(byte[] bytes) {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes);
        offered.add(b);
        return b;
    }

    private void assertAllReleased() {
        assertThat(offered).allSatisfy(b -> assertThat(b.refCnt()).as("refCnt of %s", b).isZero());
    }

    @Test
    void framesQueuedWhileTheSocketIsBusyGoOutTogetherInOneWrite() {
        OutboundFrames out = outbound(1 << 20);
        RecordingWriter writer = new RecordingWriter(false);
        out.subscribe(writer);
        byte[][] frames = new byte[10][];
        for (int i = 0; i < frames.length; i++) {
            frames[i] = Frames.frame(20 + i, i);
            out.offer(1, frame(frames[i]));
        }
        assertThat(out.queuedBytes()).isEqualTo(10 * 3 + (20 + 29) * 10 / 2);
        assertThat(writer.writeSizes).isEmpty();
        writer.subscription.request(1);
        assertThat(writer.writeSizes).hasSize(1);
        assertThat(writer.bytes()).isEqualTo(Frames.prefixed(frames));
        assertThat(out.queuedBytes()).isZero();
        assertAllReleased();
    }

    @Test
    void aFrameLargerThanAWriteBufferSpansSeveralWrites() {
        OutboundFrames out = outbound(1 << 20);
        RecordingWriter writer = new RecordingWriter(true);
        out.subscribe(writer);
        byte[] big = Frames.frame(200_000, 7);
        byte[] small = Frames.frame(10, 1);
        out.offer(1, frame(big));
        out.offer(1, frame(small));
        assertThat(writer.bytes()).isEqualTo(Frames.prefixed(big, small));
        assertThat(writer.writeSizes).allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(WriteBuffers.BUFFER_SIZE));
        assertThat(writer.writeSizes.size()).isGreaterThanOrEqualTo(4);
        assertAllReleased();
    }

    @Test
    void streamZeroGoesAheadOfTheStreamsQueuedBeforeIt() {
        OutboundFrames out = outbound(1 << 20);
        RecordingWriter writer = new RecordingWriter(false);
        out.subscribe(writer);
        byte[] stream = Frames.frame(8, 1);
        byte[] keepAlive = Frames.frame(9, 2);
        out.offer(3, frame(stream));
        out.offer(0, frame(keepAlive));
        writer.subscription.request(1);
        assertThat(writer.bytes()).isEqualTo(Frames.prefixed(keepAlive, stream));
        assertAllReleased();
    }

    @Test
    void aFrameBeyondTheQueueBoundIsReleasedAndFailsTheConnection() {
        OutboundFrames out = outbound(1000);
        RecordingWriter writer = new RecordingWriter(false);
        out.subscribe(writer);
        for (int i = 0; i < 9; i++) {
            out.offer(1, frame(Frames.frame(100, i)));
        }
        assertThat(failures).isEmpty();
        assertThat(out.queuedBytes()).isEqualTo(9 * 103);
        ByteBuf tenth = frame(Frames.frame(100, 9));
        out.offer(1, tenth);
        assertThat(tenth.refCnt()).isZero();
        assertThat(out.queuedBytes()).isEqualTo(9 * 103);
        assertThat(failures).singleElement().isInstanceOf(ConnectionErrorException.class)
                .satisfies(e -> assertThat(e.getMessage()).contains("1000 bytes", "maxQueuedBytes", "limitRate"));
        out.close(); // what the connection does on that failure
        assertThat(out.queuedBytes()).isZero();
        assertAllReleased();
    }

    @Test
    void aFrameTooLongForTheLengthPrefixIsRefused() {
        OutboundFrames out = outbound(Long.MAX_VALUE);
        ByteBuf tooLong = Unpooled.wrappedBuffer(new byte[(1 << 24)]);
        out.offer(1, tooLong);
        assertThat(tooLong.refCnt()).isZero();
        assertThat(failures).singleElement().satisfies(e -> assertThat(e.getMessage()).contains("16777216 bytes"));
    }

    @Test
    void theLastFrameGoesAfterWhatWasQueuedThenTheStreamCompletesAndLaterFramesAreReleasedUnsent() throws Exception {
        OutboundFrames out = outbound(1 << 20);
        RecordingWriter writer = new RecordingWriter(false);
        out.subscribe(writer);
        byte[] a = Frames.frame(10, 1);
        byte[] b = Frames.frame(11, 2);
        byte[] last = Frames.frame(12, 3);
        out.offer(1, frame(a));
        out.offer(3, frame(b));
        assertThat(out.offerFinal(frame(last))).isTrue();
        assertThat(out.offerFinal(frame(Frames.frame(6, 0)))).as("a second last frame").isFalse();
        out.offer(5, frame(Frames.frame(13, 4)));
        writer.subscription.request(1);
        assertThat(writer.bytes()).isEqualTo(Frames.prefixed(a, b, last));
        writer.ended.get(5, TimeUnit.SECONDS);
        out.offer(5, frame(Frames.frame(14, 5)));
        assertAllReleased();
    }

    @Test
    void closingReleasesTheQueueAndEveryFrameOfferedAfterwards() {
        OutboundFrames out = outbound(1 << 20);
        RecordingWriter writer = new RecordingWriter(false);
        out.subscribe(writer);
        for (int i = 0; i < 5; i++) {
            out.offer(i, frame(Frames.frame(50, i)));
        }
        out.offerFinal(frame(Frames.frame(20, 9)));
        out.close();
        out.offer(1, frame(Frames.frame(50, 7)));
        writer.subscription.request(1);
        assertThat(writer.writeSizes).isEmpty();
        assertThat(out.queuedBytes()).isZero();
        assertAllReleased();
    }

    @Test
    void theWriterCancellingReleasesTheQueue() {
        OutboundFrames out = outbound(1 << 20);
        RecordingWriter writer = new RecordingWriter(false);
        out.subscribe(writer);
        out.offer(1, frame(Frames.frame(50, 1)));
        writer.subscription.cancel();
        out.offer(1, frame(Frames.frame(50, 2)));
        assertAllReleased();
    }

    @Test
    void aNonPositiveRequestIsAnErrorNamingTheRule() {
        OutboundFrames out = outbound(1 << 20);
        RecordingWriter writer = new RecordingWriter(false);
        out.subscribe(writer);
        out.offer(1, frame(Frames.frame(50, 1)));
        writer.subscription.request(0);
        assertThat(writer.ended).isCompletedExceptionally();
        assertThat(writer.ended.handle((v, e) -> e).join()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("§3.9");
        assertAllReleased();
    }

    @Test
    void aSecondWriterIsRefused() {
        OutboundFrames out = outbound(1 << 20);
        out.subscribe(new RecordingWriter(true));
        RecordingWriter second = new RecordingWriter(true);
        out.subscribe(second);
        assertThat(second.ended.handle((v, e) -> e).join()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void framesSentDuringOneTurnOfAComputeWorkerGoOutInOneWriteAfterIt() {
        try (Moirai moirai = Moirai.builder().workerThreads(1).threadNamePrefix("outbound-test").build()) {
            OutboundFrames out = new OutboundFrames(1 << 20, WriteBuffers.SHARED, moirai, failures::add);
            RecordingWriter writer = new RecordingWriter(true);
            out.subscribe(writer);
            byte[][] frames = new byte[100][];
            for (int i = 0; i < frames.length; i++) {
                frames[i] = Frames.frame(30, i);
            }
            moirai.spawn(() -> {
                for (byte[] f : frames) {
                    out.offer(1, frame(f));
                }
                return null;
            }).join(Duration.ofSeconds(10));
            moirai.spawn(() -> null).join(Duration.ofSeconds(10)); // the flush queued behind the turn ran
            assertThat(writer.bytes()).isEqualTo(Frames.prefixed(frames));
            assertThat(writer.writeSizes).hasSize(1);
            assertAllReleased();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aBurstLongerThanAWriteIsWrittenAsItGoesNotPiledUpUntilTheEnd() {
        OutboundFrames out = outbound(1 << 20);
        RecordingWriter writer = new RecordingWriter(true);
        out.subscribe(writer);
        out.hold();
        for (int i = 0; i < 1000; i++) {
            out.offer(1, frame(Frames.frame(200, i)));
        }
        assertThat(writer.writeSizes).as("writes during the burst").isNotEmpty();
        assertThat(out.queuedBytes()).isLessThan(WriteBuffers.BUFFER_SIZE);
        out.resume();
        assertThat(writer.bytes()).hasSize(1000 * 203);
        assertAllReleased();
    }

    @Test
    void framesSentWhileInboundFramesAreDeliveredWaitForTheEndOfThatDelivery() {
        OutboundFrames out = outbound(1 << 20);
        RecordingWriter writer = new RecordingWriter(true);
        out.subscribe(writer);
        out.hold();
        out.offer(1, frame(Frames.frame(10, 1)));
        out.offer(1, frame(Frames.frame(10, 2)));
        assertThat(writer.writeSizes).isEmpty();
        out.resume();
        assertThat(writer.writeSizes).containsExactly(26);
        out.offer(1, frame(Frames.frame(10, 3)));
        assertThat(writer.writeSizes).containsExactly(26, 13);
        assertAllReleased();
    }
}
