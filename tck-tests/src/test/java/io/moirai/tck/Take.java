package io.moirai.tck;

import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * The first {@code limit} elements of an infinite source, for the TCK classes whose publisher never
 * completes by itself ({@link io.moirai.Moirai#interval}). The wrapper is kept as thin as possible so
 * that the TCK still verifies the source and not this class:
 * <ul>
 *   <li>{@code subscribe(null)} goes to the source unchanged, so the source's own §1.9 check answers;</li>
 *   <li>{@code request(n)} and {@code cancel()} go to the source's subscription unchanged, including
 *       invalid demand (the source must signal §3.9) and demand up to and above
 *       {@code Long.MAX_VALUE} (§3.17);</li>
 *   <li>{@code onSubscribe}, {@code onNext}, {@code onError} are passed on, on the source's thread;</li>
 *   <li>its only own behaviour: on the {@code limit}-th element it cancels the source, passes the
 *       element on and signals {@code onComplete} (with {@code limit == 0}: cancels the source at
 *       once, then {@code onSubscribe} and {@code onComplete}). Later source signals are dropped,
 *       as §1.8 permits a cancelled source to send a few.</li>
 * </ul>
 *
 * <p>Threads: as the source. The per-subscriber counters are touched only by the source's signals,
 * which §1.3 makes serial, so they need no synchronization of their own.
 *
 * @param <T> the element type
 */
final class Take<T> implements Publisher<T> {

    private final Publisher<T> source;
    private final long limit;

    /**
     * @param source the infinite source
     * @param limit how many elements to pass on before completing, at least 0
     */
    Take(Publisher<T> source, long limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative, got " + limit);
        }
        this.source = source;
        this.limit = limit;
    }

    @Override
    public void subscribe(Subscriber<? super T> subscriber) {
        if (subscriber == null) {
            // §1.9: the source must throw the NullPointerException itself; the TCK checks that it does
            source.subscribe(null);
            return;
        }
        source.subscribe(new TakeSubscriber<>(subscriber, limit));
    }

    @Override
    public String toString() {
        return "Take[" + limit + " of " + source + "]";
    }

    private static final class TakeSubscriber<T> implements Subscriber<T>, Subscription {
        private final Subscriber<? super T> downstream;
        /** Elements still to pass on; written only by the source's (serial) signals. */
        private long remaining;
        /** Set once this subscriber has signalled a terminal event; only the source's signals touch it. */
        private boolean done;
        /** The source's subscription; volatile because the downstream may request from any thread. */
        private volatile Subscription upstream;

        TakeSubscriber(Subscriber<? super T> downstream, long limit) {
            this.downstream = downstream;
            this.remaining = limit;
        }

        @Override
        public void onSubscribe(Subscription subscription) {
            upstream = subscription;
            if (remaining == 0) {
                done = true;
                subscription.cancel();
                downstream.onSubscribe(this);
                downstream.onComplete();
                return;
            }
            downstream.onSubscribe(this);
        }

        @Override
        public void onNext(T item) {
            if (done) {
                return;
            }
            if (--remaining == 0) {
                done = true;
                upstream.cancel();
                downstream.onNext(item);
                downstream.onComplete();
                return;
            }
            downstream.onNext(item);
        }

        @Override
        public void onError(Throwable error) {
            if (!done) {
                done = true;
                downstream.onError(error);
            }
        }

        @Override
        public void onComplete() {
            if (!done) {
                done = true;
                downstream.onComplete();
            }
        }

        @Override
        public void request(long n) {
            upstream.request(n);
        }

        @Override
        public void cancel() {
            upstream.cancel();
        }
    }
}
