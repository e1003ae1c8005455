package io.moirai.internal.stream;

import io.moirai.internal.flow.Demand;
import io.moirai.internal.flow.Subscriptions;
import io.moirai.internal.runtime.RuntimeCore;
import io.moirai.internal.util.VarHandles;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CancellationException;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * A bounded channel: many producers, one subscriber, delivery on the compute workers. The sending
 * side and the state machine both sides share are in {@link ChannelSenders}; this class is the
 * receiving side: the one subscription (§2.5 for a second subscriber), demand (§3.9 for a bad
 * {@code request}), and the drain that delivers, moves waiting sends in as room frees, asks the
 * feeding source for more, and ends the stream.
 *
 * <p><b>Threads.</b> Producers ({@code trySend}, {@code send}, {@code close}, {@code fail}, the
 * feeding subscriber's signals) from any thread; {@code request}/{@code cancel} from any thread;
 * everything the subscriber sees comes from the drain ({@link SerialDrain}), on a compute worker.
 *
 * @param <T> the item type
 */
public final class ChannelCore<T> extends ChannelSenders<T> implements Publisher<T>, Subscription {

    private static final VarHandle REQUESTED = VarHandles.field(MethodHandles.lookup(), "requested", long.class);
    private static final VarHandle SUBSCRIBER = VarHandles.field(MethodHandles.lookup(), "subscriber", Subscriber.class);
    /** Takes the subscriber's place once it was signalled for the last time (§3.13), keeping the slot taken. */
    private static final Subscriber<Object> GONE = new Subscriber<>() {
        @Override
        public void onSubscribe(Subscription s) {}

        @Override
        public void onNext(Object item) {}

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onComplete() {}
    };

    @SuppressWarnings("unused") private volatile Subscriber<? super T> subscriber;
    /** {@code onSubscribe} returned: the drain may signal. */
    private volatile boolean attached;
    @SuppressWarnings("unused") private volatile long requested;
    private volatile Throwable invalidRequest;

    /**
     * @param runtime the runtime whose workers deliver
     * @param capacity the buffer size, at least 1
     * @throws java.util.concurrent.RejectedExecutionException if the runtime is shut down
     */
    public ChannelCore(RuntimeCore runtime, int capacity) {
        super(runtime, capacity);
        register();
    }

    // ------------------------------------------------------------------ the receiver

    @Override
    public void subscribe(Subscriber<? super T> s) {
        Subscriptions.requireSubscriber(s);
        if (!SUBSCRIBER.compareAndSet(this, null, s)) {
            Subscriptions.rejectSecondSubscriber(s, "Channel.receiver()");
            return;
        }
        try {
            s.onSubscribe(this);
        } catch (Throwable t) {
            scheduler.dropped().report(t); // §2.13: a throwing subscriber is treated as cancelled
            cancel();
        }
        attached = true;
        signal(); // an ended or closed-and-empty channel terminates without demand
    }

    @Override
    public void request(long n) {
        if (!Demand.isValid(n)) {
            invalidRequest = Demand.invalidRequest(n); // §3.9
            cancelInternal();
            return;
        }
        if (Demand.add(REQUESTED, this, n) == 0L) {
            signal();
        }
    }

    @Override
    public void cancel() {
        cancelInternal();
    }

    private void cancelInternal() {
        for (;;) {
            int s = state;
            if ((s & (CANCELLED | TERMINATED)) != 0) {
                return;
            }
            if (STATE.compareAndSet(this, s, s | CANCELLED)) {
                signal();
                return;
            }
        }
    }

    @Override
    void shutDown() {
        shutDown = true;
        cancelInternal();
    }

    @Override
    boolean abort(Throwable error) {
        endError = error; // volatile: read by notOpen and tellSubscriber after the state change below
        for (;;) {
            int s = state;
            if ((s & TERMINATED) != 0) {
                return false; // it had ended: nobody left to tell
            }
            if ((s & CANCELLED) != 0 || STATE.compareAndSet(this, s, s | CANCELLED)) {
                return releaseAll();
            }
        }
    }

    // ------------------------------------------------------------------ the drain

    @Override
    boolean drain(int budget) {
        drainThread = Thread.currentThread();
        try {
            return drainTurn(budget);
        } finally {
            drainThread = null;
        }
    }

    private boolean drainTurn(int budget) {
        int left = budget;
        for (;;) {
            int st = state;
            if ((st & TERMINATED) != 0) {
                if ((st & CANCELLED) != 0) {
                    tellSubscriber(); // one that subscribed after a shutdown ended the channel
                }
                return false;
            }
            if ((st & CANCELLED) != 0) {
                releaseAll();
                return false;
            }
            buffer.moveWaiters();
            ChannelFeeder<T> fed = feeder;
            if (fed != null) {
                fed.replenish(); // the feeding source may fill what the buffer can hold
            }
            if (!attached) {
                return false; // nobody to deliver to yet: the buffer holds the items
            }
            @SuppressWarnings("unchecked")
            Subscriber<? super T> s = (Subscriber<? super T>) SUBSCRIBER.getVolatile(this);
            long r = requested;
            long e = 0L;
            while (e != left) {
                if (e == r) {
                    r = requested;
                    if (e == r) {
                        break;
                    }
                }
                T item = buffer.poll();
                if (item == null && fed != null) {
                    item = fed.poll();
                }
                if (item == null) {
                    if (!buffer.hasWaiters() || buffer.moveWaiters() == 0) {
                        break;
                    }
                    continue;
                }
                e++;
                try {
                    s.onNext(item);
                } catch (Throwable t) {
                    scheduler.dropped().report(t); // §2.13: the subscriber is broken, cancel for it
                    cancelInternal();
                    releaseAll();
                    return false;
                }
                if (buffer.hasWaiters()) {
                    buffer.moveWaiters(); // a slot was freed: let a waiting send in, in order
                }
                if ((state & CANCELLED) != 0) {
                    break;
                }
            }
            if (e != 0L) {
                Demand.produced(REQUESTED, this, e);
                if (fed != null || (fed = feeder) != null) {
                    fed.replenish();
                }
                left -= (int) e;
                if (left == 0) {
                    return true; // budget used: yield the worker, the next turn goes on
                }
            }
            st = state;
            if ((st & (CLOSED | CANCELLED)) == CLOSED && !buffer.hasWaiters() && buffer.isEmpty()
                    && (fed == null || fed.size() == 0)) {
                if (STATE.compareAndSet(this, st, st | TERMINATED)) {
                    complete(s);
                    return false;
                }
                continue; // a late producer bumped the state: look again
            }
            if (e == 0L) {
                return false;
            }
        }
    }

    @Override
    boolean hasWork() {
        int st = state;
        if ((st & TERMINATED) != 0) {
            // a subscriber that attached while the channel was ending (cancelled, aborted, shut down)
            // is told by a turn (drainTurn); its subscribe may have signalled while the ending turn
            // still held the drain, so that turn must see it here before letting go (Dekker with
            // attached = true then signal())
            return (st & CANCELLED) != 0 && attached && SUBSCRIBER.getVolatile(this) != GONE;
        }
        if ((st & CANCELLED) != 0) {
            return true;
        }
        if (buffer.canMoveWaiter()) {
            return true; // a waiting send can move in
        }
        ChannelFeeder<T> f = feeder;
        if (f != null && f.wantsRequest()) {
            return true; // the feeding source can be asked for more (its first request, too)
        }
        if (!attached) {
            return false;
        }
        if (!buffer.isEmpty() || f != null && f.size() != 0) {
            return requested != 0L;
        }
        // closed and empty: the stream can end (a sender still between counting and offering signals itself)
        return (st & CLOSED) != 0 && !buffer.hasWaiters();
    }

    private void complete(Subscriber<? super T> s) {
        unregister();
        ChannelFeeder<T> f = feeder;
        if (f != null) {
            f.cancelUpstream(); // closed by another producer: the feeding source is no longer wanted
        }
        SUBSCRIBER.setVolatile(this, GONE); // §3.13: drop the reference
        terminate(s, failure);
    }

    /**
     * Cancelled, shut down or aborted: drop the buffer, end every waiting send, tell the subscriber if
     * needed.
     *
     * @return whether the subscriber was told an error
     */
    private boolean releaseAll() {
        for (;;) {
            int st = state;
            if ((st & TERMINATED) != 0) {
                return false;
            }
            if (STATE.compareAndSet(this, st, st | TERMINATED)) {
                break;
            }
        }
        unregister();
        buffer.release(notOpen(CANCELLED), shutDown);
        ChannelFeeder<T> f = feeder;
        if (f != null) {
            f.clear(); // the drain is the consumer: it may clear
            f.cancelUpstream();
        }
        return tellSubscriber();
    }

    /**
     * The channel was cancelled or shut down: an attached subscriber that was not told yet hears the
     * reason, if there is one to tell, and its reference is dropped (§3.13). Drain thread.
     *
     * @return whether it was told an error
     */
    private boolean tellSubscriber() {
        if (!attached) {
            return false; // a subscriber arriving later is told by the turn its subscribe signals
        }
        @SuppressWarnings("unchecked")
        Subscriber<? super T> s = (Subscriber<? super T>) SUBSCRIBER.getAndSet(this, GONE); // §3.13
        if (s == null || s == GONE) {
            return false;
        }
        Throwable invalid = invalidRequest;
        Throwable broken = endError;
        Throwable error = invalid != null ? invalid
                : broken != null ? broken
                : shutDown ? new CancellationException("the Moirai runtime shut down") : null;
        if (error != null) {
            terminate(s, error); // §3.9, a broken turn or shutdown; a plain cancel signals nothing (§3.7)
            return true;
        }
        return false;
    }

    @Override
    public String toString() {
        int st = state;
        return "Channel[capacity " + capacity + ", buffered " + buffer.size() + ", waiting sends " + buffer.waiting()
                + ((st & CLOSED) != 0 ? ", closed" : "") + ((st & CANCELLED) != 0 ? ", cancelled" : "") + "]";
    }
}
