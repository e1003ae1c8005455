package io.moirai.reactor.internal;

import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Scannable;

/**
 * A channel's feeding subscriber ({@code Channel.asSubscriber()}) as a Reactor {@link CoreSubscriber}.
 * Reactor wraps any other subscriber in a {@code StrictSubscriber}, which guards every signal with
 * atomic operations to enforce rules the channel's subscriber already keeps itself (it checks §2.13,
 * cancels a second subscription per §2.5 and requests only positive amounts, §3.9); Reactor's own
 * operators signal serially (§1.3). So this view forwards each signal as it comes.
 *
 * <p>Threads: signals come from the upstream operator, one at a time (§1.3).
 *
 * @param <T> the item type
 */
public final class ChannelFeed<T> implements CoreSubscriber<T>, Scannable {

    private final Subscriber<T> feeder;

    /** @param feeder the channel's {@code asSubscriber()} */
    public ChannelFeed(Subscriber<T> feeder) {
        this.feeder = feeder;
    }

    @Override
    public void onSubscribe(Subscription s) {
        feeder.onSubscribe(s);
    }

    @Override
    public void onNext(T item) {
        feeder.onNext(item);
    }

    @Override
    public void onError(Throwable t) {
        feeder.onError(t);
    }

    @Override
    public void onComplete() {
        feeder.onComplete();
    }

    @Override
    public Object scanUnsafe(Attr key) {
        return key == Attr.RUN_STYLE ? Attr.RunStyle.SYNC : null;
    }

    @Override
    public String toString() {
        return feeder.toString();
    }
}
