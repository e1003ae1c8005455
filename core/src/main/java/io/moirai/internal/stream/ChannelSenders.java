package io.moirai.internal.stream;

import io.moirai.internal.runtime.RuntimeCore;
import io.moirai.internal.task.SendTask;
import io.moirai.internal.util.VarHandles;
import io.moirai.task.TaskHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import org.reactivestreams.Subscriber;

/**
 * The sending side of a bounded channel and the state both sides share; {@link ChannelCore}, its
 * subclass, is the receiving side. What the channel holds lives in a {@link ChannelBuffer} (the items
 * sent and the sends waiting for room) and, when a publisher feeds it through {@link #asSubscriber()},
 * in that {@link ChannelFeeder}'s own queue.
 *
 * <p><b>State</b> ({@code state}, CAS only): {@code CLOSED} (close or fail: no new sends),
 * {@code CANCELLED} (the receiver cancelled, or shutdown), {@code TERMINATED} (set by the drain once,
 * when it delivered the terminal signal or released everything), and a counter in the upper bits
 * that late producers bump. A producer publishes its item (the queue's CAS, a volatile access) and
 * re-reads {@code state}; if the channel was closed meanwhile the send is <em>late</em>: it bumps the
 * counter unless {@code TERMINATED} is set. The drain reads {@code state}, checks that both buffers
 * are empty, and CASes {@code TERMINATED} from the value it read, so a late bump fails that CAS and
 * the drain looks again. A producer that finds {@code TERMINATED} knows its item was delivered
 * exactly when it is no longer in the buffer (see {@code late}). So a send reports success exactly
 * when its item is delivered, even racing with {@code close}.
 *
 * <p><b>Threads.</b> Every public method from any thread. The fields the drain alone uses are
 * documented as such.
 *
 * @param <T> the item type
 */
abstract class ChannelSenders<T> extends SerialDrain {

    static final int CLOSED = 1;
    static final int CANCELLED = 2;
    static final int TERMINATED = 4;
    private static final int LATE = 8;

    static final VarHandle STATE = VarHandles.field(MethodHandles.lookup(), "state", int.class);
    private static final VarHandle FEEDER = VarHandles.field(MethodHandles.lookup(), "feeder", ChannelFeeder.class);
    final int capacity;
    final ChannelBuffer<T> buffer;

    volatile int state;
    /** The error of {@code fail}; written before {@code CLOSED} is set, read after. */
    Throwable failure;
    /** Why the stream was cancelled from outside the subscriber: shutdown. */
    volatile boolean shutDown;
    /** Why the stream was cancelled from inside: a drain turn threw (see {@link #abort}). */
    volatile Throwable endError;

    volatile ChannelFeeder<T> feeder;

    /** The thread running a drain turn now, else null: written only by that thread (see {@link #onDrainThread}). */
    Thread drainThread;

    ChannelSenders(RuntimeCore runtime, int capacity) {
        super(runtime);
        this.capacity = capacity;
        this.buffer = new ChannelBuffer<>(scheduler, capacity);
    }

    /** @return the buffer size */
    public int capacity() {
        return capacity;
    }

    /** @return items in the buffer now, a snapshot (waiting sends not counted) */
    public int size() {
        ChannelFeeder<T> f = feeder;
        return buffer.size() + (f == null ? 0 : f.size());
    }

    // ------------------------------------------------------------------ producers

    /**
     * @param item the item, not null
     * @return {@code true} if the item was accepted (it will be delivered); {@code false} if the buffer
     *     is full, or the channel was closed while the item went in (it will not be delivered)
     * @throws IllegalStateException if the channel was closed or its receiver cancelled
     */
    public boolean trySend(T item) {
        Objects.requireNonNull(item, "item");
        int st = state;
        if (isShut(st)) {
            throw notOpen(st);
        }
        return buffer.offer(item) && afterOffer(st, item);
    }

