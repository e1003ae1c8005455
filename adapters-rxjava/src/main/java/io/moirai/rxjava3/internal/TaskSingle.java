package io.moirai.rxjava3.internal;

import io.moirai.task.TaskHandle;
import io.reactivex.rxjava3.core.Single;
import io.reactivex.rxjava3.core.SingleObserver;
import java.util.NoSuchElementException;

/**
 * A task's outcome as a {@link Single}: the result as {@code onSuccess}, a {@code null} result as
 * {@code onError(NoSuchElementException)}, failure and cancellation as {@code onError}. Disposing
 * cancels the task (see {@link TaskSubscriber}).
 *
 * <p><b>Threads.</b> May be subscribed to from any thread, any number of times; each subscription is
 * independent and is signalled on the thread that completed the task or on the subscribing thread.
 *
 * @param <T> the result type
 */
public final class TaskSingle<T> extends Single<T> {

    private final TaskHandle<T> task;

    /** @param task the task's handle, not null */
    public TaskSingle(TaskHandle<T> task) {
        this.task = task;
    }

    @Override
    protected void subscribeActual(SingleObserver<? super T> observer) {
        Bridge<T> bridge = new Bridge<>(task, observer);
        observer.onSubscribe(bridge);
        task.subscribe(bridge);
    }

    /** Maps the handle's signals onto one {@link SingleObserver}. */
    private static final class Bridge<T> extends TaskSubscriber<T> {
        private final SingleObserver<? super T> downstream;

        Bridge(TaskHandle<?> task, SingleObserver<? super T> downstream) {
            super(task);
            this.downstream = downstream;
        }

        @Override
        void onValue(T value) {
            downstream.onSuccess(value);
        }

        @Override
        void onEmpty() {
            downstream.onError(new NoSuchElementException("the task completed with a null result"));
        }

        @Override
        void onFailure(Throwable error) {
            downstream.onError(error);
        }
    }
}
