package io.moirai.tck;

import java.util.concurrent.Flow;
import org.reactivestreams.FlowAdapters;
import org.reactivestreams.Publisher;

/**
 * Gives the Flow TCK classes the {@link Flow.Publisher} a JDK {@code Flow} user of a Moirai
 * publisher gets: {@link FlowAdapters#toFlowPublisher}. The adapter is hidden behind a lambda on
 * purpose: the Flow TCK turns every {@code Flow.Publisher} back into a Reactive Streams publisher
 * with {@link FlowAdapters#toPublisher}, which recognizes its own adapter and returns the original
 * publisher, so a bare {@code toFlowPublisher(p)} would make the Flow verification a re-run of the
 * Reactive Streams one. Behind the lambda, the TCK's subscribers reach the Moirai publisher as a
 * {@code Flow.Subscriber} adapted to a Reactive Streams subscriber, as a {@code Flow} user's do.
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
}
