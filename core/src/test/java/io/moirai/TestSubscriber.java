package io.moirai;

import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * A public test subscriber (usable from every test package) that records each signal with the time
 * ({@link System#nanoTime()}) and the thread it arrived on, checks that signals are serial (§1.3),
 * that {@code onSubscribe} comes first and that nothing follows a terminal signal, and offers bounded
 * waits for a number of values or a terminal signal.
 *
 * @param <T> the element type
 */
public final class TestSubscriber<T> implements Subscriber<T> {

    /** One received element. */
    public record Item<T>(T value, long nanoTime, String thread) {}

    private final CompletableFuture<Subscription> subscription = new CompletableFuture<>();
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final List<Item<T>> items = new CopyOnWriteArrayList<>();
    private final List<Throwable> errors = new CopyOnWriteArrayList<>();
    private final AtomicInteger completions = new AtomicInteger();
    private final AtomicInteger subscribeCalls = new AtomicInteger();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final AtomicInteger inSignal = new AtomicInteger();
    private final AtomicReference<String> terminalThread = new AtomicReference<>();
    private final Object monitor = new Object();
    private final long initialRequest;
    private volatile BiConsumer<TestSubscriber<T>, T> onNextAction = (s, v) -> { };

    /** A subscriber that requests nothing by itself. */
    public TestSubscriber() {
        this(0);
    }

    /** A subscriber that requests {@code initialRequest} inside {@code onSubscribe} when positive. */
    public TestSubscriber(long initialRequest) {
        this.initialRequest = initialRequest;
    }

    /** Sets an action run inside {@code onNext}, after the value was recorded. */
    public TestSubscriber<T> onNextDo(BiConsumer<TestSubscriber<T>, T> action) {
        this.onNextAction = action;
        return this;
    }

    private void enter(String signal) {
        if (inSignal.getAndIncrement() != 0) {
            violations.add(signal + " overlapped another signal (§1.3) on " + Thread.currentThread().getName());
        }
        if (!signal.equals("onSubscribe") && subscribeCalls.get() == 0) {
            violations.add(signal + " before onSubscribe");
        }
        if (terminated.getCount() == 0) {
            violations.add(signal + " after a terminal signal");
        }
    }

    private void exit() {
        inSignal.decrementAndGet();
    }

    private void signalled() {
        synchronized (monitor) {
            monitor.notifyAll();
        }
    }

    @Override
    public void onSubscribe(Subscription s) {
        enter("onSubscribe");
        try {
            if (s == null) {
                violations.add("onSubscribe(null)");
            }
            if (subscribeCalls.incrementAndGet() > 1) {
                violations.add("onSubscribe called twice");
            }
            subscription.complete(s);
            if (initialRequest > 0) {
                s.request(initialRequest);
            }
        } finally {
            exit();
        }
    }

    @Override
    public void onNext(T t) {
        enter("onNext");
        try {
            if (t == null) {
                violations.add("onNext(null) (§2.13)");
            }
            items.add(new Item<>(t, System.nanoTime(), Thread.currentThread().getName()));
            signalled();
            onNextAction.accept(this, t);
        } finally {
            exit();
        }
    }

    @Override
    public void onError(Throwable t) {
        enter("onError");
        try {
            errors.add(t);
            terminalThread.set(Thread.currentThread().getName());
            terminated.countDown();
            signalled();
        } finally {
            exit();
        }
    }

    @Override
    public void onComplete() {
        enter("onComplete");
        try {
            completions.incrementAndGet();
            terminalThread.set(Thread.currentThread().getName());
            terminated.countDown();
            signalled();
        } finally {
            exit();
        }
    }

    // ------------------------------------------------------------------ controls

    /** @return the subscription, waiting for {@code onSubscribe} at most {@link TestSupport#WAIT} */
    public Subscription subscription() {
        try {
            return subscription.get(TestSupport.WAIT.toNanos(), TimeUnit.NANOSECONDS);
        } catch (Exception e) {
            throw new AssertionError("no onSubscribe within " + TestSupport.WAIT + ": " + this, e);
        }
    }

    /** @return whether {@code onSubscribe} was called */
    public boolean isSubscribed() {
        return subscription.isDone();
    }

    public void request(long n) {
        subscription().request(n);
    }

    public void cancel() {
        subscription().cancel();
    }

    // ------------------------------------------------------------------ observations

    public List<T> values() {
        List<T> out = new ArrayList<>();
        for (Item<T> i : items) {
            out.add(i.value());
        }
        return out;
    }

    public List<Item<T>> items() {
        return List.copyOf(items);
    }

    public int valueCount() {
        return items.size();
    }

    public List<Throwable> errors() {
        return List.copyOf(errors);
    }

    public int completions() {
        return completions.get();
    }

    public List<String> violations() {
        return List.copyOf(violations);
    }

    public boolean isTerminated() {
        return terminated.getCount() == 0;
    }

    /** @return the name of the thread that delivered the terminal signal, or null */
    public String terminalThread() {
        return terminalThread.get();
    }

    /** Waits until at least {@code n} values arrived, failing the test after {@link TestSupport#WAIT}. */
    public TestSubscriber<T> awaitValues(int n) {
        return awaitValues(n, TestSupport.WAIT);
    }

    public TestSubscriber<T> awaitValues(int n, Duration timeout) {
        if (!valuesWithin(n, timeout)) {
            fail("fewer than " + n + " values within " + timeout + ": " + this);
        }
        return this;
    }

    /**
     * Waits up to {@code period} for at least {@code n} values; for checks where "does not arrive"
     * is the subject and can only be observed over time.
     *
     * @return whether {@code n} values arrived in time
     */
    public boolean valuesWithin(int n, Duration period) {
        long deadline = System.nanoTime() + period.toNanos();
        synchronized (monitor) {
            while (items.size() < n) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(monitor, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted", e);
                }
            }
            return true;
        }
    }

    /** Waits for a terminal signal, failing the test after {@link TestSupport#WAIT}. */
    public TestSubscriber<T> awaitTerminal() {
        return awaitTerminal(TestSupport.WAIT);
    }

    public TestSubscriber<T> awaitTerminal(Duration timeout) {
        if (!terminatedWithin(timeout)) {
            fail("no terminal signal within " + timeout + ": " + this);
        }
        return this;
    }

    /** @return whether a terminal signal arrived within {@code period} */
    public boolean terminatedWithin(Duration period) {
        try {
            return terminated.await(period.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Waits for the terminal signal and returns the single error, failing when it completed instead. */
    public Throwable awaitError() {
        awaitTerminal();
        if (errors.size() != 1) {
            fail("expected exactly one onError: " + this);
        }
        return errors.get(0);
    }

    @Override
    public String toString() {
        List<T> v = values();
        String shown = v.size() > 20 ? v.subList(0, 20) + "...(" + v.size() + ")" : v.toString();
        return "TestSubscriber[values=" + shown + ", errors=" + errors + ", completions=" + completions
                + ", violations=" + violations + "]";
    }
}
