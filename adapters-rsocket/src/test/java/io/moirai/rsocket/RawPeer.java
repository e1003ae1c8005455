package io.moirai.rsocket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.rsocket.frame.RequestStreamFrameCodec;
import io.rsocket.frame.SetupFrameCodec;
import io.rsocket.util.DefaultPayload;
import io.rsocket.util.EmptyPayload;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;

/**
 * A peer on a plain blocking {@link Socket} that writes whatever bytes a test wants, well-formed
 * RSocket frames (encoded with RSocket's own codecs, on unpooled heap buffers) or not, and reads the
 * server's frames: the hostile or broken client the transport must survive.
 *
 * <p>Threads: the test thread.
 */
final class RawPeer implements AutoCloseable {

    private final Socket socket = new Socket();
    private final OutputStream out;
    private final DataInputStream in;

    /** Connects to {@code server}; reads time out after {@link Loopback#TIMEOUT}. */
    RawPeer(InetSocketAddress server) throws IOException {
        socket.connect(server, (int) Loopback.TIMEOUT.toMillis());
        socket.setSoTimeout((int) Loopback.TIMEOUT.toMillis());
        out = socket.getOutputStream();
        in = new DataInputStream(socket.getInputStream());
    }

    /** Writes raw bytes. */
    RawPeer send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** Writes a frame behind its 24-bit length, and releases it. */
    RawPeer sendFrame(ByteBuf frame) throws IOException {
        try {
            int length = frame.readableBytes();
            byte[] bytes = new byte[3 + length];
            bytes[0] = (byte) (length >>> 16);
            bytes[1] = (byte) (length >>> 8);
            bytes[2] = (byte) length;
            frame.getBytes(frame.readerIndex(), bytes, 3, length);
            return send(bytes);
        } finally {
            frame.release();
        }
    }

    /** Writes a valid SETUP frame (no lease, keep-alive every 30 s, 90 s lifetime). */
    RawPeer setup() throws IOException {
        return sendFrame(SetupFrameCodec.encode(UnpooledByteBufAllocator.DEFAULT, false, 30_000, 90_000,
                "application/binary", "application/binary", EmptyPayload.INSTANCE));
    }

    /** Writes a REQUEST_STREAM frame. */
    RawPeer requestStream(int streamId, long n, String data) throws IOException {
        return sendFrame(RequestStreamFrameCodec.encodeReleasingPayload(UnpooledByteBufAllocator.DEFAULT, streamId, n,
                DefaultPayload.create(data)));
    }

    /**
     * Reads one frame.
     *
     * @return the frame without its length (a heap buffer; releasing is optional)
     * @throws EOFException if the server closed first
     */
    ByteBuf readFrame() throws IOException {
        int length = (in.readUnsignedByte() << 16) | (in.readUnsignedByte() << 8) | in.readUnsignedByte();
        byte[] frame = new byte[length];
        in.readFully(frame);
        return Unpooled.wrappedBuffer(frame);
    }

    /**
     * Reads and discards until the server closes the connection (end of stream, or a reset).
     *
     * @return the bytes read before
     * @throws java.net.SocketTimeoutException if the server keeps it open for {@link Loopback#TIMEOUT}
     */
    long readUntilClosed() throws IOException {
        byte[] sink = new byte[64 * 1024];
        long total = 0;
        InputStream raw = in;
        try {
            int n;
            while ((n = raw.read(sink)) >= 0) {
                total += n;
            }
        } catch (SocketException reset) {
            if (reset.getMessage() == null || !reset.getMessage().contains("reset")) {
                throw reset;
            }
        }
        return total;
    }

    /** Closes with a reset (SO_LINGER 0) instead of a FIN, as a crashed host's kernel may. */
    void reset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    @Override
    public String toString() {
        return "RawPeer[" + socket + "]";
    }
}
