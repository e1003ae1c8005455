package io.moirai.internal.stream;

import io.moirai.internal.flow.Subscriptions;
import io.moirai.internal.util.VarHandles;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import org.jctools.queues.SpscArrayQueue;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * The subscriber behind {@code Channel.asSubscriber()}: requests what the channel's buffer can take,
 * then more as the receiver drains. One subscription ever (§2.5: a second one, or one arriving after
 * the channel closed, is cancelled and reported to the dropped-error handler); its completion closes
 * the channel, its error fails it.
 *
 * <p><b>Its own queue.</b> It is a single producer (§1.3), so its items go into {@code fed}, a
 * single-producer queue that the channel's drain polls after the multi-producer buffer: its items
 * stay in order and none pays the multi-producer queue's CAS. {@code fed} holds up to the capacity:
 * the source is never asked for more than fits. An item that finds it full anyway (a source sending
 * more than it was asked for, against §1.1) fails the channel with an {@code IllegalStateException}:
 * the receiver ends with {@code onError} after what was sent before, and the source is cancelled.
 *
 * <p><b>Accounting.</b> What was requested upstream and has not arrived is
 * {@code requestedTotal - received}: {@code requestedTotal} is written only by the drain, which makes
 * every request (the first one too, at the turn {@code onSubscribe} signals), and {@code received}
 * only by {@code onNext} (serial by §1.3, a release store: no atomic read-modify-write per item). The
 * drain requests more once {@code capacity - buffered - waiting - outstanding} reaches three quarters
 * of the capacity (or the whole capacity when it is small), so requests go out in batches.
 *
 * <p><b>Wake-ups.</b> On the drain's own thread an item needs no signal: the drain polls {@code fed}
 * after the request that produced it returns. From any other thread the producer fences (its stores
 * to {@code fed} are release stores, which a later volatile read may pass) and signals, the same
 * Dekker pair as every other producer's.
 *
 * <p><b>Threads.</b> The {@code Subscriber} methods from the source, serially (§1.3);
 * {@link #replenish()}, {@link #cancelUpstream()} and {@link #poll()} from the channel's drain;
 * {@link #wantsRequest()} and {@link #size()} from any thread.
 *
 * @param <T> the item type
 */
final class ChannelFeeder<T> implements Subscriber<T> {

    private static final VarHandle RECEIVED = VarHandles.field(MethodHandles.lookup(), "received", long.class);
    private static final VarHandle UPSTREAM = VarHandles.field(MethodHandles.lookup(), "upstream", Subscription.class);

    private final ChannelSenders<T> channel;
    private final int capacity;
    /** The least batch the drain requests. */
    private final int limit;
    /** This subscriber's items: it is the only producer (§1.3), the drain the only consumer. */
    private final SpscArrayQueue<T> fed;
    private volatile Subscription upstream;
    /** Items requested upstream so far; see the class documentation for who writes it. */
    private volatile long requestedTotal;
    @SuppressWarnings("unused") private volatile long received;

    ChannelFeeder(ChannelSenders<T> channel, int capacity) {
        this.channel = channel;
        this.capacity = capacity;
        this.limit = Math.max(1, capacity - (capacity >> 2));
        this.fed = new SpscArrayQueue<>(Math.max(2, capacity));
    }

    @Override
    public void onSubscribe(Subscription s) {
        Objects.requireNonNull(s, "§2.13 violated: onSubscribe(null)");
        if (channel.isClosed()) {
            Subscriptions.refuse(s, "Channel.asSubscriber()", "belongs to a channel that is closed",
                    channel.scheduler.dropped()::report);
            return;
        }
        if (!UPSTREAM.compareAndSet(this, null, s)) {
            Subscriptions.refuse(s, "Channel.asSubscriber()", "already has a source (merge sources upstream, "
                    + "or send from each)", channel.scheduler.dropped()::report);
            return;
        }
        // the drain makes every request (so they are serial, §2.7), the first one included
        channel.signal();
    }

    @Override
    public void onNext(T item) {
        Objects.requireNonNull(item, "§2.13 violated: onNext(null)");
        int st = channel.state();
        if (ChannelSenders.isShut(st)) {
            countReceived();
            return; // closed by another producer: dropped; the drain cancels this subscription
        }
        if (!fed.offer(item)) {
            countReceived();
            // the source sent more than it was asked for: end the stream visibly, never reorder or drop
            channel.fail(new IllegalStateException(
                    "§1.1 violated: the source fed Channel.asSubscriber() more items than it requested"));
            return;
        }
        countReceived(); // after the offer: the drain reads received before fed's size (see freeToRequest)
        if (!channel.onDrainThread()) {
            VarHandle.fullFence(); // the offer, then the reads of state and scheduled (Dekker)
            channel.afterOffer(st, item);
        } // else a synchronous source answering the drain's request: the drain polls fed next
    }

    private void countReceived() {
        RECEIVED.setRelease(this, (long) RECEIVED.getOpaque(this) + 1L); // the only writer
    }

    @Override
    public void onError(Throwable t) {
        Objects.requireNonNull(t, "§2.13 violated: onError(null)");
        channel.fail(t);
    }

    @Override
    public void onComplete() {
        channel.close();
    }

    /** Drain thread. */
    T poll() {
        return fed.poll();
    }

    /** @return items fed and not yet delivered, a snapshot */
    int size() {
        return fed.size();
    }

    /** Drain thread: drops what was fed (the channel was cancelled). */
    void clear() {
        fed.clear();
    }

    /** @return whether the drain would ask upstream for more now (its first request included) */
    boolean wantsRequest() {
        return freeToRequest() >= limit;
    }

    /** Drain thread: asks upstream for what now fits. */
    void replenish() {
        long free = freeToRequest();
        if (free >= limit) {
            requestedTotal += free;
            upstream.request(free);
        }
    }

    /** @return how much upstream may be asked for now; 0 without a live subscription */
    private long freeToRequest() {
        Subscription s = upstream;
        if (s == null || s == Subscriptions.CANCELLED) {
            return 0L;
        }
        long outstanding = requestedTotal - received; // first: an item counted received is in fed already
        return (long) capacity - outstanding - fed.size() - channel.bufferedAndWaiting();
    }

    /** The channel ended: stops the source. Drain thread. */
    void cancelUpstream() {
        Subscription s = (Subscription) UPSTREAM.getAndSet(this, Subscriptions.CANCELLED);
        if (s != null && s != Subscriptions.CANCELLED) {
            Subscriptions.cancelQuietly(s, channel.scheduler.dropped()::report);
        }
    }

    @Override
    public String toString() {
        return "Channel.asSubscriber()[" + channel + "]";
    }
}
