package io.moirai.internal.io;

import io.moirai.internal.util.DroppedErrors;
import io.moirai.internal.util.VarHandles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The readiness half of an {@link IoDriver}: the {@link Selector} its channels are registered with,
 * the selection that finds ready keys and hands each to its {@link IoHandler}, the count of
 * registered channels, and the direct buffer handlers read into. The poller knows nothing of
 * commands, timers or sleeping: its driver decides when to poll and for how long, and when a poll
 * must be cut short ({@link #wakeup()}).
 *
 * <p><b>Waking.</b> A blocking {@link #poll} tells the driver it is awake again exactly once, through
 * the {@code woken} callback: just before the first ready key is handled, or when the selection
 * returns with none. From that moment the driver treats itself as running, so producers stop paying
 * for {@code Selector.wakeup()} while the keys are being handled.
 *
 * <p><b>Threads.</b>
 * <ul>
 *   <li>Any thread: {@link #wakeup()}, {@link #registrations()}.
 *   <li>The driver's loop thread only: {@link #register}, {@link #deregister}, {@link #selectNow},
 *       {@link #poll}, {@link #readBuffer}, {@link #shutdownHandlers}, {@link #close}; the handlers'
 *       {@code ready} and {@code failed} are called there.
 * </ul>
 */
final class SelectorPoller {

    private static final VarHandle REGISTRATIONS = VarHandles.field(MethodHandles.lookup(), "registrations", int.class);

    private final Selector selector;
    private final DroppedErrors dropped;
    private final Runnable woken;
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(ReadBufferPool.BUFFER_SIZE); // one read's worth, as a pooled buffer
    private final Consumer<SelectionKey> dispatcher = this::dispatch;

    /** Loop thread writes (opaque), any thread reads. */
    @SuppressWarnings("unused") // accessed through REGISTRATIONS
    private volatile int registrations;
    /** Loop thread only: true from the start of a blocking poll until {@code woken} has run. */
    private boolean asleep;

    /**
     * Opens the selector.
     *
     * @param name the driver's name, for the error message
     * @param dropped where errors that reach no subscriber go
     * @param woken run on the loop thread once per blocking {@link #poll}, as described above
     * @throws UncheckedIOException if the selector cannot be opened
     */
    SelectorPoller(String name, DroppedErrors dropped, Runnable woken) {
        this.dropped = dropped;
        this.woken = woken;
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector for " + name, e);
        }
    }

    // ------------------------------------------------------------------ any thread

    /** Makes a blocking {@link #poll} return now, or the next one return at once. Any thread. */
    void wakeup() {
        selector.wakeup();
    }

    /** @return channels registered and not yet deregistered (a snapshot). Any thread. */
    int registrations() {
        return (int) REGISTRATIONS.getOpaque(this);
    }

    // ------------------------------------------------------------------ loop thread

    /** Loop thread; see {@link IoDriver#register}. */
    SelectionKey register(SelectableChannel channel, int ops, IoHandler handler) throws ClosedChannelException {
        SelectionKey k = channel.register(selector, ops, handler);
        REGISTRATIONS.setOpaque(this, (int) REGISTRATIONS.getOpaque(this) + 1);
        return k;
    }

    /** Loop thread; see {@link IoDriver#deregister}. */
    void deregister(SelectionKey k) {
        k.cancel();
        REGISTRATIONS.setOpaque(this, (int) REGISTRATIONS.getOpaque(this) - 1);
    }

    /** @return the direct read buffer, which a handler clears before use. Loop thread. */
    ByteBuffer readBuffer() {
        return readBuffer;
    }

    /**
     * Handles the keys that are ready now, without blocking. Being a selection operation, it also
     * makes the selector forget the keys cancelled so far. Loop thread.
     *
     * @throws IOException if the selector failed
     */
    void selectNow() throws IOException {
        selector.selectNow(dispatcher);
    }

    /**
     * Blocks until a key is ready, {@link #wakeup()} is called or the timeout passes, then handles
     * the ready keys; {@code woken} runs once on the way (see the class comment). Loop thread.
     *
     * @param timeoutMillis how long to block at most; 0 for no limit
     * @throws IOException if the selector failed
     */
    void poll(long timeoutMillis) throws IOException {
        asleep = true;
        if (timeoutMillis == 0L) {
            selector.select(dispatcher);
        } else {
            selector.select(dispatcher, timeoutMillis);
        }
        awake();
    }

    private void awake() {
        if (asleep) {
            asleep = false;
            woken.run();
        }
    }

    private void dispatch(SelectionKey k) {
        awake();
        IoHandler h = (IoHandler) k.attachment();
        int ops;
        try {
            ops = k.readyOps();
        } catch (CancelledKeyException closed) {
            return; // cancelled by another thread after the selection saw it ready: nothing to hand over
        }
        try {
            h.ready(ops);
        } catch (Throwable t) {
            try {
                h.failed(t);
            } catch (Throwable t2) {
                t.addSuppressed(t2);
                dropped.report(t);
            }
        }
    }

    /**
     * Shuts down every handler still registered (their keys may be cancelled already), each with
     * {@code cause}. Loop thread, while the driver stops.
     *
     * @param cause what the handlers end their pending work with
     */
    void shutdownHandlers(Throwable cause) {
        List<IoHandler> handlers = new ArrayList<>();
        try {
            for (SelectionKey k : selector.keys()) {
                handlers.add((IoHandler) k.attachment());
            }
        } catch (RuntimeException e) {
            dropped.report(e);
        }
        for (IoHandler h : handlers) {
            try {
                h.shutdown(cause);
            } catch (Throwable t) {
                dropped.report(t);
            }
        }
    }

    /**
     * Closes the selector, which releases every channel it still held, and counts no registration
     * any more. Loop thread, last.
     */
    void close() {
        try {
            selector.close();
        } catch (IOException e) {
            dropped.report(e);
        }
        REGISTRATIONS.setOpaque(this, 0);
    }
}
