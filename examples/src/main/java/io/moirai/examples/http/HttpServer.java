package io.moirai.examples.http;

import io.moirai.Moirai;
import io.moirai.net.TcpConnection;
import io.moirai.net.TcpListener;
import io.moirai.stream.Streams;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * A minimal HTTP/1.1 server on Moirai's {@link TcpListener} and {@link TcpConnection}, in the style of
 * the TechEmpower plaintext and JSON tests, to be loaded with {@code wrk}.
 *
 * <p><b>What it answers.</b> {@code GET /plaintext}: {@code 200}, {@code text/plain},
 * {@code Hello, World!}. {@code GET /json}: {@code 200}, {@code application/json},
 * {@code {"message":"Hello, World!"}}. {@code HEAD} on either: the same headers, no body. Another
 * method on either: {@code 405} with {@code Allow: GET, HEAD}. Another path: {@code 404}. A malformed
 * request: {@code 400}, then the connection closes; a request head over 8 KiB: {@code 431}, then the
 * connection closes. Every response has {@code Server: moirai}, {@code Date} (refreshed at most once
 * per second), {@code Content-Type} and {@code Content-Length}. Connections are kept alive (HTTP/1.1
 * unless {@code Connection: close}; HTTP/1.0 only with {@code Connection: keep-alive}); pipelined
 * requests are answered in order, the responses to one read in one write. Request bodies framed by
 * {@code Content-Length} are skipped; {@code Transfer-Encoding} is refused with {@code 400}.
 *
 * <p><b>Resources</b> ({@link Limits}). At most {@code maxConnections} connections are served at once;
 * a client beyond that is answered {@code 503} and closed at once, rather than left hanging in the
 * kernel's backlog. A connection reads at most {@value HttpConnection#READ_CHUNK} bytes at a time and
 * answers one read with one write, and the next read waits until that write went out: a client that
 * does not read its responses is not read from either, so what a connection holds is bounded
 * whatever the client does: one read, the responses to it (at most about eight times the read, for
 * the smallest requests), and at most {@value RequestParser#MAX_HEAD} bytes of an incomplete request
 * head. A request head must arrive within {@code headerTimeout} of its first byte (of the
 * connection's start, for the first request), and a kept-alive connection may wait at most
 * {@code idleTimeout} for its next request, and the responses to a read must be read by the client
 * within {@code writeTimeout}; a connection past any of them is closed (one sweep over the
 * connections at a fraction of the shorter timeout, on the runtime's timer). A {@code Content-Length}
 * over {@code maxBodyBytes} is answered {@code 413} and the connection closed.
 *
 * <p><b>Threads.</b> {@link #start} and every method may be called from any thread. Requests are parsed
 * and answered on the connection's Moirai I/O thread (nothing blocks there); the server's own threads
 * are the runtime's, and closing the server does not close the runtime. The counters are updated as
 * responses are produced and connections end, so they are eventually consistent snapshots.
 */
public final class HttpServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(HttpServer.class.getName());

    private final Moirai moirai;
    private final TcpListener listener;
    private final Limits limits;
    private final ResponseCache responses = new ResponseCache();
    private final Set<HttpConnection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong accepted = new AtomicLong();
    private final LongAdder served = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder timedOut = new LongAdder();
    private final Sweeper sweeper = new Sweeper();
    private volatile boolean closed;

    private HttpServer(Moirai moirai, TcpListener listener, Limits limits) {
        this.moirai = moirai;
        this.listener = listener;
        this.limits = limits;
    }

    /**
     * Binds and starts serving at once.
     *
     * @param moirai the runtime whose I/O threads serve the connections; it must outlive the server
     * @param address where to listen; port 0 picks a free port (see {@link #localAddress()})
     * @param maxConnections the most connections open at once, at least 1
     * @return the running server
     * @throws IOException if the address cannot be bound
     * @throws IllegalArgumentException if {@code maxConnections < 1}
     * @throws NullPointerException if {@code moirai} or {@code address} is null
     */
    public static HttpServer start(Moirai moirai, InetSocketAddress address, int maxConnections) throws IOException {
        return start(moirai, address, Limits.DEFAULTS.withMaxConnections(maxConnections)); // Limits validates
    }

    /**
     * Binds and starts serving at once, with the given limits.
     *
     * @param moirai the runtime whose I/O threads serve the connections; it must outlive the server
     * @param address where to listen; port 0 picks a free port (see {@link #localAddress()})
     * @param limits what each client is allowed
     * @return the running server
     * @throws IOException if the address cannot be bound
     * @throws NullPointerException if an argument is null
     */
    public static HttpServer start(Moirai moirai, InetSocketAddress address, Limits limits) throws IOException {
        Objects.requireNonNull(moirai, "moirai");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(limits, "limits");
        TcpListener listener = TcpListener.bind(moirai, address);
        HttpServer server = new HttpServer(moirai, listener, limits);
        Duration shorter = Collections.min(List.of(limits.headerTimeout(), limits.idleTimeout(), limits.writeTimeout()));
        long sweepMillis = Math.max(10L, Math.min(1_000L, shorter.toMillis() / 4));
        moirai.interval(Duration.ofMillis(sweepMillis)).subscribe(server.sweeper);
        listener.connections().subscribe(server.new Acceptor());
        return server;
    }

    /** @return the address the server listens on (with the actual port when started on port 0) */
    public InetSocketAddress localAddress() {
        return listener.localAddress();
    }

    /** @return the responses produced so far, error responses included */
    public long requestsServed() {
        return served.sum();
    }

    /** @return the connections accepted and not yet ended */
    public int openConnections() {
        return open.get();
    }

    /** @return the connections served since the start (accepted under the limit; refused ones not counted) */
    public long connectionsAccepted() {
        return accepted.get();
    }

    /** @return the bytes read from the served connections since the start */
    public long bytesReceived() {
        return bytesIn.sum();
    }

    /** @return the bytes of the responses handed to the served connections since the start */
    public long bytesSent() {
        return bytesOut.sum();
    }

    /** @return the clients answered {@code 503} because the server was at its connection limit */
    public long connectionsRefused() {
        return refused.sum();
    }

    /** @return the connections closed by the header, the idle or the write timeout */
    public long connectionsTimedOut() {
        return timedOut.sum();
    }

    /** @return the limits the server enforces */
    public Limits limits() {
        return limits;
    }

    /**
     * Stops accepting (the listening socket closes) and closes every open connection at once; responses
     * not yet written are lost. The runtime stays up. Idempotent.
     */
    @Override
    public void close() {
        closed = true;
        sweeper.stop();
        listener.close();
        for (HttpConnection c : connections) {
            if (connections.remove(c)) {
                open.decrementAndGet();
                c.close();
            }
        }
    }

    /** A read was answered: counts its bytes, the responses and their bytes. */
    void served(int bytesRead, int responses, int bytesWritten) {
        bytesIn.add(bytesRead);
        if (responses > 0) {
            served.add(responses);
            bytesOut.add(bytesWritten);
        }
    }

    /** A connection ended (both directions done, the socket closed): free its slot. Any thread, once. */
    void connectionEnded(HttpConnection c) {
        if (connections.remove(c)) {
            open.decrementAndGet();
        }
    }

    @Override
    public String toString() {
        return "HttpServer[" + listener.localAddress() + ", " + open.get() + "/" + limits.maxConnections() + " connections]";
    }

    /**
     * Closes the connections past their header or idle deadline. Its ticks come from the runtime's
     * timer, one at a time (§1.3), on a compute worker.
     */
    private final class Sweeper implements Subscriber<Long> {

        private volatile Subscription ticks;
        private volatile boolean stopped;

        @Override
        public void onSubscribe(Subscription s) {
            ticks = s;
            if (stopped) {
                s.cancel();
            } else {
                s.request(Long.MAX_VALUE);
            }
        }

        @Override
        public void onNext(Long tick) {
            long now = System.nanoTime();
            for (HttpConnection c : connections) {
                if (c.timeOut(now)) {
                    timedOut.increment(); // counted before the client can see the close
                    c.close();
                }
            }
        }

        @Override
        public void onError(Throwable t) {
            // the runtime shut down: its connections are closed with it
        }

        @Override
        public void onComplete() {
            // an interval does not complete
        }

        void stop() {
            stopped = true;
            Subscription s = ticks;
            if (s != null) {
                s.cancel();
            }
        }
    }

    /**
     * Serves each accepted connection while a slot is free and refuses the rest with {@code 503}: it
     * asks for every connection, so none waits unanswered. Signalled on the listener's I/O thread.
     */
    private final class Acceptor implements Subscriber<TcpConnection> {

        @Override
        public void onSubscribe(Subscription s) {
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(TcpConnection conn) {
            if (closed) {
                conn.close();
                return;
            }
            if (open.get() >= limits.maxConnections()) {
                refuse(conn);
                return;
            }
            HttpConnection c = new HttpConnection(conn, moirai, HttpServer.this, responses, limits);
            open.incrementAndGet();
            accepted.incrementAndGet();
            connections.add(c);
            c.start();
            if (closed && connections.remove(c)) { // raced with close(), which may have missed it
                open.decrementAndGet();
                c.close();
            }
        }

        /** At the limit: answers {@code 503} with {@code Connection: close}, then closes. */
        private void refuse(TcpConnection conn) {
            refused.increment();
            byte[] busy = responses.snapshot().get(ResponseCache.SERVICE_UNAVAILABLE, false, ResponseCache.CLOSE);
            try {
                conn.outbound(Streams.fromIterable(moirai, List.of(ByteBuffer.wrap(busy))))
                        .toCompletableFuture().whenComplete((v, e) -> conn.close());
            } catch (RuntimeException shuttingDown) {
                conn.close();
            }
        }

        @Override
        public void onError(Throwable t) {
            if (!closed) {
                LOG.log(System.Logger.Level.ERROR, "HTTP server on " + listener.localAddress() + " stopped accepting", t);
            }
        }

        @Override
        public void onComplete() {
            // the listener was closed
        }
    }
}
