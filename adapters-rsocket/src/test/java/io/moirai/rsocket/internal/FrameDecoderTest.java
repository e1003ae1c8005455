package io.moirai.rsocket.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.rsocket.exceptions.ConnectionErrorException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link FrameDecoder}: frames split across reads, several per read, the limits, nothing allocated for a refused frame. */
class FrameDecoderTest {

    private final CountingAllocator alloc = new CountingAllocator();

    /** Feeds {@code bytes} in reads of {@code readSize} and collects every frame as bytes (releasing each). */
    private static List<byte[]> decode(FrameDecoder decoder, byte[] bytes, int readSize) {
        List<byte[]> frames = new ArrayList<>();
        for (int at = 0; at < bytes.length; at += readSize) {
            ByteBuffer read = ByteBuffer.wrap(bytes, at, Math.min(readSize, bytes.length - at));
            ByteBuf frame;
            while ((frame = decoder.next(read)) != null) {
                frames.add(ByteBufUtil.getBytes(frame));
                frame.release();
            }
            assertThat(read.hasRemaining()).as("a read is used up").isFalse();
        }
        return frames;
    }

    @Test
    void severalFramesInOneReadComeOutOneByOneAndLeaveTheRestInTheRead() {
        FrameDecoder decoder = new FrameDecoder(alloc, 1024);
        byte[] a = Frames.frame(6, 1);
        byte[] b = Frames.frame(100, 2);
        byte[] c = Frames.frame(7, 3);
        ByteBuffer read = ByteBuffer.wrap(Frames.prefixed(a, b, c));
        ByteBuf first = decoder.next(read);
        assertThat(ByteBufUtil.getBytes(first)).isEqualTo(a);
        assertThat(read.remaining()).isEqualTo(3 + b.length + 3 + c.length);
        first.release();
        assertThat(decode(decoder, Frames.prefixed(b, c), 1 << 16)).containsExactly(b, c);
        assertThat(decoder.inFrame()).isFalse();
        assertThat(alloc.unreleased()).isZero();
    }

    @Test
    void framesSplitAtEveryByteBoundaryIncludingInsideTheLengthPrefixAreReassembled() {
        byte[] a = Frames.frame(6, 10);
        byte[] b = Frames.frame(300, 20);
        byte[] c = Frames.frame(65_000, 30);
        byte[] stream = Frames.prefixed(a, b, c, a);
        for (int readSize : new int[] {1, 2, 3, 4, 5, 7, 64, 1000, 4096, stream.length}) {
            FrameDecoder decoder = new FrameDecoder(alloc, 1 << 20);
            assertThat(decode(decoder, stream, readSize)).as("reads of %d bytes", readSize).containsExactly(a, b, c, a);
        }
        assertThat(alloc.unreleased()).isZero();
    }

    @Test
    void aFrameInProgressHoldsWhatArrivedNotWhatWasAnnounced() {
        FrameDecoder decoder = new FrameDecoder(alloc, 1 << 20);
        ByteBuffer read = ByteBuffer.allocate(3 + 10);
        read.put(Frames.prefix(900_000)).put(Frames.frame(10, 0)).flip();
        assertThat(decoder.next(read)).isNull();
        assertThat(decoder.inFrame()).isTrue();
        assertThat(alloc.largest).as("capacity allocated for 10 bytes of a 900,000-byte frame").isLessThanOrEqualTo(64);
        decoder.release();
        assertThat(alloc.unreleased()).isZero();
    }

    @Test
    void aFrameAboveTheLimitIsRefusedBeforeAnythingIsAllocated() {
        FrameDecoder decoder = new FrameDecoder(alloc, 64 * 1024);
        ByteBuffer read = ByteBuffer.wrap(Frames.prefixed(Frames.frame(6, 0)));
        decoder.next(read).release(); // a frame under the limit first
        int before = alloc.count;
        ByteBuffer huge = ByteBuffer.wrap(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 1, 2, 3});
        assertThatThrownBy(() -> decoder.next(huge))
                .isInstanceOf(ConnectionErrorException.class)
                .hasMessageContaining("16777215")
                .hasMessageContaining("65536");
        assertThat(alloc.count).as("buffers allocated for the refused frame").isEqualTo(before);
        // exactly at the limit is fine
        FrameDecoder atLimit = new FrameDecoder(alloc, 100);
        assertThat(decode(atLimit, Frames.prefixed(Frames.frame(100, 5)), 7)).hasSize(1);
        assertThatThrownBy(() -> new FrameDecoder(alloc, 100).next(ByteBuffer.wrap(Frames.prefixed(Frames.frame(101, 5)))))
                .isInstanceOf(ConnectionErrorException.class);
        assertThat(alloc.unreleased()).isZero();
    }

    @Test
    void aLengthShorterThanAFrameHeaderIsNotRSocket() {
        FrameDecoder decoder = new FrameDecoder(alloc, 1024);
        assertThatThrownBy(() -> decoder.next(ByteBuffer.wrap(new byte[] {0, 0, 2, 9, 9})))
                .isInstanceOf(ConnectionErrorException.class)
                .hasMessageContaining("6-byte frame header");
        assertThat(alloc.count).isZero();
    }

    @Test
    void releaseDropsAFrameInProgressAndIsIdempotent() {
        FrameDecoder decoder = new FrameDecoder(alloc, 1024);
        assertThat(decoder.next(ByteBuffer.wrap(new byte[] {0, 0, 100, 1, 2, 3}))).isNull();
        assertThat(alloc.unreleased()).isEqualTo(1);
        decoder.release();
        decoder.release();
        assertThat(alloc.unreleased()).isZero();
        assertThat(decoder.inFrame()).isFalse();
        // a prefix cut in the middle counts as in a frame, and is dropped too
        assertThat(decoder.next(ByteBuffer.wrap(new byte[] {0, 0}))).isNull();
        assertThat(decoder.inFrame()).isTrue();
        decoder.release();
        assertThat(decode(decoder, Frames.prefixed(Frames.frame(8, 1)), 3)).hasSize(1);
    }

    /** Counts what it hands out, the largest initial capacity, and what is not yet released. */
    private static final class CountingAllocator extends io.netty.buffer.AbstractByteBufAllocator {
        private final List<ByteBuf> buffers = new ArrayList<>();
        int count;
        int largest;

        CountingAllocator() {
            super(false);
        }

        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            count++;
            largest = Math.max(largest, initialCapacity);
            ByteBuf b = PooledByteBufAllocator.DEFAULT.heapBuffer(initialCapacity, maxCapacity);
            buffers.add(b);
            return b;
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            return newHeapBuffer(initialCapacity, maxCapacity);
        }

        @Override
        public boolean isDirectBufferPooled() {
            return true;
        }

        long unreleased() {
            return buffers.stream().filter(b -> b.refCnt() != 0).count();
        }
    }
}
