package io.moirai.net;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * A test publisher of a fixed list of buffers (each subscriber gets duplicates, so it is multicast and
 * repeatable) that honours demand, then completes, or, when built with {@link #thenNever}, stays open
 * without completing (so an outbound stays active). Records cancellation.
 */
final class ListPublisher implements Publisher<ByteBuffer> {

    private final List<ByteBuffer> items;
    private final boolean complete;
    final CountDownLatch cancelled = new CountDownLatch(1);
    final CountDownLatch subscribed = new CountDownLatch(1);

    private ListPublisher(List<ByteBuffer> items, boolean complete) {
        this.items = items;
        this.complete = complete;
    }

    static ListPublisher of(String... texts) {
        return new ListPublisher(buffers(texts), true);
    }

    /** Emits {@code texts} on demand and then neither completes nor fails. */
    static ListPublisher thenNever(String... texts) {
        return new ListPublisher(buffers(texts), false);
    }

    private static List<ByteBuffer> buffers(String... texts) {
        return java.util.Arrays.stream(texts).map(t -> ByteBuffer.wrap(t.getBytes(StandardCharsets.UTF_8))).toList();
    }

    @Override
    public void subscribe(Subscriber<? super ByteBuffer> s) {
        Objects.requireNonNull(s, "subscriber");
        Emitter e = new Emitter(s);
        s.onSubscribe(e);
        subscribed.countDown();
        e.drain();
    }

    private final class Emitter implements Subscription {
        private final Subscriber<? super ByteBuffer> downstream;
        private final AtomicLong demand = new AtomicLong();
        private final AtomicInteger wip = new AtomicInteger();
        private volatile boolean stopped;
        private volatile long bad;
        private int index;
        private boolean done;

        Emitter(Subscriber<? super ByteBuffer> downstream) {
            this.downstream = downstream;
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                bad = n;
            } else {
                demand.accumulateAndGet(n, ByteSource::addCap);
            }
            drain();
        }

        @Override
        public void cancel() {
            stopped = true;
            cancelled.countDown();
        }

        void drain() {
            if (wip.getAndIncrement() != 0) {
                return;
            }
            int missed = 1;
            while (true) {
                if (!done && !stopped) {
                    if (bad != 0) {
                        done = true;
                        downstream.onError(new IllegalArgumentException("§3.9: request must be positive, got " + bad));
                    } else {
                        while (index < items.size() && !stopped && demand.get() > 0) {
                            demand.decrementAndGet();
                            downstream.onNext(items.get(index++).duplicate());
                        }
                        if (index == items.size() && complete && !stopped) {
                            done = true;
                            downstream.onComplete();
                        }
                    }
                }
                missed = wip.addAndGet(-missed);
                if (missed == 0) {
                    return;
                }
            }
        }
    }
}
