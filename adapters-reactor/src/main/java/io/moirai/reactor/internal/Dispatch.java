package io.moirai.reactor.internal;

import io.moirai.Moirai;
import io.moirai.task.TaskHandle;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Where a Reactor scheduler's tasks run: the compute workers or the blocking pool of one runtime, and
 * how a delay is waited out (always on the runtime's timer wheel, holding no thread).
 *
 * <p>Threads: immutable; any thread.
 */
public final class Dispatch implements Executor {

    private final Moirai moirai;
    private final boolean blocking;

    /**
     * @param moirai the runtime
     * @param blocking {@code true} for the blocking pool, {@code false} for the compute workers
     */
    public Dispatch(Moirai moirai, boolean blocking) {
        this.moirai = moirai;
        this.blocking = blocking;
    }

    /** @return the runtime */
    public Moirai moirai() {
        return moirai;
    }

    /** @return whether tasks run on the blocking pool */
    public boolean blocking() {
        return blocking;
    }

    /**
     * Runs {@code task} now on this dispatch's threads.
     *
     * @param task never throws (callers wrap user code)
     * @return the handle; cancelling it before it runs prevents the run (and interrupts a running
     *     blocking task)
     * @throws java.util.concurrent.RejectedExecutionException if the runtime is shut down
     */
    public TaskHandle<Void> run(Runnable task) {
        return blocking ? moirai.spawnBlocking(() -> call(task)) : moirai.spawn(() -> call(task));
    }

    /**
     * Calls {@code fire} on a compute worker after {@code delay}, never earlier; the wait holds no
     * thread. {@code fire} should only hand work on (enqueue it, or {@link #run} it on the blocking pool).
     *
     * @param delay the delay; zero or negative means as soon as possible (one timer tick)
     * @param unit its unit
     * @param fire never throws
     * @return the timer's handle; cancelling it before it fires prevents the call
     */
    public TaskHandle<Void> later(long delay, TimeUnit unit, Runnable fire) {
        long nanos = delay <= 0L ? 1L : unit.toNanos(delay);
        return moirai.schedule(Duration.ofNanos(nanos), () -> call(fire));
    }

    /**
     * Runs {@code task} now on this dispatch's threads, without a handle (the cheapest hand-off, for a
     * worker's drain loop).
     *
     * @param task never throws
     * @throws java.util.concurrent.RejectedExecutionException if the runtime is shut down
     */
    @Override
    public void execute(Runnable task) {
        if (blocking) {
            moirai.spawnBlocking(() -> call(task));
        } else {
            moirai.execute(task);
        }
    }

    private static Void call(Runnable task) {
        task.run();
        return null;
    }
}
