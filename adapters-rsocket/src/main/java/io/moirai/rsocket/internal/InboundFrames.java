package io.moirai.rsocket.internal;

import io.moirai.internal.flow.Demand;
import io.moirai.internal.util.VarHandles;
import io.moirai.net.NetBuffer;
import io.netty.buffer.ByteBuf;
import io.rsocket.exceptions.ConnectionErrorException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.Objects;
import java.util.function.Consumer;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;

/**
 * A connection's {@code DuplexConnection.receive()}: the frames of the socket's input, read only with
 * demand. Subscribing subscribes to the connection's {@code TcpConnection.receive()} (pooled direct
 * buffers, nothing read before); a buffer is requested, one at a time, only while the subscriber has
 * outstanding demand and no complete frame is left in the buffer at hand, so without demand nothing
 * is read and TCP flow control slows the peer. A read's bytes are cut into frames by a
 * {@link FrameDecoder}.
 *
 * <p><b>Why frames are copied.</b> Each frame is copied out of the read buffer into a {@link ByteBuf}
 * of the connection's allocator: the read buffers belong to the I/O thread's small pool and must go
 * back as soon as their bytes are cut, whereas RSocket keeps parts of a frame for as long as it likes
 * (a retained slice with {@code PayloadDecoder.ZERO_COPY}, a reassembled fragment); and a read may hold
 * a frame's end together with the start of the next, or only part of a frame. One copy per frame
 * decouples the two lifetimes; the read buffer is released once its last byte is cut.
 *
 * <p><b>Ownership.</b> As with RSocket's own TCP transport, each frame is released by this publisher
 * right after the subscriber's {@code onNext} returns; a subscriber that keeps a frame retains it
 * (RSocket core does). Read buffers are released as soon as they are used up, or when the stream
 * ends or is cancelled; a frame being assembled is released when the stream ends.
 *
 * <p><b>Ending.</b> The contract of {@code DuplexConnection.receive()}: the stream never completes. The
 * peer's end of stream becomes {@code onError(ClosedChannelException)}, a socket error is passed on as
 * it is, a frame above the length limit (or too short to be a frame) becomes
 * {@code onError(ConnectionErrorException)}, after every complete frame before it was delivered.
 * {@link #fail} ends it at once with the connection's own failure. The owner hears of every end but a
 * cancel through the callbacks: {@code refused} for a refused frame, {@code ended} otherwise.
 * Unicast: a second subscriber gets {@code onSubscribe} then {@code onError(IllegalStateException)}.
 *
 * <p><b>Threads.</b> {@code request} and {@code cancel} from any thread (§2.7 serially); the socket's
 * signals on its I/O thread. Everything else runs in a drain that one thread at a time owns (a
 * {@code wip} counter), so frames reach the subscriber serially (§1.3), never recursively (§3.3): on
 * the I/O thread when bytes arrive, on the requesting thread when frames were already there.
 */
final class InboundFrames extends Flux<ByteBuf> implements Subscriber<NetBuffer>, Subscription {

    private static final VarHandle SUBSCRIBED = VarHandles.field(MethodHandles.lookup(), "subscribed", int.class);
    private static final VarHandle REQUESTED = VarHandles.field(MethodHandles.lookup(), "requested", long.class);
    private static final VarHandle WIP = VarHandles.field(MethodHandles.lookup(), "wip", int.class);
    private static final VarHandle ARRIVED = VarHandles.field(MethodHandles.lookup(), "arrived", NetBuffer.class);
    private static final VarHandle FAILURE = VarHandles.field(MethodHandles.lookup(), "failure", Throwable.class);

    /** The marker of the upstream's {@code onComplete} (end of stream) in {@link #upstreamEnd}. */
    private static final Object END_OF_STREAM = new Object();

    private final Publisher<NetBuffer> source;
    private final FrameDecoder decoder;
    private final OutboundFrames replies;
    private final Consumer<ConnectionErrorException> refused;
    private final Consumer<Throwable> ended;

