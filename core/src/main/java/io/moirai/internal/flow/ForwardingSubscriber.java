package io.moirai.internal.flow;

import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * A subscriber that passes every signal to another one as it comes, adding nothing: the base of the
 * adapters' library-typed views of a Moirai subscriber (Reactor's {@code CoreSubscriber}, RxJava's
 * {@code FlowableSubscriber}), which those libraries call without wrapping it in their strict,
 * atomics-guarded subscriber. Only a subscriber that keeps the rules itself (§1.3, §2.5, §2.13, §3.9)
 * may be forwarded this way.
 *
 * <p>Threads: whatever the target allows; this class holds no state of its own.
 *
 * @param <T> the item type
 */
public abstract class ForwardingSubscriber<T> implements Subscriber<T> {

    private final Subscriber<T> target;

    /** @param target the subscriber that receives every signal */
    protected ForwardingSubscriber(Subscriber<T> target) {
        this.target = target;
    }

    @Override
    public final void onSubscribe(Subscription s) {
        target.onSubscribe(s);
    }

    @Override
    public final void onNext(T item) {
        target.onNext(item);
    }

    @Override
    public final void onError(Throwable t) {
        target.onError(t);
    }

    @Override
    public final void onComplete() {
        target.onComplete();
    }

    @Override
    public String toString() {
        return target.toString();
    }
}
