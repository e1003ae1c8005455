package io.moirai.internal.runtime;

import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * A task body wrapped by the runtime's task decorator ({@code Builder.taskDecorator}). Made on the
 * spawning thread, where the decorator is applied to this object (the body as a {@link Runnable});
 * called once on the task's own thread, where it runs the decorator's runnable, which must run the body
 * there, once, before it returns.
 *
 * <p>The task's outcome is the body's own: its value, or what it threw even if the decorator caught or
 * replaced it. The decorator's runnable sees what the body throws (rethrown as it was, checked or not).
 * The task fails with {@link IllegalStateException} if the decorator's runnable returned without running
 * the body, and with the decorator's own exception if it threw one without the body failing (or while
 * the decorator was applied, on the spawning thread: the task then fails when it runs, as any task whose
 * body throws).
 *
 * <p>Threads: made on the spawning thread, called on the task's thread (the task's queue hand-off
 * orders the two); the body must be run on the calling thread. Not used at all without a decorator: a
 * runtime that has none spawns the user's callable as it is.
 *
 * @param <T> the result type
 */
final class DecoratedCall<T> implements Callable<T>, Runnable {

    private Callable<? extends T> body;
    private Runnable wrapped;
    private boolean ran;
    private T value;
    private Throwable error;

    private DecoratedCall(Callable<? extends T> body) {
        this.body = body;
    }

    /**
     * @param decorator the runtime's decorator
     * @param body the user's callable
     * @param <T> the result type
     * @return the callable the task runs instead of {@code body}
     */
    static <T> Callable<T> of(UnaryOperator<Runnable> decorator, Callable<? extends T> body) {
        DecoratedCall<T> call = new DecoratedCall<>(body);
        Runnable wrapped;
        try {
            wrapped = decorator.apply(call);
        } catch (Throwable t) {
            return failing(t);
        }
        if (wrapped == null) {
            return failing(new NullPointerException("the task decorator returned null"));
        }
        call.wrapped = wrapped;
        return call;
    }

    /**
     * Decorates an async task's stage supplier, as {@link #of} decorates a callable.
     *
     * @param decorator the runtime's decorator
     * @param supplier the user's supplier
     * @param <S> what it supplies
     * @return the supplier the task runs instead
     */
    static <S> Supplier<S> supplier(UnaryOperator<Runnable> decorator, Supplier<? extends S> supplier) {
        Callable<S> call = of(decorator, supplier::get);
        return () -> {
            try {
                return call.call();
            } catch (Exception e) {
                throw DecoratedCall.<RuntimeException>throwUnchecked(e);
            }
        };
    }

    /**
     * Decorates a fire-and-forget command; a decorator that throws or returns null gives a command that
     * throws that error when it runs (so it reaches the dropped-error handler, where a failing command's
     * error goes).
     */
    static Runnable command(UnaryOperator<Runnable> decorator, Runnable command) {
        Runnable wrapped;
        try {
            wrapped = decorator.apply(command);
        } catch (Throwable t) {
            return () -> throwUnchecked(t);
        }
        if (wrapped == null) {
            return () -> {
                throw new NullPointerException("the task decorator returned null");
            };
        }
        return wrapped;
    }

    private static <T> Callable<T> failing(Throwable t) {
        return () -> {
            throw DecoratedCall.<RuntimeException>throwUnchecked(t);
        };
    }

    /** The body, run by the decorator's runnable. */
    @Override
    public void run() {
        if (ran) {
            throw new IllegalStateException("the task decorator ran the task more than once");
        }
        ran = true;
        Callable<? extends T> c = body;
        body = null;
        try {
            value = c.call();
        } catch (Throwable t) {
            error = t;
            throw DecoratedCall.<RuntimeException>throwUnchecked(t); // the decorator sees the failure
        }
    }

    /** The task's work: the decorator's runnable, then the body's outcome. */
    @Override
    public T call() throws Exception {
        Runnable w = wrapped;
        wrapped = null;
        Throwable decoratorError = null;
        try {
            w.run();
        } catch (Throwable t) {
            decoratorError = t;
        }
        if (error != null) {
            throw DecoratedCall.<Exception>throwUnchecked(error); // the body's own failure, whatever the decorator made of it
        }
        if (decoratorError != null) {
            throw DecoratedCall.<Exception>throwUnchecked(decoratorError);
        }
        if (!ran) {
            throw new IllegalStateException("the task decorator returned without running the task");
        }
        T v = value;
        value = null;
        return v;
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E throwUnchecked(Throwable t) throws E {
        throw (E) t;
    }
}
