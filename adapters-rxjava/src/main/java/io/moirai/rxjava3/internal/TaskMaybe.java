package io.moirai.rxjava3.internal;

import io.moirai.task.TaskHandle;
import io.reactivex.rxjava3.core.Maybe;
import io.reactivex.rxjava3.core.MaybeObserver;

/**
 * A task's outcome as a {@link Maybe}: the result as {@code onSuccess}, a {@code null} result as
 * {@code onComplete}, failure and cancellation as {@code onError}. Disposing cancels the task (see
 * {@link TaskSubscriber}).
 *
 * <p><b>Threads.</b> May be subscribed to from any thread, any number of times; each subscription is
 * independent and is signalled on the thread that completed the task or on the subscribing thread.
 *
 * @param <T> the result type
 */
public final class TaskMaybe<T> extends Maybe<T> {

    private final TaskHandle<T> task;

    /** @param task the task's handle, not null */
    public TaskMaybe(TaskHandle<T> task) {
        this.task = task;
    }

    @Override
    protected void subscribeActual(MaybeObserver<? super T> observer) {
        Bridge<T> bridge = new Bridge<>(task, observer);
        observer.onSubscribe(bridge);
        task.subscribe(bridge);
    }

    /** Maps the handle's signals onto one {@link MaybeObserver}. */
    private static final class Bridge<T> extends TaskSubscriber<T> {
        private final MaybeObserver<? super T> downstream;

        Bridge(TaskHandle<?> task, MaybeObserver<? super T> downstream) {
            super(task);
            this.downstream = downstream;
        }

        @Override
        void onValue(T value) {
            downstream.onSuccess(value);
        }

        @Override
        void onEmpty() {
            downstream.onComplete();
        }

        @Override
        void onFailure(Throwable error) {
            downstream.onError(error);
        }
    }
}
