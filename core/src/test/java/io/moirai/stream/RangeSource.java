package io.moirai.stream;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * A test source of {@code 0..n-1}, emitted on the requesting thread (a trampolined drain, so
 * {@code request} from {@code onNext} does not recurse), that records the demand it received, counts
 * what it sent, notes cancellation, and can fail instead of emitting item {@link #failIndex}.
 */
final class RangeSource implements Publisher<Integer> {

    final int n;
    final AtomicLong requested = new AtomicLong();
    final AtomicLong sent = new AtomicLong();
    final CountDownLatch cancelled = new CountDownLatch(1);
    volatile Throwable failure;
    volatile int failIndex = -1;

    RangeSource(int n) {
        this.n = n;
    }

    /** Makes the source signal {@code onError(failure)} where item {@code index} would come. */
    RangeSource failingAt(int index, Throwable failure) {
        this.failure = failure;
        this.failIndex = index;
        return this;
    }

    @Override
    public void subscribe(Subscriber<? super Integer> s) {
        s.onSubscribe(new Subscription() {
            final AtomicLong demand = new AtomicLong();
            final AtomicInteger wip = new AtomicInteger();
            int next;
            volatile boolean stopped;

            @Override
            public void request(long k) {
                requested.addAndGet(k);
                demand.addAndGet(k);
                if (wip.getAndIncrement() != 0) {
                    return;
                }
                do {
                    while (demand.get() > 0 && next < n && !stopped) {
                        if (next == failIndex) {
                            stopped = true;
                            s.onError(failure);
                            break;
                        }
                        demand.decrementAndGet();
                        sent.incrementAndGet();
                        s.onNext(next++);
                    }
                    if (next == n && !stopped) {
                        stopped = true;
                        s.onComplete();
                    }
                } while (wip.decrementAndGet() != 0);
            }

            @Override
            public void cancel() {
                stopped = true;
                cancelled.countDown();
            }
        });
    }
}
