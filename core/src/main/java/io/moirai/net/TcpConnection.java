package io.moirai.net;

import io.moirai.Moirai;
import io.moirai.internal.net.ConnectTask;
import io.moirai.internal.net.SocketConnection;
import io.moirai.internal.runtime.RuntimeAccess;
import io.moirai.task.TaskHandle;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Objects;
import org.reactivestreams.Publisher;

/**
 * A TCP connection whose input is a publisher of buffers and whose output is written from one.
 *
 * <p><b>Input.</b> {@link #inbound()} reads only while its subscriber has outstanding demand: read
 * interest is registered with the selector only then, so a slow subscriber slows the peer through
 * TCP flow control, and at most one buffer per requested element is ever allocated. Each buffer is
 * freshly allocated, sized to the bytes read, and belongs to the subscriber. End of stream (the peer
 * shut down its output) gives {@code onComplete}.
 *
 * <p><b>Output.</b> {@link #outbound(Publisher)} subscribes to the data, requests one buffer, writes
 * it, and requests the next only once that buffer was written completely, so at most one buffer is
 * held. When the data completes, everything is flushed and the output is shut down (FIN); the returned
 * handle then completes.
 *
 * <p><b>Without copies.</b> {@link #receive()} and {@link #send} are the same input and output with
 * pooled buffers ({@link NetBuffer}): a read lands in one of the I/O thread's pooled direct buffers
 * and is emitted as it is, and a sent buffer is written as it is and released once written. So
 * {@code conn.send(conn.receive())} echoes with no copy in user space and no allocation but a small
 * wrapper per read. A connection has one input ({@code inbound} or {@code receive}) and one output
 * ({@code outbound} or {@code send}).
 *
 * <p><b>Failures.</b> A peer reset or any other I/O failure closes the socket and reaches both sides:
 * the inbound subscriber gets {@code onError(IOException)} and the outbound handle fails with it.
 * {@link #close()} closes the socket; a side still active then ends with
 * {@code java.nio.channels.ClosedChannelException} (inbound: {@code onError}; outbound: the handle
 * fails). A runtime shutdown closes the socket and ends both sides cancelled.
 *
 * <p><b>Threads.</b> Every method may be called from any thread. The inbound subscriber is signalled
 * on the connection's I/O thread, one signal at a time (§1.3); it must not block there (move blocking
 * work elsewhere, for example with {@code spawnBlocking}). The outbound data may signal from any
 * thread; a buffer is written on the thread that delivers it when the socket can take it at once,
 * and on the I/O thread otherwise.
 *
 * <p><b>JDK Flow.</b> With the Reactive Streams jar's {@code org.reactivestreams.FlowAdapters}:
 * {@code FlowAdapters.toFlowPublisher(conn.inbound())} (or {@code receive()}) is the input as a
 * {@code java.util.concurrent.Flow.Publisher}, and {@code conn.outbound(FlowAdapters.toPublisher(flowPublisher))}
 * (or {@code send}) writes from one, with the same demand rules.
 */
public final class TcpConnection implements AutoCloseable {

    /** The largest buffer {@link #inbound()} emits: 64 KiB. */
    public static final int DEFAULT_MAX_CHUNK_SIZE = 64 * 1024;

    private final SocketConnection core;

    TcpConnection(SocketConnection core) {
        this.core = core;
    }

    /**
     * Connects without blocking the caller. An {@linkplain InetSocketAddress#isUnresolved() unresolved}
     * address is looked up first, on the blocking pool (a name lookup blocks).
     *
     * @param moirai the runtime whose I/O thread serves the connection
     * @param address the peer
     * @return a handle that completes with the connection once it is established; fails with
     *     {@link java.net.ConnectException} if the peer refuses, a {@link java.net.UnknownHostException}
     *     naming the host if it cannot be resolved, or another {@code IOException}; cancelling it
     *     abandons the attempt (the lookup or the connect) and closes the socket
     * @throws NullPointerException if an argument is null
     * @throws java.util.concurrent.RejectedExecutionException if the runtime is shut down
     */
    public static TaskHandle<TcpConnection> connect(Moirai moirai, InetSocketAddress address) {
        Objects.requireNonNull(moirai, "moirai");
        Objects.requireNonNull(address, "address");
        return ConnectTask.start(RuntimeAccess.of(moirai), address, TcpConnection::new);
    }