    @SuppressWarnings("unused") private volatile int subscribed; // SUBSCRIBED: 1 once taken
    private volatile CoreSubscriber<? super ByteBuf> actual;
    private volatile Subscription upstream;
    @SuppressWarnings("unused") private volatile long requested; // REQUESTED
    @SuppressWarnings("unused") private volatile int wip; // WIP
    /** The buffer the upstream delivered and the drain has not taken yet (at most one is requested). */
    @SuppressWarnings("unused") private volatile NetBuffer arrived; // ARRIVED
    /** {@link #END_OF_STREAM} or the upstream's error, once it ended. */
    private volatile Object upstreamEnd;
    private volatile boolean cancelled;
    /** Set once by {@link #fail}, a request(n <= 0) (§3.9) or a §1.1 violation: end now with this. */
    @SuppressWarnings("unused") private volatile Throwable failure; // FAILURE

    // drain-owned
    private NetBuffer current;
    private boolean awaiting;
    private boolean done;
    private boolean upstreamCancelled;

    /**
     * @param source the socket's input ({@code TcpConnection.receive()}), subscribed on the first subscribe
     * @param decoder cuts frames
     * @param replies the connection's output: what the frames of one read make the subscriber send
     *     synchronously is written together once they were all delivered ({@link OutboundFrames#hold()})
     * @param refused told once, in the drain, when a frame was refused (then the stream ends with that error)
     * @param ended told once, in the drain, when the stream ended with anything but a refusal or a cancel
     */
    InboundFrames(Publisher<NetBuffer> source, FrameDecoder decoder, OutboundFrames replies,
            Consumer<ConnectionErrorException> refused, Consumer<Throwable> ended) {
        this.source = source;
        this.decoder = decoder;
        this.replies = replies;
        this.refused = refused;
        this.ended = ended;
    }

    @Override
    public void subscribe(CoreSubscriber<? super ByteBuf> subscriber) {
        Objects.requireNonNull(subscriber, "§1.9: subscriber must not be null");
        if (!SUBSCRIBED.compareAndSet(this, 0, 1)) {
            Operators.error(subscriber, new IllegalStateException(
                    "DuplexConnection.receive() of a Moirai connection allows one subscriber"));
            return;
        }
        actual = subscriber;
        subscriber.onSubscribe(this);
        source.subscribe(this);
    }

    /**
     * Ends the stream at once with {@code cause} (frames not yet delivered are dropped), unless it
     * ended before. Any thread; the owner calls it when the connection failed for a reason of its own.
     *
     * @param cause what the subscriber receives
     */
    void fail(Throwable cause) {
        if (FAILURE.compareAndSet(this, null, cause)) {
            drain();
        }
    }

    // ------------------------------------------------------------------ Subscription (downstream)

    @Override
    public void request(long n) {
        if (n <= 0) {
            fail(Demand.invalidRequest(n)); // §3.9
            return;
        }
        Demand.add(REQUESTED, this, n);
        drain();
    }

    @Override
    public void cancel() {
        cancelled = true;
        drain();
    }

    // ------------------------------------------------------------------ Subscriber (upstream: the socket)

    @Override
    public void onSubscribe(Subscription s) {
        Objects.requireNonNull(s, "§2.13: subscription must not be null");
        if (upstream != null) {
            s.cancel(); // §2.5
            return;
        }
        upstream = s;
        drain();
    }

    @Override
    public void onNext(NetBuffer buffer) {
        Objects.requireNonNull(buffer, "§2.13: onNext(null)");
        if (!ARRIVED.compareAndSet(this, null, buffer)) {
            buffer.release();
            FAILURE.compareAndSet(this, null, new IllegalStateException(
                    "§1.1 violated: the socket delivered a buffer that was not requested"));
        }
        drain();
    }

    @Override
    public void onError(Throwable error) {
        upstreamEnd = Objects.requireNonNull(error, "§2.13: onError(null)");
        drain();
    }

    @Override
    public void onComplete() {
        upstreamEnd = END_OF_STREAM;
        drain();
    }

    // ------------------------------------------------------------------ the drain

