package io.moirai.rxjava3.internal;

import io.moirai.internal.flow.ForwardingSubscriber;
import io.reactivex.rxjava3.core.FlowableSubscriber;
import org.reactivestreams.Subscriber;

/**
 * A channel's feeding subscriber ({@code Channel.asSubscriber()}) as an RxJava
 * {@link FlowableSubscriber}. RxJava wraps any other subscriber in a {@code StrictSubscriber}, which
 * guards every signal with atomic operations to enforce rules the channel's subscriber already keeps
 * itself (it checks §2.13, cancels a second subscription per §2.5 and requests only positive amounts,
 * §3.9); RxJava's own operators signal serially (§1.3). So this view forwards each signal as it comes
 * (core's {@code ForwardingSubscriber}).
 *
 * <p>Threads: signals come from the upstream operator, one at a time (§1.3).
 *
 * @param <T> the item type
 */
public final class ChannelFeed<T> extends ForwardingSubscriber<T> implements FlowableSubscriber<T> {

    /** @param feeder the channel's {@code asSubscriber()} */
    public ChannelFeed(Subscriber<T> feeder) {
        super(feeder);
    }
}
