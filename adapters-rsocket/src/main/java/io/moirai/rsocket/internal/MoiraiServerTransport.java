package io.moirai.rsocket.internal;

import io.moirai.Moirai;
import io.moirai.rsocket.MoiraiRSocket;
import io.rsocket.transport.ServerTransport;
import java.net.InetSocketAddress;
import java.util.Objects;
import reactor.core.publisher.Mono;

/**
 * RSocket's {@link ServerTransport} on {@link io.moirai.net.TcpListener}: each subscription to
 * {@link #start} binds a listener and serves until the returned server is disposed. Not API: create
 * it with {@link MoiraiRSocket#serverTransport}.
 *
 * <p><b>Threads.</b> Immutable; any thread. {@code start} binds on the subscribing thread (binding
 * does not wait for the network) and fails with the {@code IOException} if the address is taken.
 */
public final class MoiraiServerTransport implements ServerTransport<MoiraiRSocket.Server> {

    private final Moirai moirai;
    private final InetSocketAddress address;
    private final MoiraiRSocket.Settings settings;

    /**
     * @param moirai the runtime whose I/O threads serve the listener and its connections
     * @param address where to listen
     * @param settings the connections' settings
     */
    public MoiraiServerTransport(Moirai moirai, InetSocketAddress address, MoiraiRSocket.Settings settings) {
        this.moirai = moirai;
        this.address = address;
        this.settings = settings;
    }

    @Override
    public Mono<MoiraiRSocket.Server> start(ConnectionAcceptor acceptor) {
        Objects.requireNonNull(acceptor, "acceptor");
        return Mono.fromCallable(() -> ListeningServer.start(moirai, address, settings, acceptor));
    }

    @Override
    public int maxFrameLength() {
        return settings.maxFrameLength();
    }

    @Override
    public String toString() {
        return "MoiraiServerTransport[" + address + "]";
    }
}
