package io.moirai.task;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * A test subscriber that records every signal, checks that signals are serial (§1.3) and that
 * {@code onSubscribe} comes first, and exposes latches to wait on.
 */
final class RecordingSubscriber<T> implements Subscriber<T> {

    final CompletableFuture<Subscription> subscription = new CompletableFuture<>();
    final CountDownLatch subscribed = new CountDownLatch(1);
    final CountDownLatch nextReceived = new CountDownLatch(1);
    final CountDownLatch terminated = new CountDownLatch(1);

    final List<T> values = new CopyOnWriteArrayList<>();
    final List<Throwable> errors = new CopyOnWriteArrayList<>();
    final AtomicInteger completions = new AtomicInteger();
    final AtomicInteger subscribeCalls = new AtomicInteger();
    /** Protocol violations seen by this subscriber (signals overlapping, out of order, after terminal). */
    final List<String> violations = new CopyOnWriteArrayList<>();

    private final AtomicInteger inSignal = new AtomicInteger();
    private final AtomicReference<Thread> signalThread = new AtomicReference<>();
    private final long initialRequest;
    private volatile Consumer<RecordingSubscriber<T>> onNextAction = s -> { };

    /** A subscriber that requests nothing by itself. */
    RecordingSubscriber() {
        this(0);
    }

    /** A subscriber that requests {@code initialRequest} from inside {@code onSubscribe} when positive. */
    RecordingSubscriber(long initialRequest) {
        this.initialRequest = initialRequest;
    }

    RecordingSubscriber<T> onNextDo(Consumer<RecordingSubscriber<T>> action) {
        this.onNextAction = action;
        return this;
    }

    private void enter(String signal) {
        if (inSignal.getAndIncrement() != 0) {
            violations.add(signal + " overlapped another signal (§1.3), other on " + signalThread.get()
                    + ", this on " + Thread.currentThread());
        }
        signalThread.set(Thread.currentThread());
        if (!signal.equals("onSubscribe") && subscribeCalls.get() == 0) {
            violations.add(signal + " before onSubscribe");
        }
        if (!signal.equals("onSubscribe") && terminated.getCount() == 0) {
            violations.add(signal + " after a terminal signal");
        }
    }

    private void exit() {
        inSignal.decrementAndGet();
    }

    @Override
    public void onSubscribe(Subscription s) {
        enter("onSubscribe");
        try {
            if (subscribeCalls.incrementAndGet() > 1) {
                violations.add("onSubscribe called twice");
            }
            subscription.complete(s);
            subscribed.countDown();
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
            values.add(t);
            nextReceived.countDown();
            onNextAction.accept(this);
        } finally {
            exit();
        }
    }

    @Override
    public void onError(Throwable t) {
        enter("onError");
        try {
            errors.add(t);
            terminated.countDown();
        } finally {
            exit();
        }
    }

    @Override
    public void onComplete() {
        enter("onComplete");
        try {
            completions.incrementAndGet();
            terminated.countDown();
        } finally {
            exit();
        }
    }

    Subscription subscription() {
        try {
            return subscription.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("no onSubscribe within 10 s", e);
        }
    }

    void request(long n) {
        subscription().request(n);
    }

    void cancel() {
        subscription().cancel();
    }

    boolean awaitTerminal() {
        try {
            return terminated.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** @return the number of terminal signals (onError + onComplete) received so far */
    int terminalSignals() {
        return errors.size() + completions.get();
    }

    int signalCount() {
        return values.size() + terminalSignals();
    }

    @Override
    public String toString() {
        return "RecordingSubscriber[values=" + values + ", errors=" + errors + ", completions=" + completions
                + ", violations=" + violations + "]";
    }
}
