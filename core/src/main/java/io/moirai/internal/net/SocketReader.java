package io.moirai.internal.net;

import io.moirai.internal.flow.Subscriptions;
import io.moirai.internal.io.IoDriver;
import io.moirai.internal.io.LoopSubscription;
import io.moirai.internal.io.ReadBufferPool;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.BiFunction;
import org.reactivestreams.Subscriber;

/**
 * The input side of a {@link SocketConnection}: the subscription behind {@code inbound(chunk)} and
 * {@code receive()}. Each unit of demand is one read, emitted as an item holding exactly the bytes
 * that came; read interest is on only while a read found nothing and there is demand, so without
 * demand the kernel's buffer fills and TCP slows the peer down.
 *
 * <p>Where the bytes go is the {@link Reads} strategy: {@link #copies(int)} reads into the driver's
 * direct scratch buffer and copies out a heap buffer of the exact size (or reads a chunk larger than
 * the scratch buffer into a heap buffer of its own), for {@code inbound}; {@link #pooled} reads
 * straight into one of the driver's pooled direct buffers and emits it wrapped, with no copy, for
 * {@code receive} (a plain heap buffer when the pool is out). End of stream completes the subscriber
 * and tells the connection, which closes once its output is shut down too. A failed read closes the
 * connection, and the subscriber ends with whatever closed it first.
 *
 * <p>Threads: {@code request} and {@code cancel} from any thread (see {@link LoopSubscription});
 * everything else, the reads and every signal to the subscriber (§1.3), on the connection's driver
 * thread.
 */
final class SocketReader<T> extends LoopSubscription<T> {

    /**
     * How one read becomes an item. Driver thread.
     *
     * @param <T> the item type
     */
    interface Reads<T> {

        /**
         * @param driver the connection's driver (its scratch buffer and buffer pool)
         * @return the buffer to read into, cleared, its limit the most to read
         */
        ByteBuffer target(IoDriver driver);

        /**
         * @param target the buffer read into, flipped: exactly the bytes that came
         * @return the item emitted
         */
        T item(ByteBuffer target);

        /**
         * The read brought nothing (no data yet, or the end of the stream): let go of the target.
         *
         * @param target the buffer from {@link #target}
         * @param driver the connection's driver
         */
        void unused(ByteBuffer target, IoDriver driver);
    }

    private final SocketConnection conn;
    private final Reads<T> reads;
    /**
     * Driver thread: the last read got less than it asked for, so the socket's receive buffer is
     * most likely empty and the next read waits for the selector rather than spend a system call to
     * find nothing.
     */
    private boolean drained;

    /**
     * @param conn the connection read from
     * @param s the subscriber
     * @param reads how a read becomes an item
     */
    private SocketReader(SocketConnection conn, Subscriber<? super T> s, Reads<T> reads) {
        super(conn, SocketConnection.READ, s);
        this.conn = conn;
        this.reads = reads;
    }

    /**
     * Subscribes {@code s} to the input of {@code conn}: the first subscriber of an open connection
     * gets a reader, any other an {@code onError(IllegalStateException)}. Any thread.
     *
     * @param conn the connection
     * @param s the subscriber (§1.9: not null)
     * @param reads how a read becomes an item
     * @param name the public method, for messages
     */
    static <T> void subscribe(SocketConnection conn, Subscriber<? super T> s, Reads<T> reads, String name) {
        Subscriptions.requireSubscriber(s);
        if (!conn.claim(SocketConnection.INPUT)) {
            Subscriptions.rejectSecondSubscriber(s, name);
            return;
        }
        Throwable closed = conn.closeCause();
        if (closed != null) {
            Subscriptions.error(s, new IllegalStateException(name + ": the connection is closed", closed));
            return;
        }
        SocketReader<T> in = new SocketReader<>(conn, s, reads);
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
    protected T produce() throws IOException {
        if (drained) {
            drained = false;
            conn.readInterest(true); // level-triggered: data that already arrived reports at once
            return null;
        }
        IoDriver driver = conn.driver();
        ByteBuffer target = reads.target(driver);
        int asked = target.remaining();
        int n;
        try {
            n = conn.channelRead(target);
        } catch (IOException | RuntimeException e) {
            reads.unused(target, driver);
            throw e;
        }
        if (n > 0) {
            drained = n < asked;
            return reads.item(target.flip());
        }
        reads.unused(target, driver);
        if (n == 0) {
            conn.readInterest(true);
            return null;
        }
        conn.readInterest(false);
        end(null); // end of stream
        conn.inputEnded();
        return null;
    }

    /**
     * {@code inbound(chunk)}: reads into the driver's direct scratch buffer and emits a heap copy of
     * exactly the bytes that came, or reads a chunk larger than the scratch buffer into a heap buffer
     * of its own. The subscriber owns every buffer.
     *
     * @param chunk the most bytes one read takes
     * @return the strategy
     */
    static Reads<ByteBuffer> copies(int chunk) {
        return new Reads<>() {
            @Override
            public ByteBuffer target(IoDriver driver) {
                ByteBuffer scratch = driver.readBuffer();
                return chunk <= scratch.capacity() ? scratch.clear().limit(chunk) : ByteBuffer.allocate(chunk);
            }

            @Override
            public ByteBuffer item(ByteBuffer target) {
                if (!target.isDirect()) {
                    return target; // a chunk of its own
                }
                return ByteBuffer.allocate(target.remaining()).put(target).flip();
            }

            @Override
            public void unused(ByteBuffer target, IoDriver driver) {
                // the scratch buffer stays the driver's; a chunk of its own is garbage
            }
        };
    }

    /**
     * {@code receive()}: reads straight into one of the driver's pooled direct buffers (a heap buffer
     * when they are all out) and emits it wrapped; the wrapper gives a pooled buffer back when
     * released.
     *
     * @param chunk the most bytes one read takes (capped at {@value ReadBufferPool#BUFFER_SIZE})
     * @param wrap makes the item of a buffer read into, and of its pool (null: not pooled)
     * @return the strategy
     * @param <T> the item type
     */
    static <T> Reads<T> pooled(int chunk, BiFunction<ByteBuffer, ReadBufferPool, T> wrap) {
        int most = Math.min(chunk, ReadBufferPool.BUFFER_SIZE);
        return new Reads<>() {
            private ReadBufferPool from; // driver thread: the pool the current target came from

            @Override
            public ByteBuffer target(IoDriver driver) {
                ByteBuffer b = driver.buffers().take();
                from = b == null ? null : driver.buffers();
                return b != null ? b.limit(most) : ByteBuffer.allocate(most);
            }

            @Override
            public T item(ByteBuffer target) {
                return wrap.apply(target, from);
            }

            @Override
            public void unused(ByteBuffer target, IoDriver driver) {
                if (from != null) {
                    from.give(target);
                }
            }
        };
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
