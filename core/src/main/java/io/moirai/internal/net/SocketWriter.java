package io.moirai.internal.net;

import io.moirai.internal.flow.Subscriptions;
import io.moirai.internal.task.PromiseTask;
import io.moirai.internal.util.VarHandles;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;
import java.util.function.Function;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * The output side of a {@link SocketConnection}: the subscriber {@code outbound(data)} and
 * {@code send(data)} subscribe to {@code data}, and the handle that reports how the output ended. It
 * asks for one item at a time and for the next only once the previous one is written whole, so at
 * most one item is held. An item is written as its {@code bytes}; {@code written} is called once for
 * each item the writer received: when it was written whole, or as soon as the output ended before
 * (an item that arrives after the end included), so a pooled buffer goes back to its pool exactly
 * once. Only the thread that holds an item calls it: the one that delivered it, or the driver once it
 * was parked.
 *
 * <p><b>Protocol</b> ({@code state} bits {@code PENDING}, {@code COMPLETE}, {@code DONE}). A buffer
 * is written first on the thread that delivers it, as far as the socket takes it at once; if it took
 * everything, the next is requested right there. Otherwise the rest is parked in {@code pending},
 * {@code PENDING} is set and the driver takes over: it writes on write readiness, clears
 * {@code PENDING} once the buffer is through and requests the next. {@code onComplete} sets
 * {@code COMPLETE}. Exactly one party sees {@code COMPLETE} with no {@code PENDING}, thanks to the
 * atomic bit operations, whether the source's thread or the driver: it shuts the output down (FIN)
 * and completes the handle. {@code DONE} is set once, by the first of success, failure, cancel or
 * close; nothing is written or requested after it.
 *
 * <p>Threads: the {@code Subscriber} methods on the source's thread (serially, §1.3);
 * {@link #writeReady()} on the driver thread; {@link #end} and the handle's {@code cancel} from any
 * thread.
 */
final class SocketWriter<T> implements Subscriber<T> {

    private static final int PENDING = 1;
    private static final int COMPLETE = 2;
    private static final int DONE = 4;
    private static final VarHandle STATE = VarHandles.field(MethodHandles.lookup(), "state", int.class);

    private final SocketConnection conn;
    private final Function<T, ByteBuffer> bytes;
    private final Consumer<T> written;
    private final String name;
    /** How the output ended: resolved once {@code DONE} is set. */
    private final PromiseTask<Void> handle;
    private volatile Subscription upstream;
    /** Written by the source's thread before PENDING is set, then owned by the driver. */
    private T pending;
    /** The bytes of {@code pending}, as far as they are written; same ownership. */
    private ByteBuffer pendingBytes;
    @SuppressWarnings("unused") private volatile int state; // accessed through STATE

    private SocketWriter(SocketConnection conn, Function<T, ByteBuffer> bytes, Consumer<T> written, String name) {
        this.conn = conn;
        this.bytes = bytes;
        this.written = written;
        this.name = name;
        this.handle = new PromiseTask<>(conn.scheduler, this::cancelled);
    }

    /**
     * Writes {@code data} to {@code conn}: the first caller on an open connection gets a writer
     * subscribed to the data, any other a handle failed with {@link IllegalStateException}. Any
     * thread.
     *
     * @param conn the connection
     * @param data the items to write
     * @param bytes the bytes of an item
     * @param written called once per item received: written whole, or never to be written
     * @param name the public method, for messages
     * @return the output's handle
     * @param <T> the item type
     */
    static <T> PromiseTask<Void> subscribeTo(SocketConnection conn, Publisher<T> data, Function<T, ByteBuffer> bytes,
            Consumer<T> written, String name) {
        SocketWriter<T> out = new SocketWriter<>(conn, bytes, written, name);
        if (!conn.claim(SocketConnection.OUTPUT)) {
            out.handle.resolve(null, new IllegalStateException(
                    name + ": the output may be taken once per connection (outbound or send)"));
            return out.handle;
        }
        Throwable closed = conn.closeCause();
        if (closed != null) {
            out.handle.resolve(null, new IllegalStateException(name + ": the connection is closed", closed));
            return out.handle;
        }
        conn.outbound = out;
        try {
            data.subscribe(out);
        } catch (Throwable t) {
            out.onError(t); // §1.9 subscribe must not throw, but if it does the handle says so
        }
        closed = conn.closeCause();
        if (closed != null) {
            out.end(closed); // raced with a close whose driver turn missed this output
        }
        return out.handle;
    }

    @Override
    public void onSubscribe(Subscription s) {
        Objects.requireNonNull(s, "§2.13 violated: subscription must not be null");
        if (upstream != null) {
            Subscriptions.refuse(s, "the subscriber of " + name + " on " + conn, "already has a source", // §2.5
                    conn.scheduler.dropped()::report);
            return;
        }
        upstream = s;
        if ((state & DONE) != 0) {
            s.cancel();
            return;
        }
        s.request(1L);
    }

    @Override
    public void onNext(T item) {
        if (item == null) {
            throw sourceViolated("onNext(null)");
        }
        if ((state & DONE) != 0) {
            let(item); // the output ended: it will never be written
            return;
        }
        ByteBuffer b;
        try {
            b = bytes.apply(item);
        } catch (RuntimeException unusable) { // a NetBuffer released before it was sent
            upstream.cancel();
            sourceFailed(unusable);
            return;
        }
        if (!write(b)) {
            let(item);
            return;
        }
        if (!b.hasRemaining()) {
            let(item);
            upstream.request(1L);
            return;
        }
        pending = item;
        pendingBytes = b;
        STATE.getAndBitwiseOr(this, PENDING);
        if (conn.driver().inLoop()) {
            conn.writeInterest(true);
        } else {
            conn.handOver(SocketConnection.WRITE);
        }
    }

    /** Writes what the socket takes now; false if the connection failed. */
    private boolean write(ByteBuffer b) {
        try {
            while (b.hasRemaining() && conn.channel.write(b) > 0) {
                // the socket took some: try the rest
            }
            return true;
        } catch (IOException e) {
            conn.closeWith(e);
            end(e);
            return false;
        }
    }

    /** Driver thread: the socket can take more, or the output changed state. */
    void writeReady() {
        int s = state;
        if ((s & DONE) != 0 || (s & PENDING) == 0) {
            dropPending();
            conn.writeInterest(false);
            return;
        }
        ByteBuffer b = pendingBytes;
        if (!write(b)) {
            dropPending();
            return;
        }
        if (b.hasRemaining()) {
            conn.writeInterest(true);
            return;
        }
        dropPending(); // written whole
        conn.writeInterest(false);
        int prev = (int) STATE.getAndBitwiseAnd(this, ~PENDING);
        if ((prev & DONE) != 0) {
            return;
        }
        if ((prev & COMPLETE) != 0) {
            finish();
        } else {
            upstream.request(1L);
        }
    }

    @Override
    public void onError(Throwable t) {
        if (t == null) {
            throw sourceViolated("onError(null)");
        }
        sourceFailed(t);
    }

    /**
     * §2.13: a null signal is thrown back to the source; the handle fails too, so the violation is
     * not lost.
     */
    private NullPointerException sourceViolated(String signal) {
        NullPointerException npe = new NullPointerException("§2.13 violated: " + signal + " in " + name);
        sourceFailed(npe);
        return npe;
    }

    @Override
    public void onComplete() {
        int prev = (int) STATE.getAndBitwiseOr(this, COMPLETE);
        if ((prev & (PENDING | DONE)) == 0) {
            finish();
        }
    }

    private void finish() {
        try {
            conn.channel.shutdownOutput(); // FIN after everything written
        } catch (IOException e) {
            conn.closeWith(e);
            end(e);
            return;
        }
        if (markDone()) {
            handle.resolve(null, null);
        }
        conn.outputShut();
    }

    /**
     * The data failed: the stream is truncated, so the connection is closed, not shut down. Data that
     * ended with a {@link CancellationException} was cancelled (the common case: an echo's inbound
     * ended by a runtime shutdown, which reaches this output before the connection's own end does),
     * so the output ends cancelled too, as a shutdown promises, not failed.
     */
    private void sourceFailed(Throwable t) {
        if (!markDone()) {
            return;
        }
        if (t instanceof CancellationException) {
            handle.cancel();
            conn.closeWith(t);
        } else {
            handle.resolve(null, t);
            conn.closeWith(new IOException("the outbound data failed", t));
        }
    }

    /**
     * The connection closed or failed: cancel the data and end the handle with {@code cause}
     * (cancelled if the runtime shut down). Any thread; only the first end counts.
     *
     * @param cause why the connection ended
     */
    void end(Throwable cause) {
        if (!markDone()) {
            return;
        }
        if ((state & PENDING) != 0 && conn.driver().inLoop()) {
            dropPending(); // parked, so the driver owns it: this is the driver
        }
        Subscription s = upstream;
        if (s != null) {
            s.cancel();
        }
        if (cause instanceof CancellationException) {
            handle.cancel(); // runtime shutdown: the handle ends cancelled
        } else {
            handle.resolve(null, cause);
        }
    }

    /** The handle was cancelled: stop writing, cancel the data, keep the socket open. */
    private void cancelled() {
        if (markDone()) {
            Subscription s = upstream;
            if (s != null) {
                s.cancel();
            }
            conn.handOver(SocketConnection.WRITE); // the driver drops the pending buffer and the interest
        }
    }

    /** Driver thread (the owner of a parked item): lets go of it, written or not. */
    private void dropPending() {
        T item = pending;
        if (item != null) {
            pending = null;
            pendingBytes = null;
            let(item);
        }
    }

    /** The item is done with (written, or never to be): tell its owner; what that throws is reported. */
    private void let(T item) {
        try {
            written.accept(item);
        } catch (RuntimeException e) { // a NetBuffer released twice: the caller's bug, not the stream's
            conn.scheduler.dropped().report(e);
        }
    }

    /** @return whether this call set {@code DONE}: the first end wins. Any thread. */
    private boolean markDone() {
        return ((int) STATE.getAndBitwiseOr(this, DONE) & DONE) == 0;
    }
}
