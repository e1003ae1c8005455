package io.moirai.rxjava3.internal;

import io.moirai.task.TaskHandle;
import io.reactivex.rxjava3.core.Completable;
import io.reactivex.rxjava3.core.CompletableObserver;

/**
 * A task's outcome as a {@link Completable}: success (whatever the result) as {@code onComplete},
 * failure and cancellation as {@code onError}. Disposing cancels the task (see {@link TaskSubscriber}).
 *
 * <p><b>Threads.</b> May be subscribed to from any thread, any number of times; each subscription is
 * independent and is signalled on the thread that completed the task or on the subscribing thread.
 */
public final class TaskCompletable extends Completable {

    private final TaskHandle<?> task;

    /** @param task the task's handle, not null */
    public TaskCompletable(TaskHandle<?> task) {
        this.task = task;
    }

    @Override
    protected void subscribeActual(CompletableObserver observer) {
        subscribe(task, observer);
    }

    private static <T> void subscribe(TaskHandle<T> task, CompletableObserver observer) {
        Bridge<T> bridge = new Bridge<>(task, observer);
        observer.onSubscribe(bridge);
        task.subscribe(bridge);
    }

    /** Maps the handle's signals onto one {@link CompletableObserver}. */
    private static final class Bridge<T> extends TaskSubscriber<T> {
        private final CompletableObserver downstream;

        Bridge(TaskHandle<?> task, CompletableObserver downstream) {
            super(task);
            this.downstream = downstream;
        }

        @Override
        void onValue(T value) {
            downstream.onComplete();
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
