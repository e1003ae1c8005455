package io.moirai.rsocket.internal;

import io.moirai.internal.flow.Demand;
import io.moirai.internal.util.VarHandles;
import io.moirai.Moirai;
import io.moirai.net.NetBuffer;
import io.netty.buffer.ByteBuf;
import io.rsocket.exceptions.ConnectionErrorException;
import io.rsocket.frame.FrameLengthCodec;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.jctools.queues.MpscUnboundedXaddArrayQueue;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * What a connection's {@code sendFrame} queues, written as the socket drains: the publisher that
 * {@code TcpConnection.send} subscribes to. {@code sendFrame} has no flow control (RSocket's own
 * demand, REQUEST_N, bounds what a stream sends; nothing bounds the sum), so frames go into two
 * unbounded MPSC queues (stream 0 first, as RSocket's own transports do, so a keep-alive is not stuck
 * behind a backlog; then every stream in order), and the writer takes them one write at a time: the
 * socket's writer asks for the next buffer only once the previous one is written whole.
 *
 * <p><b>Batching.</b> Each write is one {@value WriteBuffers#BUFFER_SIZE}-byte direct buffer
 * ({@link WriteBuffers}) filled with as many queued frames as it holds, each behind its 24-bit length
 * prefix, so frames that queued up while the socket was busy go out in one system call; a frame
 * larger than the buffer spans several writes. Each frame is copied into the buffer and released at
 * once. To give frames a chance to queue up, a frame sent during a burst is not written at once: on
 * the thread delivering the frames of one read ({@link #hold()} .. {@link #resume()}) the write waits
 * until that read's frames were handled (so every response they produced synchronously goes out in
 * one write), and on a Moirai compute worker it waits for a flush job queued behind the current one
 * (so a stream's whole turn of items goes out together); but once a write buffer's worth is queued
 * the frames are written at once, so a long burst is written as it goes rather than piled up. On any
 * other thread a frame is written right away.
 *
 * <p><b>The bound.</b> Bytes queued and not yet copied into a write (frames plus prefixes) are counted;
 * a frame that would take them above {@code maxQueuedBytes} is released and the connection fails
 * ({@code failed} is told, with a {@link ConnectionErrorException} that says so): memory stays
 * bounded whatever the peer or the application does. The frame being copied is not counted, so at
 * most {@code maxQueuedBytes} plus one frame plus one write buffer are held.
 *
 * <p><b>Ending.</b> {@link #offerFinal} queues a last frame (the ERROR frame of
 * {@code sendErrorAndClose}): frames queued before it go first, frames offered after it are released
 * unsent, and once it is written the stream completes (the socket's writer then flushes and shuts the
 * output down). {@link #close()} (the connection closed) and the writer's {@code cancel} release every
 * queued frame at once. A frame offered after that is released on arrival: each frame handed to
 * {@link #offer} is released exactly once, written or not.
 *
 * <p><b>Threads.</b> {@link #offer}, {@link #offerFinal}, {@link #close()}, {@code request} and
 * {@code cancel} from any thread. The queues are consumed, and the writer signalled (§1.3, never
 * recursively, §3.3), by a drain that one thread at a time owns (a {@code wip} counter).
 * {@link #hold()} and {@link #resume()} are called by the one thread delivering inbound frames.
 */
final class OutboundFrames implements Publisher<NetBuffer>, Subscription {

    private static final int PREFIX = FrameLengthCodec.FRAME_LENGTH_SIZE;

    /** {@code state} bits. */
    private static final int FINAL = 1;
    private static final int CLOSED = 2;
    private static final int CANCELLED = 4;

    private static final VarHandle STATE = VarHandles.field(MethodHandles.lookup(), "state", int.class);
    private static final VarHandle QUEUED = VarHandles.field(MethodHandles.lookup(), "queuedBytes", long.class);
    private static final VarHandle REQUESTED = VarHandles.field(MethodHandles.lookup(), "requested", long.class);
    private static final VarHandle WIP = VarHandles.field(MethodHandles.lookup(), "wip", int.class);
    private static final VarHandle FINAL_FRAME = VarHandles.field(MethodHandles.lookup(), "finalFrame", ByteBuf.class);
    private static final VarHandle SUBSCRIBED = VarHandles.field(MethodHandles.lookup(), "subscribed", int.class);
    private static final VarHandle FLUSH = VarHandles.field(MethodHandles.lookup(), "flushScheduled", int.class);

    private final MpscUnboundedXaddArrayQueue<ByteBuf> urgent = new MpscUnboundedXaddArrayQueue<>(16);
    private final MpscUnboundedXaddArrayQueue<ByteBuf> normal = new MpscUnboundedXaddArrayQueue<>(256);
    private final long maxQueuedBytes;
    private final WriteBuffers buffers;
    private final Executor flusher;
    private final Consumer<Throwable> failed;
    private final Runnable flush = this::flush;

    @SuppressWarnings("unused") private volatile int state; // STATE
    @SuppressWarnings("unused") private volatile long queuedBytes; // QUEUED
    @SuppressWarnings("unused") private volatile long requested; // REQUESTED
    @SuppressWarnings("unused") private volatile int wip; // WIP
    @SuppressWarnings("unused") private volatile ByteBuf finalFrame; // FINAL_FRAME
    @SuppressWarnings("unused") private volatile int subscribed; // SUBSCRIBED
    @SuppressWarnings("unused") private volatile int flushScheduled; // FLUSH
    private volatile Subscriber<? super NetBuffer> writer;
    /** The error a request(n <= 0) ends the writer with (§3.9), set once. */
    private volatile Throwable invalidRequest;
    /** The thread delivering inbound frames between {@link #hold()} and {@link #resume()}, else null. */
    private volatile Thread holder;

    // drain-owned
    /** The frame being copied (taken off its queue), and whether its prefix went out. */
    private ByteBuf current;
    private boolean currentPrefixed;
    /** A write buffer of ours nobody else holds. */
    private ByteBuffer spare;
    /** The last write handed to the writer, and its buffer: free again once the writer released it. */
    private NetBuffer inFlight;
    private ByteBuffer inFlightBuffer;
    private boolean finalTaken;
    private boolean finished;

    /**
     * @param maxQueuedBytes the most bytes queued (frames and prefixes) before the connection fails
     * @param buffers where write buffers come from
     * @param flusher runs deferred flushes (the runtime's compute workers)
     * @param failed told when a frame could not be queued (the bound, or a frame too long for the
     *     wire); may be told more than once
     */
    OutboundFrames(long maxQueuedBytes, WriteBuffers buffers, Executor flusher, Consumer<Throwable> failed) {
        this.maxQueuedBytes = maxQueuedBytes;
        this.buffers = buffers;
        this.flusher = flusher;
        this.failed = failed;
    }

    /**
     * Queues {@code frame} for writing, or releases it if the stream has ended or the bound would be
     * exceeded (then the connection fails). Any thread.
     *
     * @param streamId the frame's stream (0: ahead of the others)
     * @param frame an RSocket frame without its length prefix; this takes ownership
     */
    void offer(int streamId, ByteBuf frame) {
        int length = frame.readableBytes();
        if (length > FrameLengthCodec.FRAME_LENGTH_MASK) {
            frame.release();
            failed.accept(new ConnectionErrorException("a frame of " + length
                    + " bytes cannot be sent: RSocket's length prefix allows at most "
                    + FrameLengthCodec.FRAME_LENGTH_MASK + "; the connection was closed"));
            return;
        }
        if (((int) STATE.getVolatile(this) & (FINAL | CLOSED | CANCELLED)) != 0) {
            frame.release();
            return;
        }
        long size = (long) length + PREFIX;
        long queued = (long) QUEUED.getAndAdd(this, size) + size;
        if (queued > maxQueuedBytes) {
            QUEUED.getAndAdd(this, -size);
            frame.release();
            failed.accept(new ConnectionErrorException("the outbound queue of this connection would exceed "
                    + maxQueuedBytes + " bytes (MoiraiRSocket.Settings.maxQueuedBytes): RSocket's sendFrame "
                    + "has no flow control, and frames are produced faster than the peer reads them; lower "
                    + "the demand (REQUEST_N, e.g. limitRate) or raise the bound; the connection was closed"));
            return;
        }
        (streamId == 0 ? urgent : normal).offer(frame);
        signal();
    }

    /**
     * Queues the last frame: written after every frame queued before it, then the stream completes.
     * Any thread; only the first call counts (a later frame is released).
     *
     * @param frame the frame; this takes ownership
     * @return whether it was queued
     */
    boolean offerFinal(ByteBuf frame) {
        if (!FINAL_FRAME.compareAndSet(this, null, frame)) {
            frame.release();
            return false;
        }
        STATE.getAndBitwiseOr(this, FINAL); // after the frame: a drain that sees the bit sees the frame
        drain(); // if the stream has ended, the drain releases the frame
        return true;
    }

    /** The connection closed: releases every queued frame, and every frame offered from now on. Any thread. */
    void close() {
        STATE.getAndBitwiseOr(this, CLOSED);
        drain();
    }

    /** @return bytes queued and not yet copied into a write (frames and their prefixes) */
    long queuedBytes() {
        return (long) QUEUED.getVolatile(this);
    }

    /** The calling thread starts delivering inbound frames: frames it offers wait for {@link #resume()}. */
    void hold() {
        holder = Thread.currentThread();
    }

    /** The delivering thread is done: writes what its frames produced. */
    void resume() {
        holder = null;
        if (!urgent.isEmpty() || !normal.isEmpty()) {
            drain();
        }
    }

    // ------------------------------------------------------------------ Publisher: the socket's writer

    @Override
    public void subscribe(Subscriber<? super NetBuffer> subscriber) {
        Objects.requireNonNull(subscriber, "§1.9: subscriber must not be null");
        if (!SUBSCRIBED.compareAndSet(this, 0, 1)) {
            subscriber.onSubscribe(new Subscription() {
                @Override
                public void request(long n) {
                    // refused: nothing to deliver
                }

                @Override
                public void cancel() {
                    // refused: nothing to stop
                }
            });
            subscriber.onError(new IllegalStateException("the outbound frames of a connection have one writer"));
            return;
        }
        writer = subscriber;
        subscriber.onSubscribe(this);
        drain();
    }

    @Override
    public void request(long n) {
        if (n <= 0) {
            if (invalidRequest == null) {
                invalidRequest = Demand.invalidRequest(n); // §3.9
            }
        } else {
            Demand.add(REQUESTED, this, n);
        }
        drain();
    }

    @Override
    public void cancel() {
        STATE.getAndBitwiseOr(this, CANCELLED);
        drain();
    }

    // ------------------------------------------------------------------ when to write

    /**
     * A frame was queued: write now, after the delivering thread's read, or after the worker's turn;
     * but once a write's worth is queued, now in any case, so a long burst does not pile up.
     */
    private void signal() {
        Thread t = Thread.currentThread();
        if ((long) QUEUED.getVolatile(this) >= WriteBuffers.BUFFER_SIZE) {
            drain();
            return;
        }
        if (t == holder) {
            return; // resume() writes
        }
        if (Moirai.isComputeThread(t)) {
            if (FLUSH.compareAndSet(this, 0, 1)) {
                try {
                    flusher.execute(flush);
                } catch (RejectedExecutionException shutDown) {
                    flushScheduled = 0;
                    drain();
                }
            }
            return;
        }
        drain();
    }

    private void flush() {
        flushScheduled = 0; // before the drain: a frame queued from now on schedules another flush
        drain();
    }

    // ------------------------------------------------------------------ the drain

    private void drain() {
        if ((int) WIP.getAndAdd(this, 1) != 0) {
            return;
        }
        int missed = 1;
        for (;;) {
            drainOnce();
            missed = (int) WIP.getAndAdd(this, -missed) - missed;
            if (missed == 0) {
                return;
            }
        }
    }

    private void drainOnce() {
        int s = (int) STATE.getVolatile(this);
        if (finished || (s & (CLOSED | CANCELLED)) != 0) {
            discard();
            return;
        }
        Subscriber<? super NetBuffer> w = writer;
        if (w == null) {
            return;
        }
        Throwable invalid = invalidRequest;
        if (invalid != null) {
            finished = true;
            discard();
            w.onError(invalid);
            return;
        }
        long r = requested;
        long e = 0;
        boolean idle = false;
        while (e != r) {
            ByteBuffer batch = fill(s);
            if (batch == null) {
                idle = true;
                break;
            }
            NetBuffer write = NetBuffer.wrap(batch);
            inFlight = write;
            inFlightBuffer = batch;
            e++;
            w.onNext(write); // the writer may write it here and request the next: counted in wip
            s = (int) STATE.getVolatile(this);
            if ((s & (CLOSED | CANCELLED)) != 0) {
                discard();
                return;
            }
        }
        if (e != 0) {
            Demand.produced(REQUESTED, this, e);
        }
        if (finalTaken && current == null) { // the last frame is in a write the writer has
            finished = true;
            discard();
            w.onComplete();
            return;
        }
        if (idle) {
            recycle();
        }
    }

    /**
     * Copies queued frames into a write buffer: stream 0 first, then the others, then (once both
     * are empty and {@code sendErrorAndClose} was called) the last frame.
     *
     * @param s the state read by the caller
     * @return the filled buffer, flipped; null if there was nothing to write
     */
    private ByteBuffer fill(int s) {
        ByteBuffer batch = acquire();
        for (;;) {
            ByteBuf f = current;
            if (f == null && finalTaken) {
                break; // nothing goes after the last frame
            }
            if (f == null) {
                f = urgent.relaxedPoll();
                if (f == null) {
                    f = normal.relaxedPoll();
                }
                if (f != null) {
                    QUEUED.getAndAdd(this, -((long) f.readableBytes() + PREFIX));
                } else if ((s & FINAL) != 0 && !finalTaken) {
                    f = (ByteBuf) FINAL_FRAME.getAndSet(this, null);
                    finalTaken = true;
                }
                if (f == null) {
                    break;
                }
                current = f;
                currentPrefixed = false;
            }
            if (!currentPrefixed) {
                if (batch.remaining() < PREFIX) {
                    break;
                }
                int length = f.readableBytes();
                batch.put((byte) (length >>> 16)).put((byte) (length >>> 8)).put((byte) length);
                currentPrefixed = true;
            }
            int n = Math.min(f.readableBytes(), batch.remaining());
            int limit = batch.limit();
            batch.limit(batch.position() + n);
            f.readBytes(batch);
            batch.limit(limit);
            if (f.isReadable()) {
                break; // the buffer is full; the rest of the frame goes in the next write
            }
            current = null;
            f.release();
        }
        if (batch.position() == 0) {
            spare = batch;
            return null;
        }
        spare = null;
        return batch.flip();
    }

    /** @return a free write buffer: the spare, the last one written, or one from the pool */
    private ByteBuffer acquire() {
        ByteBuffer b = spare;
        if (b == null) {
            b = reclaimInFlight();
        }
        if (b == null) {
            b = buffers.take();
        }
        return b.clear();
    }

    /**
     * @return the buffer of the last write if the writer is done with it; else null, and that buffer
     *     is left to the writer (and then to the garbage collector)
     */
    private ByteBuffer reclaimInFlight() {
        NetBuffer last = inFlight;
        if (last == null) {
            return null;
        }
        ByteBuffer b = inFlightBuffer;
        inFlight = null;
        inFlightBuffer = null;
        return last.isReleased() ? b : null;
    }

    /** Nothing left to write: the buffers go back to the pool. */
    private void recycle() {
        ByteBuffer b = spare;
        spare = null;
        if (b != null) {
            buffers.give(b);
        }
        if (inFlight != null && inFlight.isReleased()) {
            buffers.give(reclaimInFlight());
        }
    }

    /** Drain: releases every frame held or queued, and gives back the buffers nobody holds. */
    private void discard() {
        ByteBuf f = current;
        current = null;
        if (f != null) {
            f.release();
        }
        releaseAll(urgent);
        releaseAll(normal);
        ByteBuf last = (ByteBuf) FINAL_FRAME.getAndSet(this, null);
        if (last != null) {
            last.release();
        }
        recycle();
        inFlight = null; // if the writer still holds it, its buffer is the garbage collector's
        inFlightBuffer = null;
    }

    private void releaseAll(MpscUnboundedXaddArrayQueue<ByteBuf> queue) {
        ByteBuf f;
        while ((f = queue.relaxedPoll()) != null) {
            QUEUED.getAndAdd(this, -((long) f.readableBytes() + PREFIX));
            f.release();
        }
    }

    @Override
    public String toString() {
        return "OutboundFrames[queued=" + queuedBytes + " bytes, requested=" + requested + ", state=" + state + "]";
    }
}
