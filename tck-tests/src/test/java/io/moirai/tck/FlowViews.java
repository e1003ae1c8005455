package io.moirai.tck;

import java.util.concurrent.Flow;
import org.reactivestreams.FlowAdapters;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;

/**
 * Gives the Flow TCK classes the {@link Flow.Publisher} a JDK {@code Flow} user of a Moirai
 * publisher gets: {@link FlowAdapters#toFlowPublisher}, and the {@link Flow.Subscriber} a
 * {@code Flow} user of a Moirai subscriber gets: {@link FlowAdapters#toFlowSubscriber}. The
 * publisher adapter is hidden behind a lambda on purpose: the Flow TCK turns every
 * {@code Flow.Publisher} back into a Reactive Streams publisher with {@link FlowAdapters#toPublisher},
 * which recognizes its own adapter and returns the original publisher, so a bare
 * {@code toFlowPublisher(p)} would make the Flow verification a re-run of the Reactive Streams one.
 * Behind the lambda, the TCK's subscribers reach the Moirai publisher as a {@code Flow.Subscriber}
 * adapted to a Reactive Streams subscriber, as a {@code Flow} user's do. Subscribers are hidden the
 * same way, behind a delegating class ({@link #flowSubscriberView}): the Flow TCK turns every
 * {@code Flow.Subscriber} back with {@link FlowAdapters#toSubscriber}, which would unwrap a bare
 * {@code toFlowSubscriber(s)}; behind the delegate, the Moirai subscriber receives the TCK's
 * subscriptions through both adapters, as it would from a {@code Flow.Publisher}.
 *
 * <p>Threads: stateless; safe from any thread.
 */
final class FlowViews {

    private FlowViews() {}

    /**
     * @param publisher the Moirai publisher (or a TCK wrapper of one)
     * @param <T> the element type
     * @return its {@code Flow} view, opaque to {@link FlowAdapters#toPublisher}
     */
    static <T> Flow.Publisher<T> flowView(Publisher<T> publisher) {
        Flow.Publisher<T> adapted = FlowAdapters.toFlowPublisher(publisher);
        return adapted::subscribe;
    }

    /**
     * @param subscriber the Moirai subscriber
     * @param <T> the element type
     * @return its {@code Flow} view, opaque to {@link FlowAdapters#toSubscriber}: every signal,
     *     including a {@code null} argument (§2.13), goes through {@link FlowAdapters#toFlowSubscriber}
     *     to {@code subscriber}
     */
    static <T> Flow.Subscriber<T> flowSubscriberView(Subscriber<T> subscriber) {
        Flow.Subscriber<T> adapted = FlowAdapters.toFlowSubscriber(subscriber);
        return new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                adapted.onSubscribe(subscription);
            }

            @Override
            public void onNext(T item) {
                adapted.onNext(item);
            }

            @Override
            public void onError(Throwable error) {
                adapted.onError(error);
            }

            @Override
            public void onComplete() {
                adapted.onComplete();
            }

            @Override
            public String toString() {
                return "FlowView[" + subscriber + "]";
            }
        };
    }
}
