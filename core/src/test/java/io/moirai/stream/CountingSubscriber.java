package io.moirai.stream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * A subscriber for high-volume stream tests (tests may extend it to observe each value): keeps every value in an {@link ArrayList} (signals are
 * serial, so no lock on the hot path; readers wait for the terminal signal, which publishes the list),
 * requests in batches of {@code batch} (or everything when {@code batch == Long.MAX_VALUE}), and
 * records §1.3 overlaps and signals after a terminal one.
 *
 * @param <T> the element type
 */
class CountingSubscriber<T> implements Subscriber<T> {

    private final long batch;
    private final List<T> values = new ArrayList<>();
    private final CountDownLatch done = new CountDownLatch(1);
    private final AtomicInteger inSignal = new AtomicInteger();
    final CompletableFuture<Subscription> subscription = new CompletableFuture<>();
    final List<String> violations = new java.util.concurrent.CopyOnWriteArrayList<>();
    final java.util.Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile Throwable error;
    private volatile boolean completed;
    private long sinceRequest;
    private volatile int count;

    CountingSubscriber(long batch) {
        this.batch = batch;
    }

    private void enter() {
        if (inSignal.getAndIncrement() != 0) {
            violations.add("overlapping signals (§1.3)");
        }
        if (done.getCount() == 0) {
            violations.add("signal after a terminal signal");
        }
    }

    @Override
    public void onSubscribe(Subscription s) {
        subscription.complete(s);
        if (batch > 0) {
            s.request(batch);
        }
    }

    @Override
    public void onNext(T t) {
        enter();
        values.add(t);
        count = values.size();
        threads.add(Thread.currentThread().getName());
        if (batch != Long.MAX_VALUE && ++sinceRequest == batch) {
            sinceRequest = 0;
            subscription.join().request(batch);
        }
        inSignal.decrementAndGet();
    }

    @Override
    public void onError(Throwable t) {
        enter();
        error = t;
        done.countDown();
        inSignal.decrementAndGet();
    }

    @Override
    public void onComplete() {
        enter();
        completed = true;
        done.countDown();
        inSignal.decrementAndGet();
    }

    /** @return the values, after {@link #await} returned */
    List<T> values() {
        return values;
    }

    /** @return values received so far (a racy count, for progress checks) */
    int count() {
        return count;
    }

    Throwable error() {
        return error;
    }

    boolean completed() {
        return completed;
    }

    /** Waits for the terminal signal, failing the test after {@code timeout}. */
    CountingSubscriber<T> await(Duration timeout) throws InterruptedException {
        if (!done.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
            throw new AssertionError("no terminal signal within " + timeout + "; received " + count);
        }
        return this;
    }

    /** @return whether a terminal signal arrives within {@code period} */
    boolean terminatesWithin(Duration period) throws InterruptedException {
        return done.await(period.toNanos(), TimeUnit.NANOSECONDS);
    }
}
