package io.moirai.rxjava3.internal;

import io.moirai.internal.util.VarHandles;
import io.moirai.task.TaskHandle;
import io.reactivex.rxjava3.disposables.Disposable;
import io.reactivex.rxjava3.exceptions.Exceptions;
import io.reactivex.rxjava3.plugins.RxJavaPlugins;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * Subscribes to a {@link TaskHandle} on behalf of one RxJava observer and is that observer's
 * {@link Disposable}: the base of the task bridge behind {@code toMaybe} (and so of {@code toSingle} and {@code toCompletable}, built on it).
 *
 * <p><b>Protocol.</b> One field, {@code upstream}, decides everything: {@code null} until the handle's
 * {@code onSubscribe}, then the subscription, then {@link #DONE} for good. The first of a signal
 * ({@code onNext}, {@code onError}, {@code onComplete}) and {@link #dispose()} to swap in {@code DONE}
 * wins: a signal that wins is delivered, a dispose that wins cancels the subscription and the task,
 * and the loser does nothing (an error that lost is passed to {@code RxJavaPlugins.onError}, unless it
 * is the {@link CancellationException} the dispose caused). So the observer gets at most one terminal
 * signal, and disposing after it cancels nothing.
 *
 * <p><b>Threads.</b> The handle calls the {@link Subscriber} methods serially (§1.3), on the thread
 * that completed the task or the one that subscribed; {@link #dispose()} may be called from any thread
 * at any time, concurrently with them.
 *
 * @param <T> the task's result type
 */
abstract class TaskSubscriber<T> implements Subscriber<T>, Disposable {

    /** The terminal value of {@code upstream}: a signal was delivered or the observer disposed. */
    private static final Subscription DONE = new Subscription() {
        @Override
        public void request(long n) {}

        @Override
        public void cancel() {}
    };

    private static final VarHandle UPSTREAM = VarHandles.field(MethodHandles.lookup(), "upstream", Subscription.class);

    private final TaskHandle<?> task;

    @SuppressWarnings("unused") // accessed through UPSTREAM
    private volatile Subscription upstream;

    TaskSubscriber(TaskHandle<?> task) {
        this.task = task;
    }

    /** Delivers the task's non-null result; called at most once, instead of the other two. */
    abstract void onValue(T value);

    /** Delivers a {@code null} result; called at most once, instead of the other two. */
    abstract void onEmpty();

    /** Delivers the task's failure or cancellation; called at most once, instead of the other two. */
    abstract void onFailure(Throwable error);

    @Override
    public final void onSubscribe(Subscription s) {
        Objects.requireNonNull(s, "s"); // §2.13
        if (UPSTREAM.compareAndSet(this, null, s)) {
            s.request(1L); // a handle emits at most one element; onComplete needs no demand
        } else {
            s.cancel(); // disposed before the subscription arrived, or a second one (§2.5)
        }
    }

    @Override
    public final void onNext(T value) {
        Objects.requireNonNull(value, "value"); // §2.13
        if (claim()) {
            deliver(() -> onValue(value));
        }
    }

    @Override
    public final void onError(Throwable error) {
        Objects.requireNonNull(error, "error"); // §2.13
        if (claim()) {
            deliver(() -> onFailure(error));
        } else if (!(error instanceof CancellationException)) {
            RxJavaPlugins.onError(error); // the observer disposed while the task failed: undeliverable
        }
    }

    @Override
    public final void onComplete() {
        if (claim()) {
            deliver(this::onEmpty);
        }
        // else: onNext already delivered the value, or the observer disposed
    }

    @Override
    public final void dispose() {
        Subscription s = (Subscription) UPSTREAM.getAndSet(this, DONE);
        if (s != DONE) {
            if (s != null) {
                s.cancel(); // first, so the CancellationException the next line causes is not signalled
            }
            task.cancel();
        }
    }

    @Override
    public final boolean isDisposed() {
        return upstream == DONE;
    }

    /** @return {@code true} for the one caller that turned {@code upstream} to {@link #DONE} */
    private boolean claim() {
        return UPSTREAM.getAndSet(this, DONE) != DONE;
    }

    /** Calls the observer; what it throws has nowhere to go but {@code RxJavaPlugins.onError} (§2.13). */
    private static void deliver(Runnable signal) {
        try {
            signal.run();
        } catch (Throwable t) {
            Exceptions.throwIfFatal(t);
            RxJavaPlugins.onError(t);
        }
    }
}
