package io.moirai.net;

import io.moirai.internal.io.ReadBufferPool;
import io.moirai.internal.net.LeakDetector;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Bytes on their way to or from a socket, in a buffer with an owner: what
 * {@link TcpConnection#receive()} emits and {@link TcpConnection#send} writes. A received buffer is
 * one of the I/O thread's pooled direct buffers, read into without a copy; whoever holds it
 * {@linkplain #release() releases} it when done, which gives it back to the pool. Sending a received
 * buffer ({@code conn.send(conn.receive())}) writes it without a copy and releases it once written, so
 * an echo moves bytes with no copy in user space and no allocation beyond this small wrapper.
 *
 * <p><b>Ownership.</b> Exactly one party owns a buffer at a time: the subscriber that received it,
 * then {@code send} once it is handed over (which releases it when written, or when the send ends
 * before). Release each buffer exactly once; a second release throws {@link IllegalStateException},
 * as does {@link #data()} after the release (the pool may already have given the memory to another
 * read). A buffer never released is not lost to the heap, only to the pool, which then allocates
 * plain heap buffers instead; with {@code -Dmoirai.leakDetection=true} every pooled buffer that is
 * collected without a release is reported to the runtime's dropped-error handler with the place it
 * was taken.
 *
 * <p><b>Threads.</b> A buffer is used by one thread at a time (its owner), handed over through the
 * Reactive Streams signals that pass it on; {@link #release()} may be called from any thread.
 */
public final class NetBuffer implements AutoCloseable {

    private static final VarHandle RELEASED;

    static {
        try {
            RELEASED = MethodHandles.lookup().findVarHandle(NetBuffer.class, "released", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ByteBuffer data;
    /** Where the buffer goes back on release; null for a buffer that is not pooled. */
    private final ReadBufferPool pool;
    /** Null unless leak detection is on and the buffer is pooled. */
    private final LeakDetector.Tracker leak;
    @SuppressWarnings("unused") // accessed through RELEASED
    private volatile int released;

    private NetBuffer(ByteBuffer data, ReadBufferPool pool) {
        this.data = data;
        this.pool = pool;
        this.leak = pool == null ? null : LeakDetector.track(this, "NetBuffer", pool.dropped());
    }

    /**
     * Wraps bytes of the caller's for {@link TcpConnection#send}: not pooled, so releasing it only
     * marks it released. The buffer's position to limit are the bytes to send; {@code send} moves the
     * position as it writes.
     *
     * @param data the bytes
     * @return the wrapper
     * @throws NullPointerException if {@code data} is null
     */
    public static NetBuffer wrap(ByteBuffer data) {
        return new NetBuffer(Objects.requireNonNull(data, "data"), null);
    }

    /** A buffer read into, from {@code pool} (null: a plain heap buffer the pool could not supply). */
    static NetBuffer received(ByteBuffer data, ReadBufferPool pool) {
        return new NetBuffer(data, pool);
    }

    /**
     * @return the bytes: from the position to the limit (the buffer itself, not a copy)
     * @throws IllegalStateException if the buffer was released
     */
    public ByteBuffer data() {
        if (released != 0) {
            throw new IllegalStateException("the NetBuffer was released: its memory may hold other bytes now");
        }
        return data;
    }

    /** @return whether {@link #release()} was called */
    public boolean isReleased() {
        return released != 0;
    }

    /**
     * Gives the buffer back to its pool (a buffer from {@link #wrap} is only marked released). Any
     * thread; exactly once.
     *
     * @throws IllegalStateException if it was released before
     */
    public void release() {
        if (!RELEASED.compareAndSet(this, 0, 1)) {
            throw new IllegalStateException("the NetBuffer was released twice");
        }
        if (leak != null) {
            leak.released();
        }
        if (pool != null) {
            pool.give(data);
        }
    }

    /** Same as {@link #release()}, for try-with-resources. */
    @Override
    public void close() {
        release();
    }

    @Override
    public String toString() {
        return "NetBuffer[" + (released != 0 ? "released" : data.remaining() + " bytes")
                + (pool != null ? ", pooled]" : "]");
    }
}
