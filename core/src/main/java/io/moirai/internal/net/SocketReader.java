package io.moirai.internal.net;

import io.moirai.internal.flow.Subscriptions;
import io.moirai.internal.io.LoopSubscription;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.reactivestreams.Subscriber;

/**
 * The input side of a {@link SocketConnection}: the subscription behind {@code inbound(chunk)}. Each
 * unit of demand is one read of at most {@code chunk} bytes, emitted as a buffer of exactly the bytes
 * that came; read interest is on only while a read found nothing and there is demand, so without
 * demand the kernel's buffer fills and TCP slows the peer down.
 *
 * <p>A chunk that fits the driver's direct read buffer is read there and copied out; a larger one is
 * read into a heap buffer of its own. End of stream completes the subscriber and tells the
 * connection, which closes once its output is shut down too. A failed read closes the connection,
 * and the subscriber ends with whatever closed it first.
 *
 * <p>Threads: {@code request} and {@code cancel} from any thread (see {@link LoopSubscription});
 * everything else, the reads and every signal to the subscriber (§1.3), on the connection's driver
 * thread.
 */
final class SocketReader extends LoopSubscription<ByteBuffer> {

    private final SocketConnection conn;
    private final int chunk;
    /**
     * Driver thread: the last read got less than it asked for, so the socket's receive buffer is
     * most likely empty and the next read waits for the selector rather than spend a system call to
     * find nothing.
     */
    private boolean drained;

    /**
     * @param conn the connection read from
     * @param s the subscriber
     * @param chunk the largest buffer to emit
     */
    private SocketReader(SocketConnection conn, Subscriber<? super ByteBuffer> s, int chunk) {
        super(conn, SocketConnection.READ, s);
        this.conn = conn;
        this.chunk = chunk;
    }

    /**
     * Subscribes {@code s} to the input of {@code conn}: the first subscriber of an open connection
     * gets a reader, any other an {@code onError(IllegalStateException)}. Any thread.
     *
     * @param conn the connection
     * @param s the subscriber (§1.9: not null)
     * @param chunk the largest buffer to emit
     */
    static void subscribe(SocketConnection conn, Subscriber<? super ByteBuffer> s, int chunk) {
        Subscriptions.requireSubscriber(s);
        if (!conn.claim(SocketConnection.INPUT)) {
            Subscriptions.rejectSecondSubscriber(s, "TcpConnection.inbound()");
            return;
        }
        Throwable closed = conn.closeCause();
        if (closed != null) {
            Subscriptions.error(s, new IllegalStateException("TcpConnection.inbound(): the connection is closed", closed));
            return;
        }
        SocketReader in = new SocketReader(conn, s, chunk);
        conn.inbound = in;
        try {
            s.onSubscribe(in);
        } catch (Throwable t) {
            in.cancel(); // §2.13
            conn.driver().dropped().report(t);
        }
        conn.handOver(SocketConnection.ATTACH_IN); // the driver signals nothing before this
    }

    @Override
    protected ByteBuffer produce() throws IOException {
        if (drained) {
            drained = false;
            conn.readInterest(true); // level-triggered: data that already arrived reports at once
            return null;
        }
        ByteBuffer target;
        ByteBuffer scratch = conn.driver().readBuffer();
        boolean viaScratch = chunk <= scratch.capacity();
        if (viaScratch) {
            target = scratch;
            target.clear().limit(chunk);
        } else {
            target = ByteBuffer.allocate(chunk);
        }
        int asked = target.remaining();
        int n = conn.channel.read(target);
        if (n > 0) {
            drained = n < asked;
            target.flip();
            if (!viaScratch) {
                return target;
            }
            ByteBuffer out = ByteBuffer.allocate(n);
            out.put(target).flip();
            return out;
        }
        if (n == 0) {
            conn.readInterest(true);
            return null;
        }
        conn.readInterest(false);
        end(null); // end of stream
        conn.inputEnded();
        return null;
    }

    @Override
    protected void pause() {
        conn.readInterest(false);
    }

    @Override
    protected void failed(IOException e) {
        conn.closeWith(e); // does nothing if a close came first; then the close's cause is what ends us
        end(conn.closeCause());
    }
}
