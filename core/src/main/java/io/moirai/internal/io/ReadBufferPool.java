package io.moirai.internal.io;

import io.moirai.internal.util.DroppedErrors;
import java.nio.ByteBuffer;
import org.jctools.queues.MpscArrayQueue;

/**
 * The direct buffers one I/O driver reads into for {@code TcpConnection.receive()}: at most
 * {@code capacity} buffers of {@value #BUFFER_SIZE} bytes, allocated on first need (an idle driver
 * holds none) and reused once their holder gives them back. When all are out, {@link #take()}
 * returns null and the reader falls back to a plain heap buffer, so the pool bounds the direct memory
 * a driver holds, never the data it can read.
 *
 * <p>Threads (as a JCTools MPSC queue): {@link #take()} only on the driver's thread, the one
 * consumer; {@link #give} from any thread (whoever released the buffer: a subscriber, or the writer
 * that sent it, perhaps on another driver).
 */
public final class ReadBufferPool {

    /** The size of every pooled buffer: one read's worth. */
    public static final int BUFFER_SIZE = 64 * 1024;

    private final int capacity;
    private final DroppedErrors dropped;
    private final MpscArrayQueue<ByteBuffer> free;
    /** Buffers allocated so far; driver thread only. */
    private int allocated;

    /**
     * @param capacity the most buffers the pool allocates, at least 1
     * @param dropped where a buffer taken and never given back is reported (see {@code LeakDetector})
     */
    public ReadBufferPool(int capacity, DroppedErrors dropped) {
        this.capacity = capacity;
        this.dropped = dropped;
        this.free = new MpscArrayQueue<>(Math.max(2, capacity));
    }

    /**
     * @return a cleared pooled buffer, or null if every buffer is out (the caller allocates its own).
     *     Driver thread.
     */
    public ByteBuffer take() {
        ByteBuffer b = free.relaxedPoll();
        if (b != null) {
            return b.clear();
        }
        if (allocated < capacity) {
            allocated++;
            return ByteBuffer.allocateDirect(BUFFER_SIZE);
        }
        return null;
    }

    /**
     * Takes a buffer back. Any thread; each buffer {@link #take()} returned exactly once.
     *
     * @param b a buffer this pool handed out
     */
    public void give(ByteBuffer b) {
        free.offer(b); // never full: it holds at most the buffers allocated
    }

    /** @return where leaks of this pool's buffers are reported */
    public DroppedErrors dropped() {
        return dropped;
    }
}
