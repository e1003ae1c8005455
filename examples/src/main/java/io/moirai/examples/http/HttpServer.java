package io.moirai.examples.http;

import io.moirai.Moirai;
import io.moirai.net.TcpConnection;
import io.moirai.net.TcpListener;
import java.io.IOException;
import java.net.InetSocketAddress;
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
 * <p><b>Resources.</b> At most {@code maxConnections} connections are open at once: the listener's
 * {@code connections()} publisher is asked for that many, then for one more each time a connection
 * ends, so further clients wait in the kernel's accept backlog instead of costing memory. Each
 * connection holds at most one read buffer (64 KiB), the responses to it and 8 KiB of incomplete
 * request head; a client that does not read its responses is not read from either.
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
    private final int maxConnections;
    private final ResponseCache responses = new ResponseCache();
    private final Set<HttpConnection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong accepted = new AtomicLong();
    private final LongAdder served = new LongAdder();
    private volatile Subscription accepts;
    private volatile boolean closed;

    private HttpServer(Moirai moirai, TcpListener listener, int maxConnections) {
        this.moirai = moirai;
        this.listener = listener;
        this.maxConnections = maxConnections;
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
        Objects.requireNonNull(moirai, "moirai");
        Objects.requireNonNull(address, "address");
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1, got " + maxConnections);
        }
        TcpListener listener = TcpListener.bind(moirai, address);
        HttpServer server = new HttpServer(moirai, listener, maxConnections);
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

    /** @return the connections accepted since the start (for tests) */
    long connectionsAccepted() {
        return accepted.get();
    }

    /**
     * Stops accepting (the listening socket closes) and closes every open connection at once; responses
     * not yet written are lost. The runtime stays up. Idempotent.
     */
    @Override
    public void close() {
        closed = true;
        listener.close();
        for (HttpConnection c : connections) {
            if (connections.remove(c)) {
                open.decrementAndGet();
                c.close();
            }
        }
    }

    void served(int responses) {
        served.add(responses);
    }

    /** A connection ended (both directions done, the socket closed): free its slot. Any thread, once. */
    void connectionEnded(HttpConnection c) {
        if (connections.remove(c)) {
            open.decrementAndGet();
            Subscription s = accepts;
            if (!closed && s != null) {
                s.request(1L); // accept one more
            }
        }
    }

    @Override
    public String toString() {
        return "HttpServer[" + listener.localAddress() + ", " + open.get() + "/" + maxConnections + " connections]";
    }

    /** Accepts connections as slots are free. Signalled on the listener's I/O thread. */
    private final class Acceptor implements Subscriber<TcpConnection> {

        @Override
        public void onSubscribe(Subscription s) {
            accepts = s;
            s.request(maxConnections);
        }

        @Override
        public void onNext(TcpConnection conn) {
            if (closed) {
                conn.close();
                return;
            }
            HttpConnection c = new HttpConnection(conn, moirai, HttpServer.this, responses);
            open.incrementAndGet();
            accepted.incrementAndGet();
            connections.add(c);
            c.start();
            if (closed && connections.remove(c)) { // raced with close(), which may have missed it
                open.decrementAndGet();
                c.close();
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