    private void drain() {
        if ((int) WIP.getAndAdd(this, 1) != 0) {
            return;
        }
        int missed = 1;
        for (;;) {
            if (done) {
                discard();
            } else {
                drainOnce();
            }
            missed = (int) WIP.getAndAdd(this, -missed) - missed;
            if (missed == 0) {
                return;
            }
        }
    }

    private void drainOnce() {
        CoreSubscriber<? super ByteBuf> a = actual;
        if (a == null) {
            return; // not subscribed yet: keep what arrived
        }
        if (cancelled) {
            done = true;
            discard();
            return;
        }
        Throwable failed = failure;
        if (failed != null) {
            end(a, failed, false);
            return;
        }
        replies.hold();
        try {
            deliver(a);
        } finally {
            replies.resume();
        }
    }

    /** The part of a drain pass that emits frames, while the connection's writes wait for its end. */
    private void deliver(CoreSubscriber<? super ByteBuf> a) {
        long r = requested;
        long e = 0;
        while (e != r) {
            if (cancelled || failure != null) {
                return; // the next pass ends it
            }
            NetBuffer c = current;
            if (c == null) {
                c = takeArrived();
                if (c == null) {
                    break;
                }
            }
            ByteBuf frame;
            ByteBuffer bytes = c.data();
            try {
                frame = decoder.next(bytes);
            } catch (ConnectionErrorException refusal) {
                end(a, refusal, true);
                return;
            }
            if (!bytes.hasRemaining()) {
                current = null;
                c.release(); // every byte of it cut: back to the I/O thread's pool now
            }
            if (frame == null) {
                continue;
            }
            try {
                a.onNext(frame);
            } catch (Throwable t) { // §2.13: the subscriber is broken; it is treated as cancelled
                frame.release();
                Operators.onErrorDropped(t, a.currentContext());
                done = true;
                discard();
                ended.accept(t);
                return;
            }
            frame.release();
            e++;
        }
        if (e != 0) {
            r = Demand.produced(REQUESTED, this, e);
        }
        if (current != null || arrived != null) {
            return; // frames left for later demand
        }
        Object end = upstreamEnd;
        if (end != null) {
            end(a, end == END_OF_STREAM ? new ClosedChannelException() : (Throwable) end, false);
            return;
        }
        Subscription s = upstream;
        if (r != 0 && !awaiting && s != null) {
            awaiting = true;
            s.request(1L); // may deliver right here (on the I/O thread): the next pass picks it up
        }
    }

    private NetBuffer takeArrived() {
        NetBuffer b = (NetBuffer) ARRIVED.getAndSet(this, null);
        if (b != null) {
            awaiting = false;
            current = b;
        }
        return b;
    }

    /**
     * Ends the stream: stops reading, drops what is held, tells the subscriber and the owner. A
     * refusal goes to the owner first, so its ERROR frame is written before RSocket hears of the
     * error (RSocket may dispose the connection then, which would drop a frame still queued);
     * anything else goes to the subscriber first, so it has the error before {@code onClose} completes.
     */
    private void end(CoreSubscriber<? super ByteBuf> a, Throwable cause, boolean refusal) {
        done = true;
        discard();
        if (refusal) {
            refused.accept((ConnectionErrorException) cause);
        }
        try {
            a.onError(cause);
        } catch (Throwable t) { // §2.13
            Operators.onErrorDropped(t, a.currentContext());
        }
        if (!refusal) {
            ended.accept(cause);
        }
    }

    /** Drain: releases every buffer held and stops the upstream (once). */
    private void discard() {
        if (!upstreamCancelled && upstreamEnd == null) {
            Subscription s = upstream;
            if (s != null) {
                upstreamCancelled = true;
                s.cancel();
            }
        }
        NetBuffer c = current;
        current = null;
        if (c != null) {
            c.release();
        }
        NetBuffer b = (NetBuffer) ARRIVED.getAndSet(this, null);
        if (b != null) {
            b.release();
        }
        decoder.release();
    }

    @Override
    public String toString() {
        return "InboundFrames[requested=" + requested + (done ? ", done]" : "]");
    }
}
