package io.moirai.net;

import static org.assertj.core.api.Assertions.fail;

import io.moirai.Moirai;
import io.moirai.TestSupport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/** Shared pieces of the TCP tests. */
final class NetSupport {

    /** The loopback interface with port 0 (any free port). */
    static final InetSocketAddress ANY_LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private NetSupport() {}

    /** A connected pair: the client side (from connect) and the server side (accepted). */
    record Pair(TcpConnection client, TcpConnection server) {
        void close() {
            client.close();
            server.close();
        }
    }

    /** A connections() subscriber with unbounded demand that queues what it accepts. */
    static final class AcceptQueue implements Subscriber<TcpConnection> {
        final BlockingQueue<TcpConnection> accepted = new LinkedBlockingQueue<>();
        final CompletableFuture<Void> done = new CompletableFuture<>();
        final CompletableFuture<Subscription> subscription = new CompletableFuture<>();

        @Override
        public void onSubscribe(Subscription s) {
            subscription.complete(s);
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(TcpConnection c) {
            accepted.add(c);
        }

        @Override
        public void onError(Throwable t) {
            done.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            done.complete(null);
        }

        /** @return the next accepted connection, failing the test after {@link TestSupport#WAIT} */
        TcpConnection next() {
            try {
                TcpConnection c = accepted.poll(TestSupport.WAIT.toNanos(), TimeUnit.NANOSECONDS);
                if (c == null) {
                    fail("no connection accepted within " + TestSupport.WAIT + " (accept subscriber done: " + done + ")");
                }
                return c;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** Connects a client to the listener and takes the matching server side from the queue. */
    static Pair connect(Moirai moirai, TcpListener listener, AcceptQueue queue) throws Exception {
        TcpConnection client = TcpConnection.connect(moirai, listener.localAddress()).join(TestSupport.WAIT);
        TcpConnection server = queue.next();
        return new Pair(client, server);
    }

    /** @return a loopback address on which nothing listens (a port that was free a moment ago) */
    static InetSocketAddress unusedLoopbackAddress() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), s.getLocalPort());
        }
    }
}
