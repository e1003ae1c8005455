package io.moirai.benchmarks;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;

/**
 * The part every counting consumer of the suites shares: request everything, remember the terminal
 * signal, and let the JMH thread wait for it with a timeout that reports the peer's state instead of
 * hanging. It is a Reactor {@code CoreSubscriber} (so Reactor does not wrap it in its per-item
 * {@code StrictSubscriber}); subclasses add RxJava's {@code FlowableSubscriber} and count in
 * {@code onNext}. Signals are serial (§1.3); the JMH thread reads the subclass's plain fields after
 * the latch, which orders them before its read.
 *
 * @param <T> the element type
 */
abstract class Terminal<T> implements CoreSubscriber<T> {

    private final CountDownLatch done = new CountDownLatch(1);
    private Throwable error;

    @Override
    public void onSubscribe(Subscription s) {
        s.request(Long.MAX_VALUE);
    }

    @Override
    public void onError(Throwable t) {
        error = t;
        done.countDown();
    }

    @Override
    public void onComplete() {
        done.countDown();
    }

    /**
     * Waits for the terminal signal.
     *
     * @param row the benchmark row, for messages
     * @param timeout how long to wait
     * @param received how many elements arrived, for messages
     * @param state describes the peer when the wait times out
     * @throws IllegalStateException on a timeout or an error signal
     */
    final void awaitTerminal(String row, Duration timeout, Supplier<String> received, Supplier<String> state)
            throws InterruptedException {
        if (!done.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(row + ": no completion after " + timeout + "; " + received.get()
                    + " received; " + state.get());
        }
        if (error != null) {
            throw new IllegalStateException(row + ": the consumer got an error after " + received.get(), error);
        }
    }
}