    /**
     * @param item the item, not null
     * @return a handle that completes once the item is in the buffer, or fails with
     *     {@code IllegalStateException} if the channel was closed first
     */
    public TaskHandle<Void> send(T item) {
        Objects.requireNonNull(item, "item");
        int st = state;
        if (isShut(st)) {
            return rejected(new SendTask<>(scheduler, item), notOpen(st));
        }
        if (buffer.offer(item)) {
            // the item is in: every such send shares one completed handle (no allocation per send)
            return afterOffer(st, item) ? buffer.enqueued() : rejected(new SendTask<>(scheduler, item), notOpen(state));
        }
        SendTask<T> task = new SendTask<>(scheduler, item);
        buffer.addWaiter(task); // then the read of state below (Dekker with the drain's end)
        int now = state;
        if (now != st && isShut(now) && !late(null)) {
            // the drain ended: it never polls waiters again. If it took this one before it ended, the
            // claim below fails and the handle keeps its outcome; otherwise the send is refused
            return rejected(task, notOpen(now));
        }
        signal();
        return task;
    }

    private SendTask<T> rejected(SendTask<T> task, RuntimeException error) {
        if (task.tryClaim()) {
            task.reject(error);
        }
        return task;
    }

    /**
     * After a successful offer (to the buffer or the feeder's queue): if the channel closed meanwhile,
     * find out whether the item will be, or was, delivered (see the class documentation); then wake
     * the drain.
     *
     * @return whether the item is (or will be) delivered
     */
    boolean afterOffer(int st, T item) {
        // the offer's CAS on the producer index (or the feeder's fence) is ordered before this read
        int now = state;
        if (now != st && isShut(now) && !late(item)) {
            return false;
        }
        signal();
        return true;
    }

    /**
     * A producer raced with close. While the drain has not ended, bump the state so that its final
     * check fails and it looks again: the item will be delivered. Once it ended normally, nobody polls
     * the buffer any more: the item was delivered unless it is still there
     * ({@link ChannelBuffer#takeBackLeftover}). After a cancel nothing counts as delivered.
     *
     * @param item the item offered to the buffer, or null for a waiting send (whose claim decides)
     * @return whether the item is (or will be) delivered
     */
    private boolean late(T item) {
        for (;;) {
            int s = state;
            if ((s & CANCELLED) != 0) {
                return false;
            }
            if ((s & TERMINATED) != 0) {
                return item != null && !buffer.takeBackLeftover(item);
            }
            if (STATE.compareAndSet(this, s, s + LATE)) {
                return true;
            }
        }
    }

    /** No more sends; the subscriber receives what was sent, then {@code onComplete}. */
    public void close() {
        closeWith(null);
    }

    /**
     * No more sends; the subscriber receives what was sent, then {@code onError(error)}.
     *
     * @param error the error, not null
     */
    public void fail(Throwable error) {
        closeWith(Objects.requireNonNull(error, "error"));
    }

    /** @return whether the channel was closed or failed (no new sends), or its receiver cancelled */
    public boolean isClosed() {
        return isShut(state);
    }

    /** @return whether {@code st} takes no new sends */
    static boolean isShut(int st) {
        return (st & (CLOSED | CANCELLED)) != 0;
    }

    /** @return the state now, for a producer's {@link #afterOffer} */
    int state() {
        return state;
    }

    /** @return items in the buffer plus sends waiting, for the feeder's accounting */
    int bufferedAndWaiting() {
        return buffer.size() + buffer.waiting();
    }

    /** @return whether the calling thread runs this channel's drain turn now */
    boolean onDrainThread() {
        return drainThread == Thread.currentThread();
    }

    private void closeWith(Throwable error) {
        for (;;) {
            int s = state;
            if ((s & CLOSED) != 0) {
                return; // the first close or fail wins
            }
            failure = error; // published by the CAS below
            if (STATE.compareAndSet(this, s, s | CLOSED)) {
                signal();
                return;
            }
        }
    }

    final IllegalStateException notOpen(int st) {
        Throwable broken = endError;
        if ((st & CANCELLED) != 0 && broken != null) {
            return new IllegalStateException("the channel ended with an error: " + broken, broken);
        }
        if ((st & CANCELLED) != 0) {
            return new IllegalStateException(shutDown
                    ? "the channel ended: the Moirai runtime shut down"
                    : "the channel's receiver cancelled its subscription");
        }
        return new IllegalStateException("the channel is closed");
    }

    /** @return the one subscriber that feeds this channel with backpressure */
    @SuppressWarnings("unchecked")
    public Subscriber<T> asSubscriber() {
        ChannelFeeder<T> f = feeder;
        if (f == null) {
            ChannelFeeder<T> created = new ChannelFeeder<>(this, capacity);
            f = FEEDER.compareAndSet(this, null, created) ? created : (ChannelFeeder<T>) FEEDER.getVolatile(this);
        }
        return f;
    }
}
