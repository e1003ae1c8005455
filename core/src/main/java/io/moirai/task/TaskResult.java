package io.moirai.task;

/**
 * The outcome of a finished task, as returned by {@link TaskHandle#tryJoin()}. Immutable; safe to
 * share between threads.
 *
 * @param <T> the type of the task's result
 */
public sealed interface TaskResult<T> {

    /**
     * The task returned normally.
     *
     * @param value the returned value (may be {@code null})
     * @param <T> the type of the task's result
     */
    record Success<T>(T value) implements TaskResult<T> {}

    /**
     * The task threw.
     *
     * @param error what the task threw (never {@code null})
     * @param <T> the type of the task's result
     */
    record Failure<T>(Throwable error) implements TaskResult<T> {}

    /**
     * The task was cancelled, by {@link TaskHandle#cancel()} or by a runtime shutdown.
     *
     * @param <T> the type of the task's result
     */
    record Cancelled<T>() implements TaskResult<T> {}
}
