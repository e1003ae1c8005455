package io.moirai.rsocket.internal;

import io.moirai.Moirai;
import io.moirai.net.TcpConnection;
import io.moirai.rsocket.MoiraiRSocket;
import io.moirai.task.TaskHandle;
import io.rsocket.DuplexConnection;
import io.rsocket.transport.ClientTransport;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Mono;

/**
 * RSocket's {@link ClientTransport} on {@link TcpConnection#connect}: each subscription to
 * {@link #connect()} connects a new socket without blocking and emits it as a connection of this
 * package. Not API: create it with {@link MoiraiRSocket#clientTransport}.
 *
 * <p><b>Cancelling</b> the {@code connect()} subscription abandons the attempt (the socket is closed);
 * a connection established after the cancel is disposed at once, so none is left behind.
 *
 * <p><b>Threads.</b> Immutable; any thread. The connection is emitted on the runtime's thread that
 * completed the connect.
 */
public final class MoiraiClientTransport implements ClientTransport {

    /** The marker of a cancelled attempt. */
    private static final Object CANCELLED = new Object();

    private final Moirai moirai;
    private final InetSocketAddress address;
    private final MoiraiRSocket.Settings settings;

    /**
     * @param moirai the runtime whose I/O threads serve the connections
     * @param address the server
     * @param settings the connections' settings
     */
    public MoiraiClientTransport(Moirai moirai, InetSocketAddress address, MoiraiRSocket.Settings settings) {
        this.moirai = moirai;
        this.address = address;
        this.settings = settings;
    }

    @Override
    public Mono<DuplexConnection> connect() {
        return Mono.create(sink -> {
            TaskHandle<TcpConnection> pending = TcpConnection.connect(moirai, address);
            AtomicReference<Object> outcome = new AtomicReference<>();
            sink.onCancel(() -> {
                pending.cancel();
                Object connection = outcome.getAndSet(CANCELLED);
                if (connection instanceof DuplexConnection c) {
                    c.dispose(); // established, not yet delivered
                }
            });
            pending.toCompletableFuture().whenComplete((tcp, error) -> {
                if (error != null) {
                    sink.error(error instanceof CompletionException && error.getCause() != null ? error.getCause() : error);
                    return;
                }
                MoiraiDuplexConnection connection = new MoiraiDuplexConnection(moirai, tcp, settings, "client");
                if (!outcome.compareAndSet(null, connection)) {
                    connection.dispose(); // cancelled meanwhile
                    return;
                }
                sink.success(connection);
            });
        });
    }

    @Override
    public int maxFrameLength() {
        return settings.maxFrameLength();
    }

    @Override
    public String toString() {
        return "MoiraiClientTransport[" + address + "]";
    }
}
