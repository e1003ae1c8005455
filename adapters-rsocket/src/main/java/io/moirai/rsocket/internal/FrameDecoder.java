package io.moirai.rsocket.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.rsocket.exceptions.ConnectionErrorException;
import io.rsocket.frame.FrameHeaderCodec;
import io.rsocket.frame.FrameLengthCodec;
import java.nio.ByteBuffer;

/**
 * Cuts RSocket frames out of the bytes of a TCP stream: each frame is preceded by its length, 24 bits
 * big-endian ({@link FrameLengthCodec#FRAME_LENGTH_SIZE} bytes), as RSocket's TCP framing has it. The
 * bytes come in reads of any size: a frame may be split across reads (its length prefix too), and one
 * read may hold several frames. Each frame is copied into a {@link ByteBuf} of its own from the
 * connection's allocator, without its prefix; the caller owns it.
 *
 * <p><b>Limits.</b> A length above {@code maxFrameLength} is refused as soon as its prefix is read,
 * before anything is allocated: {@link #next} throws {@link ConnectionErrorException} and the caller
 * closes the connection. So is a length below RSocket's frame header ({@value #MIN_FRAME_LENGTH}
 * bytes: stream id and type), which no RSocket peer sends. A frame being assembled holds only the
 * bytes that have arrived: its buffer starts at the size of what the current read holds and grows up
 * to the announced length as more comes, so a peer that announces a large frame and sends little
 * costs what it sent, not what it announced.
 *
 * <p><b>Threads.</b> Not thread-safe: used by one thread at a time (the drain of
 * {@link InboundFrames}), with happens-before between uses.
 */
final class FrameDecoder {

    /** The shortest frame RSocket has: the 6-byte frame header (stream id, frame type and flags). */
    static final int MIN_FRAME_LENGTH = FrameHeaderCodec.size();

    private final ByteBufAllocator alloc;
    private final int maxFrameLength;
    /** The length prefix read so far, and how many of its bytes. */
    private int prefix;
    private int prefixBytes;
    /** The frame being assembled (null between frames) and its announced length. */
    private ByteBuf frame;
    private int frameLength;

    /**
     * @param alloc where frame buffers come from
     * @param maxFrameLength the longest frame accepted, in bytes (the prefix not counted)
     */
    FrameDecoder(ByteBufAllocator alloc, int maxFrameLength) {
        this.alloc = alloc;
        this.maxFrameLength = maxFrameLength;
    }

    /**
     * Consumes bytes of {@code source} until one frame is complete, or until {@code source} is used
     * up. Bytes after a completed frame stay in {@code source} for the next call.
     *
     * @param source bytes read from the socket, from its position to its limit; its position advances
     * @return the next complete frame (without its prefix; the caller releases it), or null when
     *     {@code source} has no byte left and no frame was completed
     * @throws ConnectionErrorException if a length prefix announces a frame longer than the limit or
     *     shorter than a frame header; nothing of that frame was allocated
     */
    ByteBuf next(ByteBuffer source) {
        while (source.hasRemaining()) {
            if (frame == null) {
                if (!readPrefix(source)) {
                    return null;
                }
                int length = prefix;
                prefix = 0;
                prefixBytes = 0;
                check(length);
                frameLength = length;
                frame = alloc.buffer(Math.min(length, Math.max(source.remaining(), 1)), length);
            }
            int take = Math.min(frameLength - frame.writerIndex(), source.remaining());
            int limit = source.limit();
            source.limit(source.position() + take);
            frame.writeBytes(source); // grows the buffer (up to frameLength) as bytes arrive
            source.limit(limit);
            if (frame.writerIndex() == frameLength) {
                ByteBuf complete = frame;
                frame = null;
                return complete;
            }
        }
        return null;
    }

    /** @return whether part of a frame (or of its prefix) has been read and not yet returned */
    boolean inFrame() {
        return frame != null || prefixBytes != 0;
    }

    /** Drops a frame being assembled, releasing its buffer. Idempotent. */
    void release() {
        ByteBuf f = frame;
        frame = null;
        prefixBytes = 0;
        prefix = 0;
        if (f != null) {
            f.release();
        }
    }

    /** @return whether the prefix is complete; consumes at most its missing bytes */
    private boolean readPrefix(ByteBuffer source) {
        while (prefixBytes < FrameLengthCodec.FRAME_LENGTH_SIZE && source.hasRemaining()) {
            prefix = (prefix << 8) | (source.get() & 0xFF);
            prefixBytes++;
        }
        return prefixBytes == FrameLengthCodec.FRAME_LENGTH_SIZE;
    }

    private void check(int length) {
        if (length > maxFrameLength) {
            throw new ConnectionErrorException("the peer announced a frame of " + length
                    + " bytes, above this connection's limit of " + maxFrameLength
                    + " bytes (MoiraiRSocket.Settings.maxFrameLength); the frame was refused and the connection closed");
        }
        if (length < MIN_FRAME_LENGTH) {
            throw new ConnectionErrorException("the peer announced a frame of " + length
                    + " bytes, shorter than RSocket's " + MIN_FRAME_LENGTH
                    + "-byte frame header: not an RSocket stream; the connection was closed");
        }
    }
}
