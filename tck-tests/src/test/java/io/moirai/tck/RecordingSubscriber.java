package io.moirai.tck;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * A subscriber for the supplementary rule checks of {@link TaskHandleSingleElementRulesTckTest}: it
 * records every signal in arrival order and notes the protocol violations it can see by itself:
 * <ul>
 *   <li>a signal before {@code onSubscribe} (§1.9) or a second {@code onSubscribe} (§2.12);</li>
 *   <li>any signal after {@code onError} or {@code onComplete} (§1.7);</li>
 *   <li>a signal that starts while {@code onNext}, {@code onError} or {@code onComplete} is still
 *       running, on the same thread (recursion, §3.3) or on another one (§1.3). A signal nested in
 *       {@code onSubscribe}, for a {@code request} made there, is allowed (§3.2).</li>
 * </ul>
 *
 * <p>Threads: the publisher may signal on any thread; the test thread requests, cancels and reads
 * the recorded signals, waiting with timeouts.
 *
 * @param <T> the element type
 */
final class RecordingSubscriber<T> implements Subscriber<T> {

    /** A recorded {@code onNext}, {@code onError} or {@code onComplete}. */
    sealed interface Signal permits Next, Failure, Completion {}

    /** @param value the element */
    record Next(Object value) implements Signal {}

    /** @param error the error */
    record Failure(Throwable error) implements Signal {}

    /** The completion. */
    record Completion() implements Signal {}

    private final long initialRequest;
    private final BiConsumer<Subscription, T> inOnNext;
    private final CompletableFuture<Subscription> subscription = new CompletableFuture<>();
    private final BlockingQueue<Signal> signals = new LinkedBlockingQueue<>();
    private final Queue<String> violations = new ConcurrentLinkedQueue<>();
    private final AtomicInteger running = new AtomicInteger();
    private volatile boolean terminated;

    /** A subscriber that requests nothing by itself. */
    RecordingSubscriber() {
        this(0, null);
    }

    /**
     * @param initialRequest what {@code onSubscribe} requests, synchronously; 0 for nothing
     * @param inOnNext what {@code onNext} does after recording the element (it may call
     *     {@code request} or {@code cancel}); {@code null} for nothing
     */
    RecordingSubscriber(long initialRequest, BiConsumer<Subscription, T> inOnNext) {
        this.initialRequest = initialRequest;
        this.inOnNext = inOnNext;
    }

    @Override
    public void onSubscribe(Subscription s) {
        if (s == null) {
            violations.add("§1.9: onSubscribe(null)");
            return;
        }
        if (!subscription.complete(s)) {
            violations.add("§2.12: onSubscribe called a second time");
            s.cancel();
            return;
        }
        if (initialRequest > 0) {
            s.request(initialRequest);
        }
    }

    @Override
    public void onNext(T item) {
        enter("onNext(" + item + ")");
        try {
            signals.add(new Next(item));
            if (inOnNext != null) {
                inOnNext.accept(subscription.getNow(null), item);
            }
        } finally {
            running.decrementAndGet();
        }
    }

    @Override
    public void onError(Throwable error) {
        enter("onError(" + error + ")");
        try {
            terminated = true;
            signals.add(new Failure(error));
        } finally {
            running.decrementAndGet();
        }
    }

    @Override
    public void onComplete() {
        enter("onComplete()");
        try {
            terminated = true;
            signals.add(new Completion());
        } finally {
            running.decrementAndGet();
        }
    }

    private void enter(String signal) {
        if (!subscription.isDone()) {
            violations.add("§1.9: " + signal + " before onSubscribe");
        }
        if (running.getAndIncrement() != 0) {
            violations.add("§1.3/§3.3: " + signal + " started while another signal to this subscriber was running");
        }
        if (terminated) {
            violations.add("§1.7: " + signal + " after a terminal signal");
        }
    }

    /** @return the subscription, once {@code onSubscribe} was called (waits the TCK's default timeout) */
    Subscription subscription() {
        try {
            return subscription.get(TckSettings.DEFAULT_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("§1.9: no onSubscribe within " + TckSettings.DEFAULT_TIMEOUT_MILLIS + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (ExecutionException e) {
            throw new AssertionError(e);
        }
    }

    /** @param n the demand to signal through the subscription */
    void request(long n) {
        subscription().request(n);
    }

    /** Cancels the subscription. */
    void cancel() {
        subscription().cancel();
    }

    /**
     * @return the next recorded signal
     * @throws AssertionError if none arrives within the TCK's default timeout
     */
    Signal expectSignal() {
        Signal signal = poll(TckSettings.DEFAULT_TIMEOUT_MILLIS);
        if (signal == null) {
            throw new AssertionError("no signal within " + TckSettings.DEFAULT_TIMEOUT_MILLIS + " ms");
        }
        return signal;
    }

    /** @param value the element the next signal must carry */
    void expectNext(Object value) {
        Signal signal = expectSignal();
        if (!signal.equals(new Next(value))) {
            throw new AssertionError("expected onNext(" + value + ") but got " + signal);
        }
    }

    /** Expects the next signal to be {@code onComplete}. */
    void expectComplete() {
        Signal signal = expectSignal();
        if (!(signal instanceof Completion)) {
            throw new AssertionError("expected onComplete() but got " + signal);
        }
    }

    /** @return the error of the next signal, which must be {@code onError} */
    Throwable expectError() {
        Signal signal = expectSignal();
        if (signal instanceof Failure failure) {
            return failure.error();
        }
        throw new AssertionError("expected onError but got " + signal);
    }

    /**
     * Expects no signal for the TCK's no-signals timeout.
     *
     * @param why what rule forbids a signal here, for the failure message
     */
    void expectNoSignal(String why) {
        Signal signal = poll(TckSettings.NO_SIGNALS_TIMEOUT_MILLIS);
        if (signal != null) {
            throw new AssertionError(why + ", but got " + signal);
        }
    }

    /** @throws AssertionError listing every protocol violation seen so far */
    void assertNoViolations() {
        List<String> seen = new ArrayList<>(violations);
        if (!seen.isEmpty()) {
            throw new AssertionError("protocol violations: " + seen);
        }
    }

    private Signal poll(long timeoutMillis) {
        try {
            return signals.poll(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
