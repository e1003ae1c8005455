package io.moirai.internal.runtime;

import io.moirai.RuntimeMetrics;
import io.moirai.internal.blocking.BlockingPool;
import io.moirai.internal.io.IoGroup;
import io.moirai.internal.scheduler.ComputeScheduler;
import io.moirai.internal.task.AsyncRegistry;
import io.moirai.internal.task.AsyncTask;
import io.moirai.internal.task.BlockingTask;
import io.moirai.internal.task.CommandJob;
import io.moirai.internal.task.ComputeTask;
import io.moirai.internal.task.TimerTask;
import io.moirai.internal.time.Ticks;
import io.moirai.internal.util.DroppedErrors;
import io.moirai.task.TaskHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * What a {@code Moirai} facade drives: the compute scheduler, the blocking pool, the registry of
 * pending async tasks, the I/O drivers (timers and sockets), and the shutdown sequence. Arguments are validated by the facade.
 *
 * <p>Threads: every method may be called from any thread; {@link #shutdown} from many at once.
 */
public final class RuntimeCore {

    private final RuntimeConfig config;
    /** The user's task decorator, or null: then every body is spawned as it is, at no cost. */
    private final UnaryOperator<Runnable> decorator;
    private final DroppedErrors dropped;
    private final ComputeScheduler scheduler;
    private final BlockingPool blocking;
    private final AsyncRegistry async = new AsyncRegistry();
    private final IoGroup io;
    private final LongAdder discardedCommands = new LongAdder();
    private final AtomicBoolean shutdownStarted = new AtomicBoolean();
    private final AtomicBoolean discardReported = new AtomicBoolean();
    /** Streams that must end when the runtime shuts down even if no drain is queued (idle channels). */
    private final Set<Runnable> shutdownHooks = ConcurrentHashMap.newKeySet();

    /**
     * Creates and starts the runtime's threads.
     *
     * @param config the validated settings
     */
    public RuntimeCore(RuntimeConfig config) {
        this.config = config;
        this.decorator = config.taskDecorator();
        this.dropped = new DroppedErrors(config.droppedErrorHandler());
        this.scheduler = new ComputeScheduler(config.workerThreads(), config.threadNamePrefix(),
                config.threadFactory(), dropped);
        this.blocking = new BlockingPool(config.maxBlockingThreads(), config.blockingKeepAlive().toNanos(),
                config.threadNamePrefix(), config.blockingThreadFactory(), dropped);
        this.io = new IoGroup(config.ioThreads(), config.threadNamePrefix(), dropped, config.ioBuffers());
        scheduler.start();
    }

    /**
     * @return the I/O drivers (started on first use)
     * @throws RejectedExecutionException if the runtime is shut down
     */
    public IoGroup io() {
        ensureOpen();
        return io;
    }

    /** @return the settings */
    public RuntimeConfig config() {
        return config;
    }

    /** @return the compute scheduler */
    public ComputeScheduler scheduler() {
        return scheduler;
    }

    /**
     * Rejects work once shutdown started: {@link #isShutdown()} and every spawn read the same flag,
     * so a spawn that follows an {@code isShutdown() == true} always fails. A spawn that passed this
     * check just before the shutdown began is caught by the queues' own re-check and ends cancelled.
     */
    private void ensureOpen() {
        if (shutdownStarted.get()) {
            throw ComputeScheduler.rejected();
        }
    }

    /** Spawns a compute task. */
    public <T> TaskHandle<T> spawn(Callable<? extends T> callable) {
        ensureOpen();
        ComputeTask<T> task = new ComputeTask<>(scheduler, decorate(callable));
        scheduler.submit(task);
        return task;
    }

    /** Spawns a blocking task. */
    public <T> TaskHandle<T> spawnBlocking(Callable<? extends T> callable) {
        ensureOpen();
        BlockingTask<T> task = new BlockingTask<>(scheduler, decorate(callable));
        blocking.submit(task);
        return task;
    }

    /** Spawns an async task. */
    public <T> TaskHandle<T> spawnAsync(Supplier<? extends CompletionStage<? extends T>> supplier) {
        ensureOpen();
        UnaryOperator<Runnable> d = decorator;
        AsyncTask<T> task = AsyncTask.supplying(scheduler, async, d == null ? supplier : DecoratedCall.supplier(d, supplier));
        scheduler.submit(task);
        return task;
    }

    /** Adopts a running stage as an async task. */
    public <T> TaskHandle<T> adopt(CompletionStage<? extends T> stage) {
        ensureOpen();
        AsyncTask<T> task = AsyncTask.adopting(scheduler, async, stage);
        scheduler.submit(task);
        return task;
    }

    /** Completes after a delay. */
    public TaskHandle<Void> delay(Duration delay) {
        return schedule(delay, null);
    }

    /** Runs a task after a delay; a null callable makes a plain delay. */
    public <T> TaskHandle<T> schedule(Duration delay, Callable<? extends T> callable) {
        ensureOpen();
        long deadline = Ticks.ceil(Ticks.deadlineNanos(System.nanoTime(), saturatedNanos(delay)));
        TimerTask<T> task = new TimerTask<>(scheduler, io.next(), deadline, callable == null ? null : decorate(callable));
        task.start();
        return task;
    }

    /**
     * @param period a positive period
     * @return it in nanoseconds, for {@code Moirai.interval}
     * @throws java.util.concurrent.RejectedExecutionException if the runtime is shut down
     */
    public long intervalNanos(Duration period) {
        ensureOpen();
        return saturatedNanos(period);
    }

    /** Runs a fire-and-forget command on the compute workers. */
    public void execute(Runnable command) {
        ensureOpen();
        UnaryOperator<Runnable> d = decorator;
        scheduler.submit(new CommandJob(scheduler, d == null ? command : DecoratedCall.command(d, command),
                discardedCommands));
    }

    /** The body a task runs: the user's callable, or, with a task decorator, the decorated call. */
    private <T> Callable<? extends T> decorate(Callable<? extends T> callable) {
        UnaryOperator<Runnable> d = decorator;
        return d == null ? callable : DecoratedCall.of(d, callable);
    }

    /**
     * Registers a hook that runs once, on the shutting-down thread, when shutdown starts: how a stream
     * that is idle (no drain queued) learns that it must end. Remove it with
     * {@link #removeShutdownHook} once the stream ended, so finished streams are not retained.
     *
     * @param hook what to run; must not block
     * @throws RejectedExecutionException if shutdown already started
     */
    public void addShutdownHook(Runnable hook) {
        shutdownHooks.add(hook);
        if (shutdownStarted.get() && shutdownHooks.remove(hook)) {
            throw ComputeScheduler.rejected(); // the shutdown may have run its hooks already
        }
    }

    /** @param hook a hook added earlier; unknown hooks are ignored */
    public void removeShutdownHook(Runnable hook) {
        shutdownHooks.remove(hook);
    }

    /** @return whether shutdown started */
    public boolean isShutdown() {
        return shutdownStarted.get();
    }

    /** @return a metrics snapshot */
    public RuntimeMetrics metrics() {
        return new RuntimeMetrics(
                scheduler.size(),
                scheduler.parked(),
                blocking.threadCount(),
                scheduler.spawned(),
                scheduler.completed(),
                scheduler.steals(),
                scheduler.queued() + blocking.queued(),
                io.registrations(),
                io.pendingTimers());
    }

    /**
     * Shuts down (the first caller starts it), then waits for the runtime's threads.
     *
     * @param timeout how long running tasks may take
     * @return {@code true} if every runtime thread but the caller ended in time
     */
    public boolean shutdown(Duration timeout) {
        if (shutdownStarted.compareAndSet(false, true)) {
            io.shutdown();
            scheduler.shutdown();
            blocking.shutdown();
            async.cancelAll();
            for (Runnable hook : shutdownHooks) {
                try {
                    hook.run();
                } catch (Throwable t) {
                    dropped.report(t);
                }
            }
        }
        long deadline = System.nanoTime() + saturatedNanos(timeout);
        boolean inTime = awaitThreads(deadline);
        if (!inTime) {
            // the deadline passed: what still runs ends cancelled, blocking threads are interrupted
            scheduler.abandonRunning();
            blocking.forceStop();
            awaitThreads(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100));
        }
        scheduler.abandonGlobal();
        long discarded = discardedCommands.sum();
        if (discarded > 0 && discardReported.compareAndSet(false, true)) {
            dropped.report(new RejectedExecutionException(
                    discarded + " command(s) passed to execute were discarded by the shutdown before they ran"));
        }
        return inTime;
    }

    private boolean awaitThreads(long deadline) {
        Thread self = Thread.currentThread();
        List<Thread> threads = new ArrayList<>(List.of(scheduler.threads()));
        threads.addAll(blocking.threads());
        threads.addAll(io.threads());
        boolean interrupted = false;
        boolean all = true;
        try {
            for (Thread t : threads) {
                if (t == self) {
                    continue;
                }
                for (;;) {
                    long left = deadline - System.nanoTime();
                    if (!t.isAlive()) {
                        break;
                    }
                    if (left <= 0L) {
                        all = false;
                        break;
                    }
                    try {
                        TimeUnit.NANOSECONDS.timedJoin(t, left);
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        return all;
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException overflow) {
            return Long.MAX_VALUE / 2;
        }
    }
}
