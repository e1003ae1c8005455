package io.moirai.rsocket.internal;

import io.moirai.internal.util.VarHandles;
import io.moirai.Moirai;
import io.moirai.net.TcpConnection;
import io.moirai.net.TcpListener;
import io.moirai.rsocket.MoiraiRSocket;
import io.rsocket.transport.ServerTransport;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.publisher.Sinks;
import reactor.util.context.Context;

/**
 * A started {@link MoiraiRSocket.Server}: a bound {@link TcpListener} whose accepted sockets each
 * become a connection handed to RSocket's {@link ServerTransport.ConnectionAcceptor}, and the set of
 * those connections. Accepts as long as it runs (it requests every connection the listener has).
 *
 * <p><b>Disposing</b> closes the listener (the port is free again when {@code dispose} returns, unless
 * it is called on the listener's I/O thread), then disposes every connection it accepted, then
 * completes {@link #onClose()}. A connection whose RSocket setup fails (the acceptor's {@code Mono}
 * errs) is disposed; a closed connection leaves the set. The listener ending with an error (a runtime
 * shutdown) disposes the server too.
 *
 * <p><b>Threads.</b> {@link #address()}, {@link #dispose()}, {@link #isDisposed()} and {@link #onClose()}
 * from any thread; the listener's signals arrive on its I/O thread.
 */
final class ListeningServer implements MoiraiRSocket.Server, Subscriber<TcpConnection> {

    private static final VarHandle DISPOSED = VarHandles.field(MethodHandles.lookup(), "disposed", int.class);

    private final Moirai moirai;
    private final TcpListener listener;
    private final MoiraiRSocket.Settings settings;
    private final ServerTransport.ConnectionAcceptor acceptor;
    private final Set<MoiraiDuplexConnection> connections = ConcurrentHashMap.newKeySet();
    private final Sinks.Empty<Void> onClose = Sinks.empty();
    @SuppressWarnings("unused") private volatile int disposed; // DISPOSED

    private ListeningServer(Moirai moirai, TcpListener listener, MoiraiRSocket.Settings settings,
            ServerTransport.ConnectionAcceptor acceptor) {
        this.moirai = moirai;
        this.listener = listener;
        this.settings = settings;
        this.acceptor = acceptor;
    }

    /**
     * Binds and starts accepting.
     *
     * @param moirai the runtime whose I/O threads serve the listener and its connections
     * @param address where to listen (port 0: any free port, see {@link #address()})
     * @param settings the connections' settings
     * @param acceptor RSocket's handler of each new connection
     * @return the running server
     * @throws IOException if the address cannot be bound
     */
    static ListeningServer start(Moirai moirai, InetSocketAddress address, MoiraiRSocket.Settings settings,
            ServerTransport.ConnectionAcceptor acceptor) throws IOException {
        ListeningServer server = new ListeningServer(moirai, TcpListener.bind(moirai, address), settings, acceptor);
        server.listener.connections().subscribe(server);
        return server;
    }

    @Override
    public InetSocketAddress address() {
        return listener.localAddress();
    }

    @Override
    public Mono<Void> onClose() {
        return onClose.asMono();
    }

    @Override
    public void dispose() {
        if (!DISPOSED.compareAndSet(this, 0, 1)) {
            return;
        }
        listener.close();
        for (MoiraiDuplexConnection c : connections) {
            c.dispose();
        }
        onClose.tryEmitEmpty();
    }

    @Override
    public boolean isDisposed() {
        return disposed != 0;
    }

    // ------------------------------------------------------------------ the listener's connections

    @Override
    public void onSubscribe(Subscription s) {
        s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(TcpConnection tcp) {
        Objects.requireNonNull(tcp, "§2.13: onNext(null)");
        MoiraiDuplexConnection connection;
        try {
            connection = new MoiraiDuplexConnection(moirai, tcp, settings, "server");
        } catch (RuntimeException e) { // the runtime is shutting down
            tcp.close();
            Operators.onErrorDropped(e, Context.empty());
            return;
        }
        connections.add(connection);
        connection.onClose().subscribe(null, null, () -> connections.remove(connection));
        if (isDisposed()) { // raced with dispose, which may have missed it
            connection.dispose();
            return;
        }
        try {
            acceptor.apply(connection).subscribe(null, error -> connection.dispose());
        } catch (RuntimeException e) { // RSocket's acceptor does not throw; if it does, the connection goes
            Operators.onErrorDropped(e, Context.empty());
            connection.dispose();
        }
    }

    @Override
    public void onError(Throwable error) {
        dispose();
    }

    @Override
    public void onComplete() {
        // the listener was closed: dispose() did it
    }

    @Override
    public String toString() {
        return "MoiraiRSocket.Server[" + address() + (isDisposed() ? ", disposed]" : "]");
    }
}
