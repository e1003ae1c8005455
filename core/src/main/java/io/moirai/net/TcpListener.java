package io.moirai.net;

import io.moirai.Moirai;
import io.moirai.internal.net.ListenerCore;
import io.moirai.internal.runtime.RuntimeAccess;
import io.moirai.task.TaskHandle;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Objects;
import org.reactivestreams.Publisher;

/**
 * A listening TCP socket whose accepted connections are a backpressured publisher.
 *
 * <p><b>Backpressure.</b> {@link #connections()} accepts only while its subscriber has outstanding
 * demand: without demand the listener is not even registered for accept readiness, and pending
 * connections wait in the kernel's backlog. Each accepted connection is assigned to one of the
 * runtime's I/O threads in turn, so connections spread over them.
 *
 * <p><b>Threads.</b> Every method may be called from any thread. The subscriber of
 * {@link #connections()} is signalled on the listener's I/O thread, one signal at a time (§1.3); it
 * must not block there.
 *
 * <p><b>Closing.</b> {@link #close()} stops accepting and closes the socket; the subscriber then
 * receives {@code onComplete}. Connections accepted earlier stay open. A runtime shutdown closes the
 * listener and ends its subscriber with {@code onError(CancellationException)}. {@link #onClose()} is
 * the handle of that end, which a server's {@code main} waits on (the runtime's threads are daemon
 * threads and do not keep the JVM alive).
 *
 * <p><b>JDK Flow.</b> {@code org.reactivestreams.FlowAdapters.toFlowPublisher(listener.connections())}
 * is the accepted connections as a {@code java.util.concurrent.Flow.Publisher}, accepting only on demand
 * as well.
 */
public final class TcpListener implements AutoCloseable {

    private final ListenerCore<TcpConnection> core;

    private TcpListener(ListenerCore<TcpConnection> core) {
        this.core = core;
    }

    /**
     * Binds a listening socket at once (with {@code SO_REUSEADDR}), so that a busy port is reported
     * here and not later.
     *
     * @param moirai the runtime whose I/O threads serve the listener and its connections
     * @param address where to listen; port 0 picks a free port (see {@link #localAddress()})
     * @return the bound listener
     * @throws IOException if the address cannot be bound; the message names the address
     * @throws NullPointerException if an argument is null
     * @throws java.util.concurrent.RejectedExecutionException if the runtime is shut down
     */
    public static TcpListener bind(Moirai moirai, InetSocketAddress address) throws IOException {
        Objects.requireNonNull(moirai, "moirai");
        Objects.requireNonNull(address, "address");
        return new TcpListener(ListenerCore.bind(RuntimeAccess.of(moirai), address, TcpConnection::new));
    }

    /**
     * Binds a listening socket on every local address at {@code port}: {@code TcpListener.bind(moirai,
     * 8080)}. See {@link #bind(Moirai, InetSocketAddress)}.
     *
     * @param moirai the runtime whose I/O threads serve the listener and its connections
     * @param port the port, 0 to 65535; 0 picks a free port (see {@link #localAddress()})
     * @return the bound listener
     * @throws IOException if the port cannot be bound; the message names the address
     * @throws NullPointerException if {@code moirai} is null
     * @throws IllegalArgumentException if {@code port} is out of range (the message names the value)
     * @throws java.util.concurrent.RejectedExecutionException if the runtime is shut down
     */
    public static TcpListener bind(Moirai moirai, int port) throws IOException {
        Objects.requireNonNull(moirai, "moirai");
        return bind(moirai, new InetSocketAddress(TcpConnection.requirePort(port)));
    }

    /**
     * A handle that completes when the listener is closed: with {@code null} after {@link #close()},
     * cancelled when the runtime shuts down, failed if its I/O thread died. A server's {@code main}
     * waits on it, since the runtime's daemon threads do not keep the JVM alive:
     * {@code listener.onClose().join()}. Cancelling the handle only cancels that handle; the listener
     * stays open. Every call returns the same handle.
     *
     * @return the listener's end
     */
    public TaskHandle<Void> onClose() {
        return core.onClose();
    }

    /** @return the address the listener is bound to (with the actual port when bound to port 0) */
    public InetSocketAddress localAddress() {
        return core.localAddress();
    }

    /**
     * The accepted connections. Unicast: the first subscriber (of any publisher this method returns)
     * gets them; a later subscriber receives {@code onSubscribe} then
     * {@code onError(IllegalStateException)}. Cancelling the subscription stops accepting; the
     * listener stays bound until {@link #close()}, which completes the subscriber (a runtime shutdown
     * ends it with {@code onError(CancellationException)}).
     *
     * <p>An accept the machine refuses (out of file descriptors, socket buffers or memory) does not
     * end the stream: the listener stops accepting, retries after a pause that doubles from 10 ms to
     * 1 s while the failures last, and serves again as soon as resources come back; connections wait
     * in the kernel's backlog meanwhile. The first failure of each such episode goes to the runtime's
     * dropped-error handler.
     *
     * @return the publisher of accepted connections
     */
    public Publisher<TcpConnection> connections() {
        return core.connections();
    }

    /** @return {@code false} once the listener was closed (or the runtime shut down) */
    public boolean isOpen() {
        return core.isOpen();
    }

    /**
     * Stops accepting and closes the listening socket. Idempotent. Called from any thread but the
     * listener's I/O thread, it returns once the port is released (new connections are refused and
     * the address can be bound again), waiting at most about two seconds for the I/O thread.
     */
    @Override
    public void close() {
        core.close();
    }

    @Override
    public String toString() {
        return "TcpListener[" + core + "]";
    }
}
