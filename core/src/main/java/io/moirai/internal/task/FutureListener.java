package io.moirai.internal.task;

import java.util.concurrent.CompletableFuture;

/** Completes a {@code CompletableFuture} view of a task with the task's outcome. */
final class FutureListener<T> extends Listener {

    private final CompletableFuture<T> future;

    FutureListener(CompletableFuture<T> future) {
        this.future = future;
    }

    @Override
    @SuppressWarnings("unchecked")
    void taskDone(TaskCore<?> task) {
        ((TaskCore<T>) task).completeFuture(future);
    }

    @Override
    boolean isDead() {
        return future.isDone();
    }
}
