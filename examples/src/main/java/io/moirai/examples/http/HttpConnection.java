package io.moirai.examples.http;

import io.moirai.Moirai;
import io.moirai.net.TcpConnection;
import io.moirai.task.TaskHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * Serves one HTTP connection: subscribes to the socket's input, parses what arrives and publishes the
 * responses as the socket's output ({@code conn.outbound(this)}), one buffer per read.
 *
 * <p><b>Backpressure.</b> This object is a processor between {@code conn.inbound()} and
 * {@code conn.outbound(..)} that passes the output's demand through to the input: the output asks for
 * one buffer, that request reads once, and the read yields one buffer holding the responses of every
 * request it completed (pipelining: one write for the whole batch, in request order), or nothing if
 * it completed none, in which case one more read is requested. So a client that does not read its
 * responses stops being read from (TCP flow control does the rest), and a connection holds at most one
 * read of {@value #READ_CHUNK} bytes, the response batch of that read (at most about eight times as
 * large, for the smallest requests) and the parser's partial head ({@link RequestParser#MAX_HEAD}).
 *
 * <p><b>Deadlines.</b> While the connection waits for its client, {@code deadline} says until when:
 * the head's start plus the header timeout while a request is partly in (from the connection's start
 * for the first one), else now plus the idle timeout. While the responses to a read are being
 * written, the client must read them within the write timeout. The server's sweeper closes a
 * connection past its deadline ({@link #timeOut}).
 *
 * <p><b>Ending.</b> When the input ends (the client shut down its output), the output completes after
 * the responses already produced, and the socket closes once both are done. After a response that
 * closes the connection ({@code Connection: close}, HTTP/1.0 without keep-alive, a 400 or a 431) the
 * output completes (the response is flushed, then FIN) while the input is still read and discarded
 * until the client closes too, so that unread request bytes cannot make the kernel reset the
 * connection and destroy the response before the client read it (a "lingering close"); a client that
 * never closes is cut off after {@link #LINGER}. Plain Reactor operators cannot express this
 * (completing a {@code Flux} cancels its source), which is why this class implements the Reactive
 * Streams interfaces itself.
 *
 * <p><b>Threads.</b> Input signals, the parser and the batch belong to the connection's I/O thread
 * (signals are serial, §1.3). The output's {@code request}/{@code cancel} may come from any thread;
 * they only forward to the input's subscription, which is thread-safe. Output signals are emitted
 * only from input signals, so they are serial too. {@link #close()} and the end-of-connection
 * bookkeeping are thread-safe.
 */
final class HttpConnection implements Subscriber<ByteBuffer>, Publisher<ByteBuffer>, Subscription, RequestParser.Sink {

    /** How long a connection whose output was closed waits for the client to close its side. */
    static final Duration LINGER = Duration.ofSeconds(2);

    /** The most bytes read at once: with the response batch it bounds what a connection holds. */
    static final int READ_CHUNK = 4 * 1024;

    /** The deadline of a connection that is not waiting for its client (it lingers, bounded by its own timer). */
    private static final long NO_DEADLINE = Long.MAX_VALUE;

    private static final int INPUT_ENDED = 1;
    private static final int OUTPUT_ENDED = 2;
    private static final int BOTH_ENDED = INPUT_ENDED | OUTPUT_ENDED;
    private static final VarHandle ENDED;
    private static final VarHandle DOWNSTREAM_CLAIMED;
    private static final VarHandle DEADLINE;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            ENDED = lookup.findVarHandle(HttpConnection.class, "ended", int.class);
            DOWNSTREAM_CLAIMED = lookup.findVarHandle(HttpConnection.class, "downstreamClaimed", int.class);
            DEADLINE = lookup.findVarHandle(HttpConnection.class, "deadline", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final TcpConnection conn;
    private final Moirai moirai;
    private final HttpServer server;
    private final ResponseCache responses;
    private final RequestParser parser;
    private final long headerTimeoutNanos;
    private final long idleTimeoutNanos;
    private final long writeTimeoutNanos;

    private volatile Subscription upstream;
    private volatile Subscriber<? super ByteBuffer> downstream;
    @SuppressWarnings("unused") private volatile int downstreamClaimed;
    /** Set (I/O thread) once the output was completed early: the input is then drained and discarded. */
    private volatile boolean lingering;
    private volatile TaskHandle<Void> lingerTimer;
    /** Bits INPUT_ENDED and OUTPUT_ENDED; whoever sets the second one finishes the connection. */
    @SuppressWarnings("unused") private volatile int ended;
    /** {@code System.nanoTime()} past which the sweeper closes the connection, or {@code NO_DEADLINE}. */
    private volatile long deadline;
    /** When the request now partly in began to arrive (I/O thread writes; read with {@code deadline}). */
    private volatile long headStart;

    // I/O thread: the response batch of the current read
    private ResponseCache.Snapshot snapshot;
    private byte[][] batch = new byte[4][];
    private int batchCount;
    private int batchBytes;
    private boolean closeAfterBatch;

    HttpConnection(TcpConnection conn, Moirai moirai, HttpServer server, ResponseCache responses, Limits limits) {
        this.conn = conn;
        this.moirai = moirai;
        this.server = server;
        this.responses = responses;
        this.parser = new RequestParser(limits.maxBodyBytes());
        this.headerTimeoutNanos = limits.headerTimeout().toNanos();
        this.idleTimeoutNanos = limits.idleTimeout().toNanos();
        this.writeTimeoutNanos = limits.writeTimeout().toNanos();
        this.headStart = System.nanoTime(); // the first request's head is due from the start
        this.deadline = headStart + headerTimeoutNanos;
    }

    /** Subscribes to the input, then hands this object to the output. Once. */
    void start() {
        conn.inbound(READ_CHUNK).subscribe(this); // onSubscribe runs now: the subscription is in place
        TaskHandle<Void> written = conn.outbound(this);
        written.toCompletableFuture().whenComplete((v, e) -> sideEnded(OUTPUT_ENDED));
    }

    /** Closes the socket at once (any thread); both sides then end. */
    void close() {
        conn.close();
    }

    /**
     * Claims the time-out of a connection whose client kept it waiting past its deadline; the caller
     * then closes it. Any thread (the sweeper).
     *
     * @param now a {@code System.nanoTime()} value
     * @return whether this call timed the connection out (once per connection)
     */
    boolean timeOut(long now) {
        long d = deadline;
        return d != NO_DEADLINE && now - d >= 0L && DEADLINE.compareAndSet(this, d, NO_DEADLINE);
    }

    /** The connection waits for its client again (a read is requested): arm the deadline. */
    private void awaitClient() {
        long h = headStart;
        deadline = h != 0L ? h + headerTimeoutNanos : System.nanoTime() + idleTimeoutNanos;
    }

    // ------------------------------------------------------------------ input (I/O thread)

    @Override
    public void onSubscribe(Subscription s) {
        upstream = Objects.requireNonNull(s, "§2.13: subscription");
        // no request here: the output's demand drives the reads
    }

    @Override
    public void onNext(ByteBuffer data) {
        if (lingering) {
            return; // draining the input of a connection whose last response went out
        }
        snapshot = responses.snapshot();
        int read = data.remaining();
        parser.feed(data, this);
        int count = batchCount;
        ByteBuffer out = takeBatch();
        server.served(read, count, out == null ? 0 : out.remaining());
        if (!parser.midRequest()) {
            headStart = 0L; // between requests: the idle timeout applies next
        } else if (count > 0 || headStart == 0L) {
            headStart = System.nanoTime(); // a new request began in this read
        }
        Subscriber<? super ByteBuffer> d = downstream;
        if (closeAfterBatch) {
            deadline = NO_DEADLINE; // the linger timer bounds what is left
            lingering = true;
            startLingerTimer(); // before the response can reach the client (and the client stop the runtime)
            if (out != null) {
                d.onNext(out);
            }
            d.onComplete(); // flush, then FIN
            upstream.request(Long.MAX_VALUE); // read and discard until the client closes
        } else if (out != null) {
            deadline = System.nanoTime() + writeTimeoutNanos; // the client must read what it asked for
            d.onNext(out); // the output requests the next buffer once this one is written
        } else {
            awaitClient();
            upstream.request(1L); // no complete request yet: read again
        }
    }

    private void startLingerTimer() {
        try {
            lingerTimer = moirai.schedule(LINGER, () -> {
                conn.close();
                return null;
            });
        } catch (RejectedExecutionException shuttingDown) {
            conn.close(); // the runtime is stopping: no time to linger
        }
    }

    @Override
    public void onError(Throwable error) {
        if (!lingering) {
            Subscriber<? super ByteBuffer> d = downstream;
            if (d != null) {
                d.onError(error); // the output closes the connection: a reset or a close
            }
        }
        sideEnded(INPUT_ENDED);
    }

    @Override
    public void onComplete() {
        if (!lingering) {
            Subscriber<? super ByteBuffer> d = downstream;
            if (d != null) {
                d.onComplete(); // the client is done sending: answer what it sent, then FIN
            }
        }
        sideEnded(INPUT_ENDED);
    }

    // ------------------------------------------------------------------ parser findings (I/O thread)

    @Override
    public void requestParsed(int method, int route, boolean keepAlive, boolean http10) {
        int kind;
        if (route == RequestParser.UNKNOWN_ROUTE) {
            kind = ResponseCache.NOT_FOUND;
        } else if (method == RequestParser.OTHER_METHOD) {
            kind = ResponseCache.METHOD_NOT_ALLOWED;
        } else {
            kind = route == RequestParser.PLAINTEXT ? ResponseCache.PLAINTEXT : ResponseCache.JSON;
        }
        int connection = !keepAlive ? ResponseCache.CLOSE
                : http10 ? ResponseCache.KEEP_ALIVE_EXPLICIT : ResponseCache.KEEP_ALIVE_DEFAULT;
        add(snapshot.get(kind, method == RequestParser.HEAD, connection));
        if (!keepAlive) {
            closeAfterBatch = true;
        }
    }

    @Override
    public void malformed(int kind) {
        add(snapshot.get(kind, false, ResponseCache.CLOSE));
        closeAfterBatch = true;
    }

    private void add(byte[] response) {
        if (batchCount == batch.length) {
            batch = Arrays.copyOf(batch, batchCount * 2);
        }
        batch[batchCount++] = response;
        batchBytes += response.length;
    }

    /** @return the batch as one buffer (the shared array itself for a single response), or null */
    private ByteBuffer takeBatch() {
        int count = batchCount;
        if (count == 0) {
            return null;
        }
        ByteBuffer out;
        if (count == 1) {
            out = ByteBuffer.wrap(batch[0]); // shared and never modified: writing only reads it
        } else {
            byte[] all = new byte[batchBytes];
            int at = 0;
            for (int i = 0; i < count; i++) {
                byte[] r = batch[i];
                System.arraycopy(r, 0, all, at, r.length);
                at += r.length;
            }
            out = ByteBuffer.wrap(all);
        }
        if (batch.length > 64) {
            batch = new byte[4][]; // a burst of pipelined requests does not pin a large array
        } else {
            Arrays.fill(batch, 0, count, null);
        }
        batchCount = 0;
        batchBytes = 0;
        return out;
    }

    // ------------------------------------------------------------------ output (any thread)

    @Override
    public void subscribe(Subscriber<? super ByteBuffer> s) {
        Objects.requireNonNull(s, "§1.9: subscriber");
        if (!DOWNSTREAM_CLAIMED.compareAndSet(this, 0, 1)) {
            s.onSubscribe(new Subscription() {
                @Override
                public void request(long n) {}

                @Override
                public void cancel() {}
            });
            s.onError(new IllegalStateException("an HTTP connection's responses have one subscriber, its socket"));
            return;
        }
        downstream = s;
        s.onSubscribe(this);
    }

    @Override
    public void request(long n) {
        if (!lingering) {
            awaitClient(); // the responses went out: the next request is due
        }
        upstream.request(n); // one output buffer per read; §3.9 is checked (and signalled) upstream
    }

    @Override
    public void cancel() {
        if (lingering) {
            return; // the output already completed; the input is drained until the client closes
        }
        upstream.cancel(); // the output stopped (the connection failed or closed): stop reading
        sideEnded(INPUT_ENDED);
    }

    // ------------------------------------------------------------------ ending (any thread)

    private void sideEnded(int side) {
        int prev = (int) ENDED.getAndBitwiseOr(this, side);
        if ((prev & side) == 0 && (prev | side) == BOTH_ENDED) {
            TaskHandle<Void> timer = lingerTimer;
            if (timer != null) {
                timer.cancel();
            }
            conn.close(); // usually closed already: the socket closes itself when both sides ended
            server.connectionEnded(this);
        }
    }

    @Override
    public String toString() {
        return "HttpConnection[" + conn + (lingering ? ", lingering" : "") + "]";
    }
}
