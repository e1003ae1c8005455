package io.moirai.rsocket;

import io.moirai.Moirai;
import io.rsocket.Closeable;
import io.rsocket.RSocket;
import io.rsocket.SocketAcceptor;
import io.rsocket.core.RSocketConnector;
import io.rsocket.core.RSocketServer;
import io.rsocket.transport.ClientTransport;
import io.rsocket.transport.netty.client.TcpClientTransport;
import io.rsocket.transport.netty.server.CloseableChannel;
import io.rsocket.transport.netty.server.TcpServerTransport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * The fixture of this module's socket tests: one Moirai runtime (two workers, one I/O thread), an
 * allocator that tracks every frame buffer, and RSocket servers and clients on loopback, over the
 * Moirai transport or RSocket's own Netty TCP transport (the interop peer). Everything made through
 * it is disposed by {@link #close()}, which then checks that every tracked buffer was released and
 * shuts the runtime down.
 *
 * <p>Threads: the test thread.
 */
final class Loopback implements AutoCloseable {

    /** Any free port on the loopback interface. */
    static final InetSocketAddress ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    /** The longest a test waits for anything; only a bug makes it wait this long. */
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    final Moirai moirai;
    final TrackingAllocator alloc = new TrackingAllocator();
    final MoiraiRSocket.Settings settings;
    private final Deque<Disposable> resources = new ArrayDeque<>();

    /** @param name names the runtime's threads */
    Loopback(String name) {
        this(name, MoiraiRSocket.Settings.defaults());
    }

    /**
     * @param name names the runtime's threads
     * @param settings the transports' settings (the tracking allocator replaces theirs)
     */
    Loopback(String name, MoiraiRSocket.Settings settings) {
        this.moirai = Moirai.builder().workerThreads(2).ioThreads(1).threadNamePrefix("rsocket-" + name).build();
        this.settings = settings.allocator(alloc);
    }

    /** @return a server on the Moirai transport, with this fixture's settings */
    MoiraiRSocket.Server moiraiServer(SocketAcceptor acceptor) {
        return moiraiServer(acceptor, settings);
    }

    /** @return a server on the Moirai transport, with {@code settings} (their allocator kept) */
    MoiraiRSocket.Server moiraiServer(SocketAcceptor acceptor, MoiraiRSocket.Settings settings) {
        MoiraiRSocket.Server server = RSocketServer.create(acceptor)
                .bind(MoiraiRSocket.serverTransport(moirai, ANY_PORT, settings))
                .block(TIMEOUT);
        return track(server);
    }

    /** @return a server on RSocket's own Netty TCP transport */
    CloseableChannel nettyServer(SocketAcceptor acceptor) {
        CloseableChannel server = RSocketServer.create(acceptor).bind(TcpServerTransport.create(ANY_PORT)).block(TIMEOUT);
        return track(server);
    }

    /** @return a client on the Moirai transport */
    RSocket moiraiClient(InetSocketAddress server) {
        return client(MoiraiRSocket.clientTransport(moirai, server, settings));
    }

    /** @return a client on RSocket's own Netty TCP transport */
    RSocket nettyClient(InetSocketAddress server) {
        return client(TcpClientTransport.create(server));
    }

    /** @return a client on {@code transport} */
    RSocket client(ClientTransport transport) {
        return track(RSocketConnector.connectWith(transport).block(TIMEOUT));
    }

    private <T extends Disposable> T track(T resource) {
        resources.push(resource);
        return resource;
    }

    /** Disposes every client and server (last made first), waits for them to close, checks the buffers, stops the runtime. */
    @Override
    public void close() {
        try {
            while (!resources.isEmpty()) {
                Disposable resource = resources.pop();
                resource.dispose();
                if (resource instanceof Closeable closeable) {
                    closeable.onClose().onErrorResume(e -> Mono.empty()).block(TIMEOUT);
                }
            }
            alloc.assertAllReleased(TIMEOUT);
        } finally {
            moirai.close();
        }
    }
}