    /**
     * Connects to {@code host:port} without blocking the caller: the name is looked up on the blocking
     * pool, then connected as {@link #connect(Moirai, InetSocketAddress)} does.
     * {@code TcpConnection.connect(moirai, "localhost", 8080)}.
     *
     * @param moirai the runtime whose I/O thread serves the connection
     * @param host a host name or an address literal
     * @param port the port, 0 to 65535
     * @return a handle as {@link #connect(Moirai, InetSocketAddress)} returns; an unknown host fails it
     *     with an {@link java.net.UnknownHostException} whose message names the host
     * @throws NullPointerException if {@code moirai} or {@code host} is null
     * @throws IllegalArgumentException if {@code port} is out of range (the message names the value)
     * @throws java.util.concurrent.RejectedExecutionException if the runtime is shut down
     */
    public static TaskHandle<TcpConnection> connect(Moirai moirai, String host, int port) {
        Objects.requireNonNull(moirai, "moirai");
        Objects.requireNonNull(host, "host");
        return connect(moirai, InetSocketAddress.createUnresolved(host, requirePort(port)));
    }

    /**
     * @param port a port number
     * @return it, if it is between 0 and 65535
     * @throws IllegalArgumentException naming the value otherwise
     */
    static int requirePort(int port) {
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
        }
        return port;
    }

    /**
     * The bytes read from the socket, as buffers of at most {@link #DEFAULT_MAX_CHUNK_SIZE} bytes.
     * Same as {@code inbound(DEFAULT_MAX_CHUNK_SIZE)}.
     *
     * @return the connection's input; unicast
     */
    public Publisher<ByteBuffer> inbound() {
        return core.inbound(DEFAULT_MAX_CHUNK_SIZE);
    }

    /**
     * The bytes read from the socket, as buffers of at most {@code maxChunkSize} bytes (one read per
     * element, so {@code maxChunkSize = 1} makes every byte an element). Unicast: across every
     * publisher this method and {@link #inbound()} return, the first subscriber gets the input; a
     * later one receives {@code onSubscribe} then {@code onError(IllegalStateException)}, as does a
     * subscriber arriving after the connection was closed. Cancelling the subscription stops reading
     * (the socket stays open); no other subscriber can take over.
     *
     * @param maxChunkSize the largest buffer to emit, at least 1
     * @return the connection's input
     * @throws IllegalArgumentException if {@code maxChunkSize < 1}
     */
    public Publisher<ByteBuffer> inbound(int maxChunkSize) {
        return core.inbound(requireChunk(maxChunkSize));
    }

    /**
     * Writes the buffers of {@code data} in order, requesting one at a time and the next only after
     * the previous one was written completely. Each buffer's remaining bytes are written; its position
     * advances. When {@code data} completes: flush, shut down the output (the peer reads end of
     * stream), complete the handle. If {@code data} fails, the connection is closed (the peer must not
     * mistake a truncated stream for a complete one) and the handle fails with that error. A null
     * buffer fails the handle with a {@code NullPointerException} (§2.13).
     *
     * <p>Only one output per connection: a second call returns a handle failed with
     * {@code IllegalStateException}, as does a call after {@link #close()}. Cancelling the handle
     * cancels the subscription to {@code data} and stops writing; the socket stays open.
     *
     * @param data the buffers to write
     * @return a handle that completes once all data was written and the output shut down
     * @throws NullPointerException if {@code data} is null
     */
    public TaskHandle<Void> outbound(Publisher<ByteBuffer> data) {
        Objects.requireNonNull(data, "data");
        return core.outbound(data);
    }

    /**
     * The bytes read from the socket, each read straight into one of the I/O thread's pooled direct
     * buffers (at most 64 KiB; see {@code Moirai.Builder.ioBuffers}) and emitted as a
     * {@link NetBuffer} with no copy: the subscriber owns each buffer and must
     * {@linkplain NetBuffer#release() release} it (or hand it to {@link #send}, which does). Reads happen
     * only with demand, as for {@link #inbound()}; when every pooled buffer is out, reads go to plain
     * heap buffers, so a subscriber holding buffers costs memory, never correctness.
     *
     * <p>Unicast, and one input per connection: {@code receive()} and {@link #inbound()} share it, so
     * the first subscriber of either gets the bytes and a later one {@code onError(IllegalStateException)},
     * as does a subscriber arriving after the connection was closed. End of stream completes, a failed
     * read or close ends with the error, a runtime shutdown with {@code CancellationException}.
     *
     * @return the connection's input as pooled buffers; unicast
     */
    public Publisher<NetBuffer> receive() {
        return core.receive(DEFAULT_MAX_CHUNK_SIZE, NetBuffer::received);
    }

    /**
     * As {@link #receive()}, each read taking at most {@code maxChunkSize} bytes (at most 64 KiB,
     * the size of a pooled buffer; {@code maxChunkSize = 1} makes every byte an element).
     *
     * @param maxChunkSize the most bytes in one buffer, at least 1
     * @return the connection's input as pooled buffers; unicast, shared with {@link #inbound()}
     * @throws IllegalArgumentException if {@code maxChunkSize < 1}
     */
    public Publisher<NetBuffer> receive(int maxChunkSize) {
        return core.receive(requireChunk(maxChunkSize), NetBuffer::received);
    }

    private static int requireChunk(int maxChunkSize) {
        if (maxChunkSize < 1) {
            throw new IllegalArgumentException("maxChunkSize must be at least 1, got " + maxChunkSize);
        }
        return maxChunkSize;
    }

    /**
     * Writes the buffers of {@code data} in order without copying them, then FIN when {@code data}
     * completes, and releases each buffer once it is written, or as soon as the send
     * ended without writing it (cancelled, failed, closed; a buffer arriving afterwards included), so
     * every buffer handed to it is released exactly once. {@code conn.send(conn.receive())} is an
     * echo with no copy in user space.
     *
     * <p><b>Demand.</b> Unlike {@link #outbound}, which holds one buffer, a send may run a bounded
     * way ahead of the socket, because the buffers are handed over: while the socket's buffer is full
     * it goes on requesting one buffer at a time as long as it holds fewer than 128 KiB unwritten and
     * fewer than 16 buffers, and writes what it holds with one gathering write once the socket can
     * take more. So a connection's output never holds more than 128 KiB plus one buffer.
     *
     * <p>One output per connection: {@code send} and {@link #outbound} share it, so a second call of
     * either returns a handle failed with {@code IllegalStateException}, as does a call after
     * {@link #close()}.
     *
     * @param data the buffers to write
     * @return a handle that completes once all data was written and the output shut down
     * @throws NullPointerException if {@code data} is null
     */
    public TaskHandle<Void> send(Publisher<NetBuffer> data) {
        Objects.requireNonNull(data, "data");
        return core.send(data, NetBuffer::data, NetBuffer::release);
    }

    /** @return the local address of the socket */
    public InetSocketAddress localAddress() {
        return core.localAddress();
    }

    /** @return the peer's address */
    public InetSocketAddress remoteAddress() {
        return core.remoteAddress();
    }

    /** @return {@code false} once the socket was closed (by {@link #close()}, a failure or shutdown) */
    public boolean isOpen() {
        return core.isOpen();
    }

    /**
     * Closes the socket at once. Idempotent. Bytes not yet written are discarded; an active inbound
     * subscriber and an unfinished outbound handle end with {@code ClosedChannelException}.
     */
    @Override
    public void close() {
        core.close();
    }

    @Override
    public String toString() {
        return "TcpConnection[" + core + "]";
    }
}
