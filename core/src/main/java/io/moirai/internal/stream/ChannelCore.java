package io.moirai.internal.stream;

import io.moirai.internal.flow.Demand;
import io.moirai.internal.flow.Subscriptions;
import io.moirai.internal.runtime.RuntimeCore;
import io.moirai.internal.task.SendTask;
import io.moirai.internal.util.VarHandles;
import io.moirai.task.TaskHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import org.jctools.queues.MpscArrayQueue;
import org.jctools.queues.MpscLinkedQueue;
import org.jctools.queues.SpscArrayQueue;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * A bounded channel: many producers, one subscriber, delivery on the compute workers.
 *
 * <p><b>Buffers.</b> {@code queue}, a JCTools {@link MpscArrayQueue} filled only up to
 * {@code capacity} ({@code offerIfBelowThreshold}), holds what was sent; {@code waiters}, a JCTools
 * {@link MpscLinkedQueue} of {@link SendTask}s, holds the {@code send}s that found it full, each with
 * its item; {@code waiting} counts them (incremented before the offer, so {@code waiting == 0} means
 * none is pending). While any send waits, {@code trySend} and fast-path {@code send} step aside
 * ({@code waiting != 0}), so a producer's items keep their order. The drain moves waiters into the
 * queue as the subscriber frees space, claiming each first (a cancelled send is skipped; a claimed one
 * can no longer be cancelled).
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
 * <p><b>The feeding subscriber</b> ({@link #asSubscriber()}) is a single producer (§1.3), so its items
 * go into a single-producer queue of their own, {@code Feeder.fed}, which the drain polls after
 * {@code queue}: its own items stay in order, and no item of it pays the multi-producer queue's CAS.
 * When the feeding source emits on the drain's own thread (a synchronous source answering the
 * drain's {@code request}, the common case once the first batch has gone), an item costs two plain
 * stores: the drain looks at the queue once the request returns, so no signal is needed either.
 *
 * <p><b>Threads.</b> Producers ({@code trySend}, {@code send}, {@code close}, {@code fail}, the
 * feeding subscriber's signals) from any thread; {@code request}/{@code cancel} from any thread;
 * everything the subscriber sees comes from the drain ({@link SerialDrain}), on a compute worker.
 *
 * @param <T> the item type
 */
public final class ChannelCore<T> extends SerialDrain implements Publisher<T>, Subscription {

    private static final int CLOSED = 1;
    private static final int CANCELLED = 2;
    private static final int TERMINATED = 4;
    private static final int LATE = 8;

    private static final VarHandle STATE = VarHandles.field(MethodHandles.lookup(), "state", int.class);
    private static final VarHandle WAITING = VarHandles.field(MethodHandles.lookup(), "waiting", int.class);
    private static final VarHandle REQUESTED = VarHandles.field(MethodHandles.lookup(), "requested", long.class);
    private static final VarHandle SUBSCRIBER = VarHandles.field(MethodHandles.lookup(), "subscriber", Subscriber.class);
    private static final VarHandle FEEDER = VarHandles.field(MethodHandles.lookup(), "feeder", ChannelCore.Feeder.class);
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

    private final int capacity;
    private final MpscArrayQueue<T> queue;
    private final MpscLinkedQueue<SendTask<T>> waiters = new MpscLinkedQueue<>();

    @SuppressWarnings("unused") private volatile int state;
    @SuppressWarnings("unused") private volatile int waiting;
    /** The error of {@code fail}; written before {@code CLOSED} is set, read after. */
    private Throwable failure;
    /** Why the stream was cancelled from outside the subscriber: shutdown. */
    private volatile boolean shutDown;
    /** Why the stream was cancelled from inside: a drain turn threw (see {@link #abort}). */
    private volatile Throwable endError;

    @SuppressWarnings("unused") private volatile Subscriber<? super T> subscriber;
    /** {@code onSubscribe} returned: the drain may signal. */
    private volatile boolean attached;
    @SuppressWarnings("unused") private volatile long requested;
    private volatile Throwable invalidRequest;
    @SuppressWarnings("unused") private volatile Feeder feeder;

    /** The handle of every send that went straight into the buffer: completed once, shared. */
    private final SendTask<T> enqueued;

    // drain thread only
    private SendTask<T> stalled;
    /** The thread running a drain turn now, else null: written only by that thread (see {@code Feeder.onNext}). */
    private Thread drainThread;
    /** Items late producers found in the buffer after the drain ended (never delivered); guarded by itself. */
    private final java.util.List<T> leftovers = new java.util.ArrayList<>(0);

    /**
     * @param runtime the runtime whose workers deliver
     * @param capacity the buffer size, at least 1
     * @throws java.util.concurrent.RejectedExecutionException if the runtime is shut down
     */
    public ChannelCore(RuntimeCore runtime, int capacity) {
        super(runtime);
        this.capacity = capacity;
        this.queue = new MpscArrayQueue<>(Math.max(2, capacity));
        this.enqueued = new SendTask<>(scheduler, null);
        enqueued.tryClaim();
        enqueued.enqueued();
        register();
    }

    /** @return the buffer size */
    public int capacity() {
        return capacity;
    }

    /** @return items in the buffer now, a snapshot (waiting sends not counted) */
    public int size() {
        Feeder f = feeder;
        return queue.size() + (f == null ? 0 : f.fed.size());
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
        if ((st & (CLOSED | CANCELLED)) != 0) {
            throw notOpen(st);
        }
        if (waiting != 0 || !queue.offerIfBelowThreshold(item, capacity)) {
            return false;
        }
        return afterOffer(st, item);
    }

    /**
     * @param item the item, not null
     * @return a handle that completes once the item is in the buffer, or fails with
     *     {@code IllegalStateException} if the channel was closed first
     */
    public TaskHandle<Void> send(T item) {
        Objects.requireNonNull(item, "item");
        int st = state;
        if ((st & (CLOSED | CANCELLED)) != 0) {
            return rejected(new SendTask<>(scheduler, item), notOpen(st));
        }
        if (waiting == 0 && queue.offerIfBelowThreshold(item, capacity)) {
            // the item is in: every such send shares one completed handle (no allocation per send)
            return afterOffer(st, item) ? enqueued : rejected(new SendTask<>(scheduler, item), notOpen(state));
        }
        SendTask<T> task = new SendTask<>(scheduler, item);
        enqueueWaiter(task, st);
        return task;
    }

    /** A send that must wait for space: hand it to the drain. */
    private void enqueueWaiter(SendTask<T> task, int st) {
        WAITING.getAndAdd(this, 1);
        waiters.offer(task); // an atomic exchange: ordered before the read of state below
        int now = state;
        if (now != st && (now & (CLOSED | CANCELLED)) != 0 && !late(null)) {
            // the drain ended: it never polls waiters again. If it took this one before it ended, the
            // claim below fails and the handle keeps its outcome; otherwise the send is refused
            rejected(task, notOpen(now));
            return;
        }
        signal();
    }

    private SendTask<T> rejected(SendTask<T> task, RuntimeException error) {
        if (task.tryClaim()) {
            task.reject(error);
        }
        return task;
    }

    /**
     * After a successful offer: if the channel closed meanwhile, find out whether the item will be, or
     * was, delivered (see the class documentation); then wake the drain.
     *
     * @return whether the item is (or will be) delivered
     */
    private boolean afterOffer(int st, T item) {
        // the offer's CAS on the producer index is a volatile access: ordered before this read
        int now = state;
        if (now != st && (now & (CLOSED | CANCELLED)) != 0 && !late(item)) {
            return false;
        }
        signal();
        return true;
    }

    /**
     * A producer raced with close. While the drain has not ended, bump the state so that its final
     * check fails and it looks again: the item will be delivered. Once it ended normally, nobody polls
     * the buffer any more: the item was delivered unless it is still there, which the late producers
     * find out under {@code leftovers}' lock by moving what is left into it and taking their own item
     * back out (by identity). After a cancel nothing counts as delivered.
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
                return item != null && !takeBackLeftover(item);
            }
            if (STATE.compareAndSet(this, s, s + LATE)) {
                return true;
            }
        }
    }

    /** After a normal end: removes {@code item} from what is left in the buffer; false if it is not there. */
    private boolean takeBackLeftover(T item) {
        synchronized (leftovers) {
            for (T x; (x = queue.poll()) != null; ) { // the only consumer now: the drain has ended
                leftovers.add(x);
            }
            for (int i = 0; i < leftovers.size(); i++) {
                if (leftovers.get(i) == item) {
                    leftovers.remove(i);
                    return true;
                }
            }
            return false;
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
        return (state & (CLOSED | CANCELLED)) != 0;
    }

    private boolean closeWith(Throwable error) {
        for (;;) {
            int s = state;
            if ((s & CLOSED) != 0) {
                return false; // the first close or fail wins
            }
            failure = error; // published by the CAS below
            if (STATE.compareAndSet(this, s, s | CLOSED)) {
                signal();
                return true;
            }
        }
    }

    private IllegalStateException notOpen(int st) {
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

    // ------------------------------------------------------------------ the feeding subscriber

    /** @return the one subscriber that feeds this channel with backpressure */
    @SuppressWarnings("unchecked")
    public Subscriber<T> asSubscriber() {
        Feeder f = feeder;
        if (f == null) {
            Feeder created = new Feeder();
            f = FEEDER.compareAndSet(this, null, created) ? created : (Feeder) FEEDER.getVolatile(this);
        }
        return f;
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
            moveWaiters();
            Feeder f0 = feeder;
            if (f0 != null) {
                f0.replenish(); // the feeding source may fill what the buffer can hold
            }
            if (!attached) {
                return false; // nobody to deliver to yet: the buffer holds the items
            }
            @SuppressWarnings("unchecked")
            Subscriber<? super T> s = (Subscriber<? super T>) SUBSCRIBER.getVolatile(this);
            SpscArrayQueue<T> fed = f0 == null ? null : f0.fed;
            long r = requested;
            long e = 0L;
            while (e != left) {
                if (e == r) {
                    r = requested;
                    if (e == r) {
                        break;
                    }
                }
                T item = queue.poll();
                if (item == null && fed != null) {
                    item = fed.poll();
                }
                if (item == null) {
                    if (stalled == null && waiting == 0 || moveWaiters() == 0) {
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
                if (waiting != 0 || stalled != null) {
                    moveWaiters(); // a slot was freed: let a waiting send in, in order
                }
                if ((state & CANCELLED) != 0) {
                    break;
                }
            }
            if (e != 0L) {
                Demand.produced(REQUESTED, this, e);
                Feeder f = feeder;
                if (f != null) {
                    f.replenish();
                }
                left -= (int) e;
                if (left == 0) {
                    return true; // budget used: yield the worker, the next turn goes on
                }
            }
            st = state;
            if ((st & (CLOSED | CANCELLED)) == CLOSED && stalled == null && waiting == 0 && queue.isEmpty()
                    && (fed == null || fed.isEmpty())) {
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
            return false;
        }
        if ((st & CANCELLED) != 0) {
            return true;
        }
        boolean waiters = stalled != null || !this.waiters.isEmpty();
        if (waiters && queue.size() < capacity) {
            return true; // a waiting send can move in
        }
        Feeder f = feeder;
        if (f != null && f.freeToRequest() >= f.limit) {
            return true; // the feeding source can be asked for more (its first request, too)
        }
        if (!attached) {
            return false;
        }
        if (!queue.isEmpty() || f != null && !f.fed.isEmpty()) {
            return requested != 0L;
        }
        // closed and empty: the stream can end (a sender still between counting and offering signals itself)
        return (st & CLOSED) != 0 && !waiters && waiting == 0;
    }

    /** Moves waiting sends into the buffer while it has room. Drain thread. */
    private int moveWaiters() {
        int moved = 0;
        for (;;) {
            SendTask<T> w = stalled;
            if (w == null) {
                if (waiting == 0 || queue.size() >= capacity) {
                    return moved; // claim a waiter only when it can go in: until then it stays cancellable
                }
                w = waiters.poll();
                if (w == null) {
                    return moved; // a sender counted itself but has not offered yet; it signals after
                }
                WAITING.getAndAdd(this, -1);
                if (!w.tryClaim()) {
                    continue; // cancelled: its item is dropped, as its cancel promised
                }
            }
            if (!queue.offerIfBelowThreshold(w.item(), capacity)) {
                stalled = w; // a trySend raced us to the free slot: it goes first when space frees
                return moved;
            }
            stalled = null;
            w.enqueued();
            moved++;
        }
    }

    private void complete(Subscriber<? super T> s) {
        unregister();
        Feeder f = feeder;
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
        queue.clear();
        Feeder fd = feeder;
        if (fd != null) {
            fd.fed.clear(); // the drain is the consumer: it may clear
        }
        RuntimeException why = notOpen(CANCELLED);
        SendTask<T> claimed = stalled;
        stalled = null;
        if (claimed != null) {
            claimed.reject(why); // already claimed: it can no longer end cancelled
        }
        for (SendTask<T> w; (w = waiters.poll()) != null; ) {
            WAITING.getAndAdd(this, -1);
            if (shutDown) {
                w.cancel(); // shutdown: pending handles end cancelled
            } else if (w.tryClaim()) {
                w.reject(why);
            }
        }
        Feeder f = feeder;
        if (f != null) {
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
        return "Channel[capacity " + capacity + ", buffered " + queue.size() + ", waiting sends " + waiting
                + ((state & CLOSED) != 0 ? ", closed" : "") + ((state & CANCELLED) != 0 ? ", cancelled" : "") + "]";
    }

    // ------------------------------------------------------------------ feeding subscriber

    /**
     * The subscriber behind {@code asSubscriber()}: requests what the buffer can take, then more as
     * the receiver drains. One subscription ever (§2.5: a second one, or one arriving after the
     * channel closed, is cancelled and reported to the dropped-error handler); its completion closes
     * the channel, its error fails it.
     *
     * <p><b>Accounting.</b> What was requested upstream and has not arrived is
     * {@code requestedTotal - received}: {@code requestedTotal} is written only by the drain, which
     * makes every request (the first one too, at the turn {@code onSubscribe} signals), and
     * {@code received} only by {@code onNext} (serial by §1.3, a release store: no atomic
     * read-modify-write per item). The drain requests more once
     * {@code capacity - buffered - waiting - outstanding} reaches three
     * quarters of the capacity (or the whole capacity when it is small), so requests go out in
     * batches. Items go into {@code fed}, which holds up to the capacity: the source is never asked
     * for more than fits. An item that finds it full anyway (a source sending more than it was asked
     * for, against §1.1) fails the channel with an {@code IllegalStateException}: the receiver ends
     * with {@code onError} after what was sent before, and the source is cancelled.
     *
     * <p><b>Wake-ups.</b> On the drain's own thread ({@code drainThread}) an item needs no signal: the
     * drain polls {@code fed} after the request that produced it returns. From any other thread the
     * producer fences (its stores to {@code fed} are release stores, which a later volatile read may
     * pass) and signals, the same Dekker pair as every other producer's.
     */
    private final class Feeder implements Subscriber<T> {

        private static final VarHandle RECEIVED = VarHandles.field(MethodHandles.lookup(), "received", long.class);
        private static final VarHandle UPSTREAM = VarHandles.field(MethodHandles.lookup(), "upstream", Subscription.class);
        private volatile Subscription upstream;
        /** Items requested upstream so far; see the class documentation for who writes it. */
        private volatile long requestedTotal;
        @SuppressWarnings("unused") private volatile long received;
        final int limit = Math.max(1, capacity - (capacity >> 2));
        /** This subscriber's items: it is the only producer (§1.3), the drain the only consumer. */
        final SpscArrayQueue<T> fed = new SpscArrayQueue<>(Math.max(2, capacity));

        @Override
        public void onSubscribe(Subscription s) {
            Objects.requireNonNull(s, "§2.13 violated: onSubscribe(null)");
            if (isClosed()) {
                Subscriptions.refuse(s, "Channel.asSubscriber()", "belongs to a channel that is closed",
                        scheduler.dropped()::report);
                return;
            }
            if (!UPSTREAM.compareAndSet(this, null, s)) {
                Subscriptions.refuse(s, "Channel.asSubscriber()", "already has a source (merge sources upstream, "
                        + "or send from each)", scheduler.dropped()::report);
                return;
            }
            // the drain makes every request (so they are serial, §2.7), the first one included
            signal();
        }

        @Override
        public void onNext(T item) {
            Objects.requireNonNull(item, "§2.13 violated: onNext(null)");
            int st = state;
            if ((st & (CLOSED | CANCELLED)) != 0) {
                countReceived();
                return; // closed by another producer: dropped; the drain cancels this subscription
            }
            if (!fed.offer(item)) {
                countReceived();
                // the source sent more than it was asked for: end the stream visibly, never reorder or drop
                fail(new IllegalStateException(
                        "§1.1 violated: the source fed Channel.asSubscriber() more items than it requested"));
                return;
            }
            countReceived(); // after the offer: the drain reads received before fed's size (see freeToRequest)
            if (drainThread != Thread.currentThread()) {
                VarHandle.fullFence(); // the offer, then the reads of state and scheduled (Dekker)
                afterOffer(st, item);
            } // else a synchronous source answering the drain's request: the drain polls fed next
        }

        private void countReceived() {
            RECEIVED.setRelease(this, (long) RECEIVED.getOpaque(this) + 1L); // the only writer
        }

        @Override
        public void onError(Throwable t) {
            Objects.requireNonNull(t, "§2.13 violated: onError(null)");
            fail(t);
        }

        @Override
        public void onComplete() {
            close();
        }

        /** Drain thread: ask upstream for what now fits. */
        void replenish() {
            long free = freeToRequest();
            if (free >= limit) {
                requestedTotal += free;
                upstream.request(free);
            }
        }

        /** @return how much upstream may be asked for now; 0 without a live subscription */
        long freeToRequest() {
            Subscription s = upstream;
            if (s == null || s == Subscriptions.CANCELLED) {
                return 0L;
            }
            long outstanding = requestedTotal - received; // first: an item counted received is in fed already
            return (long) capacity - outstanding - fed.size() - queue.size() - waiting;
        }

        /** The channel ended: stop the source. Drain thread. */
        void cancelUpstream() {
            Subscription s = (Subscription) UPSTREAM.getAndSet(this, Subscriptions.CANCELLED);
            if (s != null && s != Subscriptions.CANCELLED) {
                Subscriptions.cancelQuietly(s, scheduler.dropped()::report);
            }
        }

        @Override
        public String toString() {
            return "Channel.asSubscriber()[" + ChannelCore.this + "]";
        }
    }
}
