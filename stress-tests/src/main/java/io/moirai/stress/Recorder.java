package io.moirai.stress;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * A subscriber that writes every signal it receives into a short text, so a jcstress outcome can name
 * exactly what a subscriber saw: {@code N42} for {@code onNext(42)}, {@code C} for
 * {@code onComplete}, {@code X} for {@code onError(CancellationException)}, {@code I} for
 * {@code onError(IllegalStateException)}, {@code E} for any other error, and {@code !} for a
 * Reactive Streams violation it detected (an element beyond the requested demand, §1.1; a signal after
 * the terminal one, §1.7). It also counts elements and offers bounded waits for the terminal signal or
 * for a number of elements.
 *
 * <p>Threads: the publisher calls the {@code on*} methods (serially, §1.3, from any thread); any
 * thread may call {@link #request}, {@link #cancel}, {@link #text()} and the waits.
 *
 * @param <T> the element type
 */
public final class Recorder<T> implements Subscriber<T> {

    private final long initialRequest;
    private final StringBuilder text = new StringBuilder();
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final AtomicLong requested = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    private volatile Subscription subscription;
    private volatile boolean done;
    private volatile long awaitedCount = Long.MAX_VALUE;
    private final CountDownLatch reached = new CountDownLatch(1);

    /** @param initialRequest how much to request in {@code onSubscribe}; 0 for nothing */
    public Recorder(long initialRequest) {
        this.initialRequest = initialRequest;
    }

    @Override
    public void onSubscribe(Subscription s) {
        subscription = s;
        if (initialRequest > 0) {
            request(initialRequest);
        }
    }

    @Override
    public void onNext(T item) {
        long n;
        synchronized (text) {
            n = received.get() + 1;
            if (done || n > requested.get()) {
                text.append('!');
            }
            text.append('N').append(item);
            received.set(n); // after the text: a reader that sees the count finds the element in the text
        }
        if (n >= awaitedCount) {
            reached.countDown();
        }
    }

    @Override
    public void onError(Throwable t) {
        char c = t instanceof CancellationException ? 'X' : t instanceof IllegalStateException ? 'I' : 'E';
        end(c);
    }

    @Override
    public void onComplete() {
        end('C');
    }

    private void end(char c) {
        synchronized (text) {
            if (done) {
                text.append('!');
            }
            done = true;
            text.append(c);
        }
        terminated.countDown();
        reached.countDown();
    }

    /**
     * Requests more, counting the demand first (so {@code onNext} can tell an element beyond it).
     *
     * @param n the amount
     */
    public void request(long n) {
        long r;
        do {
            r = requested.get();
        } while (!requested.compareAndSet(r, r + n < 0 ? Long.MAX_VALUE : r + n));
        subscription.request(n);
    }

    /** Cancels the subscription. */
    public void cancel() {
        subscription.cancel();
    }

    /** @return the subscription received in {@code onSubscribe}, or null */
    public Subscription subscription() {
        return subscription;
    }

    /** @return what the subscriber saw so far; empty if nothing */
    public String text() {
        synchronized (text) {
            return text.length() == 0 ? "nothing" : text.toString();
        }
    }

    /** @return the number of elements received so far */
    public long received() {
        return received.get();
    }

    /**
     * Waits at most {@link StressSupport#WAIT} for the terminal signal.
     *
     * @return {@code true} if it arrived
     */
    public boolean awaitTerminal() {
        return await(terminated);
    }

    /**
     * Waits at most {@link StressSupport#WAIT} until {@code count} elements (or a terminal signal)
     * arrived.
     *
     * @param count the number of elements to wait for
     * @return {@code true} if they arrived
     */
    public boolean awaitCount(long count) {
        awaitedCount = count;
        if (received.get() >= count || done) {
            return true;
        }
        return await(reached) && (received.get() >= count || done);
    }

    private static boolean await(CountDownLatch latch) {
        try {
            return latch.await(StressSupport.WAIT.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
