package io.moirai.examples;

import io.moirai.Moirai;
import io.moirai.net.TcpConnection;
import io.moirai.net.TcpListener;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * A TCP echo server and client written with Moirai's publishers: the server writes each connection's
 * inbound straight back to its outbound ({@code conn.outbound(conn.inbound())}), so the peer's
 * demand paces the reads; the client sends one message (a task handle is a one-element publisher),
 * which shuts its output down, and collects the echo until the server's output ends.
 */
final class TcpEcho {

    private TcpEcho() {}

    /**
     * @param moirai the runtime
     * @param message what to send
     * @return what came back
     * @throws Exception if a step fails or takes more than 10 s
     */
    static String roundTrip(Moirai moirai, String message) throws Exception {
        try (TcpListener listener = TcpListener.bind(moirai, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            listener.connections().subscribe(new Subscriber<TcpConnection>() {
                @Override
                public void onSubscribe(Subscription s) {
                    s.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(TcpConnection conn) {
                    conn.outbound(conn.inbound()); // echo; the connection closes itself when both ends finished
                }

                @Override
                public void onError(Throwable t) {
                    System.out.println("tcp     : listener failed " + t);
                }

                @Override
                public void onComplete() {
                    // the listener was closed
                }
            });
            try (TcpConnection client = TcpConnection.connect(moirai, listener.localAddress()).join(Duration.ofSeconds(10))) {
                CompletableFuture<String> echoed = new CompletableFuture<>();
                client.inbound().subscribe(new Collector(echoed));
                client.outbound(moirai.spawn(() -> ByteBuffer.wrap(message.getBytes(StandardCharsets.UTF_8))));
                return echoed.get(10, TimeUnit.SECONDS);
            }
        }
    }

    /** Collects the bytes of an inbound stream until it completes. */
    private static final class Collector implements Subscriber<ByteBuffer> {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CompletableFuture<String> result;

        Collector(CompletableFuture<String> result) {
            this.result = result;
        }

        @Override
        public void onSubscribe(Subscription s) {
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(ByteBuffer b) {
            byte[] chunk = new byte[b.remaining()];
            b.get(chunk);
            bytes.writeBytes(chunk);
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(bytes.toString(StandardCharsets.UTF_8));
        }
    }
}
