package io.moirai.rsocket;

import io.moirai.Moirai;
import io.moirai.rsocket.internal.MoiraiClientTransport;
import io.moirai.rsocket.internal.MoiraiServerTransport;
import io.netty.buffer.ByteBufAllocator;
import io.rsocket.frame.FrameLengthCodec;
import io.rsocket.transport.ClientTransport;
import io.rsocket.transport.ServerTransport;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * RSocket ({@code io.rsocket:rsocket-core}) over Moirai TCP: a {@link ClientTransport} and a
 * {@link ServerTransport} whose connections are Moirai {@code TcpConnection}s, so the demand of a
 * subscriber on one machine reaches a publisher on another as RSocket REQUEST_N frames, and the
 * publisher produces what was asked for, no more, with no broker in between.
 *
 * <pre>{@code
 * MoiraiRSocket.Server server = RSocketServer.create(SocketAcceptor.forRequestStream(request ->
 *         Flux.from(Streams.fromIterable(moirai, List.of("a", "b", "c"))).map(DefaultPayload::create)))
 *     .bind(MoiraiRSocket.serverTransport(moirai, new InetSocketAddress("127.0.0.1", 0)))
 *     .block();
 * RSocket client = RSocketConnector.connectWith(MoiraiRSocket.clientTransport(moirai, server.address())).block();
 * List<String> letters = client.requestStream(DefaultPayload.create("letters"))
 *     .map(Payload::getDataUtf8).collectList().block();
 * }</pre>
 *
 * <p><b>On the wire</b> it is RSocket's TCP framing (each frame behind a 24-bit length), so either side
 * talks to RSocket's own TCP transport ({@code rsocket-transport-netty}) on the other.
 *
 * <ul>
 *   <li><b>Inbound</b>: a connection reads only while RSocket has demand for frames (RSocket asks for
 *       all of them; per-stream demand is what REQUEST_N carries), into the I/O thread's pooled buffers,
 *       and copies each frame into a {@code ByteBuf} of the {@linkplain Settings#allocator() allocator},
 *       released after RSocket's {@code onNext} returns (RSocket retains what it keeps).
 *   <li><b>Frame limit</b> ({@link Settings#maxFrameLength()}, default {@value MoiraiRSocket#DEFAULT_MAX_FRAME_LENGTH}
 *       bytes, the wire maximum): a peer announcing a longer frame is answered with an ERROR frame
 *       ({@code CONNECTION_ERROR}) and the connection is closed; nothing of that frame is read or
 *       allocated. A frame in progress holds only the bytes that have arrived.
 *   <li><b>Outbound</b>: RSocket's {@code sendFrame} has no flow control, so frames are queued and
 *       written as the socket drains, several small ones copied into one 64 KiB write. What is queued
 *       is bounded ({@link Settings#maxQueuedBytes()}, default {@value MoiraiRSocket#DEFAULT_MAX_QUEUED_BYTES} bytes):
 *       a frame beyond the bound fails the connection with a {@code ConnectionErrorException} that says
 *       so (reported to Reactor's {@code onErrorDropped} hook; RSocket's streams end with
 *       {@code ClosedChannelException}) instead of growing memory without limit. A stream whose client
 *       requests {@code Long.MAX_VALUE} from a fast producer over a slower network can reach it:
 *       request in batches ({@code limitRate}), which is what REQUEST_N is for.
 *   <li><b>Closing</b>: disposing either side's RSocket (or the server) closes the socket; the other
 *       side's streams end with {@code ClosedChannelException}, never hang. {@code sendErrorAndClose}
 *       writes the ERROR frame, then closes (after at most 5 s if the peer does not read).
 *   <li><b>Buffers</b>: every {@code ByteBuf} the transport is handed or allocates is released exactly
 *       once, on every path.
 * </ul>
 *
 * <p><b>Serving Moirai publishers.</b> Any Moirai publisher is an RSocket response through
 * {@code Flux.from(publisher)}: a request-stream or request-channel answered by {@code Streams.parallelMap},
 * {@code Streams.fromIterable} or a {@code Channel.receiver()} produces only what the requester asked
 * for, and a CANCEL frame cancels its subscription (a {@code parallelMap} stops mapping, a channel's
 * feeding source is cancelled). A {@code TaskHandle} answers a request-response as
 * {@code Mono.fromDirect(task).doOnCancel(task::cancel)}: cancelling the subscription of a handle only
 * detaches that subscriber, so the {@code doOnCancel} is what makes a remote cancel cancel the task
 * (a blocking task is interrupted). Release each request {@code Payload} once read. The README's
 * "RSocket adapter" section has the full recipe; {@code ServingMoiraiPublishersTest} runs it.
 *
 * <p><b>Threads.</b> Every method here may be called from any thread. RSocket's handlers of incoming
 * frames (a {@code SocketAcceptor}, an {@code RSocket}'s {@code requestStream} ...) run on the
 * connection's I/O thread, as they run on an event loop with RSocket's Netty transport: they must
 * not block (move blocking work to {@code spawnBlocking}). The signals of a Moirai publisher arrive on
 * the compute workers; the frames they produce are written from there.
 */
public final class MoiraiRSocket {

    /** The default {@link Settings#maxFrameLength()}: RSocket's wire maximum, 16 MiB - 1 (16,777,215) bytes. */
    public static final int DEFAULT_MAX_FRAME_LENGTH = FrameLengthCodec.FRAME_LENGTH_MASK;

    /** The default {@link Settings#maxQueuedBytes()}: 64 MiB. */
    public static final long DEFAULT_MAX_QUEUED_BYTES = 64L * 1024 * 1024;

    /** The smallest {@link Settings#maxFrameLength()} accepted: 64 bytes. */
    public static final int MIN_MAX_FRAME_LENGTH = 64;

    private MoiraiRSocket() {}

    /**
     * A client transport with the {@linkplain Settings#defaults() default settings}: each
     * {@code connect()} opens a new TCP connection to {@code address}.
     *
     * @param moirai the runtime whose I/O threads serve the connections
     * @param address the server
     * @return the transport, for {@code RSocketConnector.connectWith} or {@code RSocketClient.from}
     * @throws NullPointerException if an argument is null
     */
    public static ClientTransport clientTransport(Moirai moirai, InetSocketAddress address) {
        return clientTransport(moirai, address, Settings.defaults());
    }

    /**
     * A client transport: each {@code connect()} opens a new TCP connection to {@code address}
     * without blocking; cancelling it abandons the attempt. It fails with the connect's
     * {@code IOException} ({@code ConnectException} if refused).
     *
     * @param moirai the runtime whose I/O threads serve the connections
     * @param address the server
     * @param settings frame limit, queue bound, allocator
     * @return the transport, for {@code RSocketConnector.connectWith} or {@code RSocketClient.from}
     * @throws NullPointerException if an argument is null
     */
    public static ClientTransport clientTransport(Moirai moirai, InetSocketAddress address, Settings settings) {
        Objects.requireNonNull(moirai, "moirai");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(settings, "settings");
        return new MoiraiClientTransport(moirai, address, settings);
    }

    /**
     * A server transport with the {@linkplain Settings#defaults() default settings}.
     *
     * @param moirai the runtime whose I/O threads serve the listener and its connections
     * @param address where to listen; port 0 picks a free port ({@link Server#address()} tells which)
     * @return the transport, for {@code RSocketServer.bind}
     * @throws NullPointerException if an argument is null
     */
    public static ServerTransport<Server> serverTransport(Moirai moirai, InetSocketAddress address) {
        return serverTransport(moirai, address, Settings.defaults());
    }

    /**
     * A server transport: each {@code start} binds a listener at {@code address} (failing with the
     * {@code IOException} if it cannot) and serves every connection it accepts until the
     * {@link Server} is disposed.
     *
     * @param moirai the runtime whose I/O threads serve the listener and its connections
     * @param address where to listen; port 0 picks a free port ({@link Server#address()} tells which)
     * @param settings frame limit, queue bound, allocator (for every accepted connection)
     * @return the transport, for {@code RSocketServer.bind}
     * @throws NullPointerException if an argument is null
     */
    public static ServerTransport<Server> serverTransport(Moirai moirai, InetSocketAddress address, Settings settings) {
        Objects.requireNonNull(moirai, "moirai");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(settings, "settings");
        return new MoiraiServerTransport(moirai, address, settings);
    }

    /**
     * A running RSocket server on a Moirai {@code TcpListener}, as {@code RSocketServer.bind} returns
     * it. {@link #dispose()} stops accepting, closes every connection the server accepted (their
     * clients' streams end with {@code ClosedChannelException}) and then completes {@link #onClose()};
     * called on any thread but the listener's I/O thread, it returns once the port is free.
     *
     * <p><b>Threads.</b> Every method may be called from any thread.
     */
    public interface Server extends io.rsocket.Closeable {

        /** @return the address the server listens on, with the actual port when bound to port 0 */
        InetSocketAddress address();
    }

    /**
     * The settings of the transports' connections; immutable, each method returns a copy with one
     * setting changed. {@code Settings.defaults().maxFrameLength(1 << 20)} is a transport that refuses
     * frames over 1 MiB.
     *
     * <p><b>Threads.</b> Immutable: any thread.
     */
    public static final class Settings {

        private static final Settings DEFAULTS =
                new Settings(DEFAULT_MAX_FRAME_LENGTH, DEFAULT_MAX_QUEUED_BYTES, ByteBufAllocator.DEFAULT);

        private final int maxFrameLength;
        private final long maxQueuedBytes;
        private final ByteBufAllocator allocator;

        private Settings(int maxFrameLength, long maxQueuedBytes, ByteBufAllocator allocator) {
            this.maxFrameLength = maxFrameLength;
            this.maxQueuedBytes = maxQueuedBytes;
            this.allocator = allocator;
        }

        /**
         * @return frames up to {@value MoiraiRSocket#DEFAULT_MAX_FRAME_LENGTH} bytes, {@value MoiraiRSocket#DEFAULT_MAX_QUEUED_BYTES}
         *     bytes queued, Netty's {@code ByteBufAllocator.DEFAULT}
         */
        public static Settings defaults() {
            return DEFAULTS;
        }

        /**
         * The longest frame a connection accepts from its peer, in bytes, without the 3-byte length
         * prefix. A peer announcing a longer one gets an ERROR frame and the connection is closed. It
         * is also the transport's {@code maxFrameLength()}, by which RSocket refuses to send a payload
         * that does not fit in a frame (unless fragmentation, {@code mtu}, is on), so both sides should
         * use the same.
         *
         * @param bytes from {@value MoiraiRSocket#MIN_MAX_FRAME_LENGTH} to {@value MoiraiRSocket#DEFAULT_MAX_FRAME_LENGTH}
         * @return settings with that limit
         * @throws IllegalArgumentException if {@code bytes} is out of range, or above
         *     {@link #maxQueuedBytes()} minus the 3-byte prefix (a longest frame must fit in the queue)
         */
        public Settings maxFrameLength(int bytes) {
            if (bytes < MIN_MAX_FRAME_LENGTH || bytes > DEFAULT_MAX_FRAME_LENGTH) {
                throw new IllegalArgumentException("maxFrameLength must be from " + MIN_MAX_FRAME_LENGTH + " to "
                        + DEFAULT_MAX_FRAME_LENGTH + " bytes, got " + bytes);
            }
            return new Settings(bytes, maxQueuedBytes, allocator).checked();
        }

        /**
         * The most bytes a connection queues for writing (frames and their 3-byte prefixes not yet
         * copied into a write). A frame beyond it fails the connection (see {@link MoiraiRSocket}).
         *
         * @param bytes at least {@link #maxFrameLength()} + 3, so that a longest frame fits
         * @return settings with that bound
         * @throws IllegalArgumentException if {@code bytes} is below that
         */
        public Settings maxQueuedBytes(long bytes) {
            return new Settings(maxFrameLength, bytes, allocator).checked();
        }

        /**
         * Where the connections allocate frames: each inbound frame is copied into a buffer of it, and
         * RSocket encodes its outbound frames with it ({@code DuplexConnection.alloc()}).
         *
         * @param allocator the allocator
         * @return settings with that allocator
         * @throws NullPointerException if {@code allocator} is null
         */
        public Settings allocator(ByteBufAllocator allocator) {
            return new Settings(maxFrameLength, maxQueuedBytes, Objects.requireNonNull(allocator, "allocator"));
        }

        /** @return the longest frame accepted from the peer, in bytes */
        public int maxFrameLength() {
            return maxFrameLength;
        }

        /** @return the most bytes queued for writing before the connection fails */
        public long maxQueuedBytes() {
            return maxQueuedBytes;
        }

        /** @return the allocator of the connections' frames */
        public ByteBufAllocator allocator() {
            return allocator;
        }

        private Settings checked() {
            if (maxQueuedBytes < (long) maxFrameLength + FrameLengthCodec.FRAME_LENGTH_SIZE) {
                throw new IllegalArgumentException("maxQueuedBytes (" + maxQueuedBytes
                        + ") must hold at least one frame of maxFrameLength (" + maxFrameLength
                        + ") plus its 3-byte prefix");
            }
            return this;
        }

        @Override
        public String toString() {
            return "MoiraiRSocket.Settings[maxFrameLength=" + maxFrameLength + ", maxQueuedBytes=" + maxQueuedBytes
                    + ", allocator=" + allocator + "]";
        }
    }
}
