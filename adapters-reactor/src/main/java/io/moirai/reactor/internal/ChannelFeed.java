package io.moirai.reactor.internal;

import io.moirai.internal.flow.ForwardingSubscriber;
import org.reactivestreams.Subscriber;
import reactor.core.CoreSubscriber;
import reactor.core.Scannable;

/**
 * A channel's feeding subscriber ({@code Channel.asSubscriber()}) as a Reactor {@link CoreSubscriber}.
 * Reactor wraps any other subscriber in a {@code StrictSubscriber}, which guards every signal with
 * atomic operations to enforce rules the channel's subscriber already keeps itself (it checks §2.13,
 * cancels a second subscription per §2.5 and requests only positive amounts, §3.9); Reactor's own
 * operators signal serially (§1.3). So this view forwards each signal as it comes (core's
 * {@code ForwardingSubscriber}).
 *
 * <p>Threads: signals come from the upstream operator, one at a time (§1.3).
 *
 * @param <T> the item type
 */
public final class ChannelFeed<T> extends ForwardingSubscriber<T> implements CoreSubscriber<T>, Scannable {

    /** @param feeder the channel's {@code asSubscriber()} */
    public ChannelFeed(Subscriber<T> feeder) {
        super(feeder);
    }

    @Override
    @SuppressWarnings("rawtypes") // Scannable.scanUnsafe takes the raw Attr
    public Object scanUnsafe(Attr key) {
        return key == Attr.RUN_STYLE ? Attr.RunStyle.SYNC : null;
    }
}
