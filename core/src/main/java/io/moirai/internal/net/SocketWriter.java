package io.moirai.internal.net;

import io.moirai.internal.flow.Subscriptions;
import io.moirai.internal.task.PromiseTask;
import io.moirai.internal.util.VarHandles;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;
import java.util.function.Function;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * The output side of a {@link SocketConnection}: the subscriber {@code outbound(data)} and
 * {@code send(data)} subscribe to {@code data}, and the handle that reports how the output ended.
 * An item is written as its {@code bytes}; {@code written} is called once for each item the writer
 * received: when it was written whole, or as soon as the output ended before (an item that arrives
 * after the end included), so a pooled buffer goes back to its pool exactly once.
 *
 * <p><b>Demand.</b> The writer asks for one item at a time. How far it may run ahead of the socket is
 * its {@code ahead} bound: with 0 ({@code outbound}, whose buffers stay the caller's) it asks for the
 * next item only once every earlier one is written whole, so a caller may refill a buffer as soon as
 * the next is requested; with {@link #SEND_AHEAD} ({@code send}, whose buffers are handed over) it
 * goes on asking while it holds fewer than {@value #SEND_AHEAD} unwritten bytes and fewer than
 * {@value #GATHER} items, so what piles up while the socket is full goes out in one gathering write.
 * Either way a connection holds a bounded amount of output, whatever the peer does.
 *
 * <p><b>Protocol.</b> One party at a time owns the output, whoever wins the work-in-progress counter
 * {@code wip} in {@link #drain()}: the source's thread after {@code onNext}, {@code onSubscribe} or
 * {@code onComplete}; the driver on write readiness; any thread that ends or cancels the output. The
 * owner takes the item handed over in {@code arrived} (there is at most one: the next is requested
 * only after it is taken), writes what it holds while the socket takes it, requests the next item,
 * and when the socket is full sets {@code BLOCKED} and turns write interest on (through the driver if
 * it is not the driver); {@link #writeReady()} clears {@code BLOCKED} and drains again. A write that
 * takes less than offered means the socket's buffer is full, so the owner waits for readiness rather
 * than spend a system call to hear so. The items held, their byte buffers and the demand flag are
 * owner-only fields, ordered between owners by {@code wip}.
 *
 * <p>{@code state} bits: {@code COMPLETE} (the source completed: the owner that finds nothing left to
 * write shuts the output down, FIN, and completes the handle), {@code BLOCKED} (waiting for write
 * readiness) and {@code DONE}, set once by the first of success, failure, cancel or close; after it
 * nothing is written or requested, and the owner lets go of everything held.
 *
 * <p>Threads: the {@code Subscriber} methods on the source's thread (serially, §1.3);
 * {@link #writeReady()} on the driver thread; {@link #end} and the handle's {@code cancel} from any
 * thread.
 */
final class SocketWriter<T> implements Subscriber<T> {

    /** The most unwritten bytes {@code send} holds before it stops asking for more: 128 KiB. */
    static final int SEND_AHEAD = 128 * 1024;

    /** The most items held, and so written by one gathering write. */
    static final int GATHER = 16;

    private static final int COMPLETE = 1;
    private static final int BLOCKED = 2;
    private static final int DONE = 4;
    private static final VarHandle STATE = VarHandles.field(MethodHandles.lookup(), "state", int.class);
    private static final VarHandle WIP = VarHandles.field(MethodHandles.lookup(), "wip", int.class);

    private final SocketConnection conn;
    private final Function<T, ByteBuffer> bytes;
    private final Consumer<T> written;
    private final int ahead;
    private final String name;
    /** How the output ended: resolved once {@code DONE} is set. */
    private final PromiseTask<Void> handle;
    private volatile Subscription upstream;
    /** The item delivered and not yet taken by an owner; its bytes in {@code arrivedBytes}. */
    private volatile T arrived;
    /** Written by the source before {@code arrived}, read by the owner after it. */
    private ByteBuffer arrivedBytes;
    /** Owner-only: the items held, oldest first, and their bytes as far as written. */
    private final Object[] held = new Object[GATHER];
    private final ByteBuffer[] heldBytes = new ByteBuffer[GATHER];
    /** Owner-only: how many items are held, and their unwritten bytes. */
    private int count;
    private long unwritten;
    /** Owner-only: an item was requested and has not been taken yet. */
    private boolean requested;
    @SuppressWarnings("unused") private volatile int state; // accessed through STATE
    @SuppressWarnings("unused") private volatile int wip; // accessed through WIP

    private SocketWriter(SocketConnection conn, Function<T, ByteBuffer> bytes, Consumer<T> written, int ahead,
            String name) {
        this.conn = conn;
        this.bytes = bytes;
        this.written = written;
        this.ahead = ahead;
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
     * @param ahead the most unwritten bytes held before asking for more (0: ask once all is written)
     * @param name the public method, for messages
     * @return the output's handle
     * @param <T> the item type
     */
    static <T> PromiseTask<Void> subscribeTo(SocketConnection conn, Publisher<T> data, Function<T, ByteBuffer> bytes,
            Consumer<T> written, int ahead, String name) {
        SocketWriter<T> out = new SocketWriter<>(conn, bytes, written, ahead, name);
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
        drain(); // the owner asks for the first item
    }

    @Override
    public void onNext(T item) {
        if (item == null) {
            throw sourceViolated("onNext(null)");
        }
        if (arrived != null) { // the one item asked for was not taken yet
            let(item);
            upstream.cancel();
            sourceFailed(new IllegalStateException("§1.1 violated: " + name + " received more items than it requested"));
            return;
        }
        ByteBuffer b = null;
        if ((state & DONE) == 0) {
            try {
                b = bytes.apply(item);
            } catch (RuntimeException unusable) { // a NetBuffer released before it was sent
                let(item);
                upstream.cancel();
                sourceFailed(unusable);
                return;
            }
        }
        arrivedBytes = b;
        arrived = item;
        drain();
    }

    @Override
    public void onError(Throwable t) {
        if (t == null) {
            throw sourceViolated("onError(null)");
        }
        sourceFailed(t);
    }

    @Override
    public void onComplete() {
        STATE.getAndBitwiseOr(this, COMPLETE);
        drain();
    }

    /** Driver thread: the socket can take more, or the output changed state. */
    void writeReady() {
        STATE.getAndBitwiseAnd(this, ~BLOCKED);
        drain();
        conn.writeInterest((state & (BLOCKED | DONE)) == BLOCKED);
    }

    /**
     * Makes progress as the owner, or leaves it to the owner that is at work: a call made while
     * another runs makes that one go round once more, so every change is seen. Any thread.
     */
    private void drain() {
        if ((int) WIP.getAndAdd(this, 1) != 0) {
            return;
        }
        int missed = 1;
        do {
            while (step()) {
                // an item came in at once, or the socket took everything: go on
            }
            missed = (int) WIP.getAndAdd(this, -missed) - missed;
        } while (missed != 0);
    }

    /** One pass of the owner; true if it should go round again at once. */
    private boolean step() {
        int s = state; // before arrived: an item delivered before onComplete is then seen (§1.3 order)
        T item = arrived;
        if (item != null) {
            hold(item);
        }
        if ((s & DONE) != 0) {
            letGoOfHeld();
            return false;
        }
        if ((s & BLOCKED) == 0 && count > 0 && !writeHeld()) {
            return false; // failed, or the socket is full: write readiness calls again
        }
        if (count == 0 && (s & COMPLETE) != 0) {
            finish();
            return false;
        }
        Subscription up = upstream;
        if (up != null && !requested && (s & COMPLETE) == 0 && count < GATHER
                && (count == 0 || unwritten < ahead)) {
            requested = true;
            up.request(1L); // may deliver at once: then go round again
            return arrived != null;
        }
        return false;
    }

    private void hold(T item) {
        ByteBuffer b = arrivedBytes;
        arrivedBytes = null;
        arrived = null;
        requested = false;
        if (b == null) { // arrived after the end: it will never be written
            let(item);
            return;
        }
        held[count] = item;
        heldBytes[count] = b;
        count++;
        unwritten += b.remaining();
    }

    /**
     * Owner: writes what is held, with one gathering write when there is more than one item, and
     * lets go of what went out whole.
     *
     * @return true if everything went out; false if the socket is full (now {@code BLOCKED}) or the
     *     connection failed
     */
    private boolean writeHeld() {
        long n;
        try {
            n = conn.channelWrite(heldBytes, count);
        } catch (IOException e) {
            conn.closeWith(e);
            end(e);
            return false;
        }
        unwritten -= n;
        int done = 0;
        while (done < count && !heldBytes[done].hasRemaining()) {
            @SuppressWarnings("unchecked") T item = (T) held[done];
            held[done] = null;
            heldBytes[done] = null;
            done++;
            let(item);
        }
        if (done > 0) {
            int left = count - done;
            System.arraycopy(held, done, held, 0, left);
            System.arraycopy(heldBytes, done, heldBytes, 0, left);
            Arrays.fill(held, left, count, null);
            Arrays.fill(heldBytes, left, count, null);
            count = left;
        }
        if (count == 0) {
            return true;
        }
        STATE.getAndBitwiseOr(this, BLOCKED);
        if (conn.driver().inLoop()) {
            conn.writeInterest(true);
        } else {
            conn.handOver(SocketConnection.WRITE);
        }
        return false;
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

    /** Owner: everything is written and the source completed. */
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
        drain(); // let go of what is held
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
        Subscription s = upstream;
        if (s != null) {
            s.cancel();
        }
        if (cause instanceof CancellationException) {
            handle.cancel(); // runtime shutdown: the handle ends cancelled
        } else {
            handle.resolve(null, cause);
        }
        drain(); // let go of what is held
    }

    /** The handle was cancelled: stop writing, cancel the data, keep the socket open. */
    private void cancelled() {
        if (markDone()) {
            Subscription s = upstream;
            if (s != null) {
                s.cancel();
            }
            drain(); // let go of what is held
            if ((state & BLOCKED) != 0) {
                conn.handOver(SocketConnection.WRITE); // the driver turns write interest off
            }
        }
    }

    /** Owner, once {@code DONE}: lets go of every item held, none of which will be written. */
    private void letGoOfHeld() {
        for (int i = 0; i < count; i++) {
            @SuppressWarnings("unchecked") T item = (T) held[i];
            held[i] = null;
            heldBytes[i] = null;
            let(item);
        }
        count = 0;
        unwritten = 0;
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
