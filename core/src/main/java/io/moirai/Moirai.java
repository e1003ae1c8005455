package io.moirai;

import io.moirai.internal.runtime.RuntimeAccess;
import io.moirai.internal.runtime.RuntimeConfig;
import io.moirai.internal.runtime.RuntimeCore;
import io.moirai.internal.scheduler.ComputeScheduler;
import io.moirai.internal.stream.IntervalPublisher;
import io.moirai.task.TaskHandle;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.reactivestreams.Publisher;

/**
 * A Moirai runtime: work-stealing compute workers that park when idle, an elastic pool for blocking
 * work, and task handles that carry each task's result to its own observers.
 *
 * <p><b>Threads.</b> Every method may be called from any thread, including the runtime's own
 * threads. Spawning from a compute worker puts the new task on that worker's local queue (its
 * "next task" slot), where other workers can steal it; spawning from any other thread goes through
 * the global injection queue.
 *
 * <p><b>Guarantees.</b> No busy waiting: an idle runtime's threads are parked (a worker spins for at
 * most a few microseconds looking for work before it parks). A spawned task runs at most once; a
 * task cancelled before it started never runs. Errors thrown by user code reach the task's handle;
 * errors that have no handle to reach (a command passed to {@link #execute}) go to the runtime's
 * dropped-error handler ({@link Builder#droppedErrorHandler}); no runtime thread dies from user code.
 *
 * <p><b>Shutdown.</b> {@link #shutdown(Duration)} rejects new work at once
 * ({@link RejectedExecutionException}), cancels every task that has not started (queued compute and
 * blocking tasks, pending {@code spawnAsync} stages), lets running tasks finish until the timeout, then
 * interrupts the threads still running and completes their tasks' handles as cancelled. Every handle
 * that was not finished ends cancelled; commands passed to {@link #execute} that never ran are
 * counted and reported to the dropped-error handler. What a shutdown signals to live streams: a
 * subscriber of an unfinished handle, channel, interval, listener or connection receives
 * {@code onError(CancellationException)}, so nothing ends silently; a Reactor or RxJava subscriber
 * without an error handler therefore reports it to its library's dropped-error hook (Reactor prints
 * {@code ErrorCallbackNotImplemented}). Give such subscriptions an error handler, or end them quietly
 * on a shutdown with {@code onErrorComplete(CancellationException.class)} (Reactor) or
 * {@code onErrorComplete(e -> e instanceof CancellationException)} (RxJava).
 *
 * <p><b>Daemon threads.</b> The runtime's threads are daemon threads (as Netty's and Reactor's are),
 * so they never keep the JVM alive: a server whose {@code main} method returns exits at once. A
 * server waits for its end explicitly, for example with
 * {@code listener.onClose().join()} ({@link io.moirai.net.TcpListener#onClose()}), which returns when
 * the listener is closed or the runtime shuts down.
 */
public final class Moirai implements Executor, AutoCloseable {

    static {
        RuntimeAccess.install(m -> m.core);
    }

    private final RuntimeCore core;

    private Moirai(RuntimeConfig config) {
        this.core = new RuntimeCore(config);
    }

    /**
     * Creates a runtime with the default settings: {@code availableProcessors} compute workers, up to
     * 512 blocking threads kept alive 60 s when idle, one I/O thread, thread names prefixed
     * {@code "moirai"}.
     *
     * @return a started runtime
     */
    public static Moirai create() {
        return builder().build();
    }

    /** @return a builder for a runtime with non-default settings */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Spawns CPU-bound work on the compute workers.
     *
     * @param task the work; its result becomes the handle's value
     * @param <T> the result type
     * @return the task's handle
     * @throws NullPointerException if {@code task} is null
     * @throws RejectedExecutionException if the runtime is shut down
     */
    public <T> TaskHandle<T> spawn(Callable<? extends T> task) {
        return core.spawn(Objects.requireNonNull(task, "task"));
    }

    /**
     * Spawns CPU-bound work with no result on the compute workers: {@code spawn(() -> log(x))}
     * compiles where a {@code Callable} would need a {@code return null}. The handle's value is
     * {@code null} once the task ran; what it throws fails the handle.
     *
     * @param task the work
     * @return the task's handle
     * @throws NullPointerException if {@code task} is null
     * @throws RejectedExecutionException if the runtime is shut down
     */
    public TaskHandle<Void> spawn(Runnable task) {
        Objects.requireNonNull(task, "task");
        return core.spawn(() -> {
            task.run();
            return null;
        });
    }

    /**
     * Adopts a stage that is already running (a {@code CompletableFuture} from another library, a
     * Reactor or RxJava result turned into a future) as a task: the handle completes when the stage
     * does, with its value ({@code null} included), its error (unwrapped from
     * {@code CompletionException}) or as cancelled if the stage was cancelled. No thread is held while
     * the stage is pending. Cancelling the handle cancels the stage's {@code CompletableFuture} (when
     * {@code toCompletableFuture()} gives one); a runtime shutdown cancels the handle, and with it the
     * stage, like any unfinished task.
     *
     * @param stage the running stage
     * @param <T> the result type
     * @return the task's handle
     * @throws NullPointerException if {@code stage} is null
     * @throws RejectedExecutionException if the runtime is shut down
     */
    public <T> TaskHandle<T> fromCompletionStage(CompletionStage<? extends T> stage) {
        Objects.requireNonNull(stage, "stage");
        return core.adopt(stage);
    }

    /**
     * Spawns blocking work (I/O, locks, sleeps) on the blocking pool, which grows up to
     * {@link Builder#maxBlockingThreads(int)} threads and queues what exceeds it; a thread idle for
     * {@link Builder#blockingKeepAlive(Duration)} ends. With a virtual-thread
     * {@link Builder#blockingThreadFactory factory} each task runs on a virtual thread of its own
     * instead. Cancelling the handle of a running blocking task interrupts its thread.
     *
     * @param task the work; its result becomes the handle's value
     * @param <T> the result type
     * @return the task's handle
     * @throws NullPointerException if {@code task} is null
     * @throws RejectedExecutionException if the runtime is shut down
     */
    public <T> TaskHandle<T> spawnBlocking(Callable<? extends T> task) {
        return core.spawnBlocking(Objects.requireNonNull(task, "task"));
    }

    /**
     * Spawns asynchronous work: the supplier runs on a compute worker and returns a stage; the task
     * completes when the stage does and occupies no thread while the stage is pending. Cancelling the
     * handle cancels the stage's {@code CompletableFuture} when it has one. A stage that completes
     * with a {@link java.util.concurrent.CancellationException} ends the task cancelled.
     *
     * @param task supplies the stage whose outcome becomes the handle's outcome; a null stage fails
     *     the task with a {@link NullPointerException}
     * @param <T> the result type
     * @return the task's handle
     * @throws NullPointerException if {@code task} is null
     * @throws RejectedExecutionException if the runtime is shut down
     */
    public <T> TaskHandle<T> spawnAsync(Supplier<? extends CompletionStage<? extends T>> task) {
        return core.spawnAsync(Objects.requireNonNull(task, "task"));
    }

    /**
     * A timer: the handle completes with {@code null} once {@code delay} has passed, never earlier,
     * and normally within a few milliseconds of it (the I/O driver's timer wheel ticks every
     * 2<sup>20</sup> ns, about 1 ms). A pending delay holds no thread; cancelling the handle removes
     * the timer from the wheel. Observers waiting when it fires are signalled on a compute worker,
     * not on the I/O thread.
     *
     * @param delay how long to wait; must be positive
     * @return the timer's handle
     * @throws NullPointerException if {@code delay} is null
     * @throws IllegalArgumentException if {@code delay} is zero or negative
     * @throws RejectedExecutionException if the runtime is shut down
     */
    public TaskHandle<Void> delay(Duration delay) {
        return core.delay(requirePositive(delay, "delay"));
    }

    /**
     * Runs {@code task} on the compute workers once {@code delay} has passed (never earlier). Until
     * then the task holds no thread; cancelling the handle before the delay ends removes the timer and
     * the task never runs.
     *
     * @param delay how long to wait before running the task; must be positive
     * @param task the work; its result becomes the handle's value
     * @param <T> the result type
     * @return the task's handle
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code delay} is zero or negative
     * @throws RejectedExecutionException if the runtime is shut down
     */
    public <T> TaskHandle<T> schedule(Duration delay, Callable<? extends T> task) {
        requirePositive(delay, "delay");
        return core.schedule(delay, Objects.requireNonNull(task, "task"));
    }

    /**
     * A periodic timer: each subscriber gets its own timer, started at its subscription, that ticks
     * every {@code period} and emits the tick's number: 0 at the end of the first period, 1 at the
     * end of the second, and so on, at fixed rate (no drift). A tick that finds the subscriber without
     * demand is dropped, never buffered, so the numbers a slow subscriber sees have gaps. A subscriber
     * with demand sees no gap: ticks that came due while a timer firing or the workers ran late are
     * emitted back to back once they can be, as a fixed-rate executor catches up. Ticks are emitted on
     * the compute workers. Cancelling the subscription removes the timer; a runtime
     * shutdown ends the subscription with {@code onError(CancellationException)}. As a JDK
     * {@code Flow.Publisher}: {@code org.reactivestreams.FlowAdapters.toFlowPublisher(moirai.interval(p))}.
     *
     * @param period the time between ticks; must be positive
     * @return a cold publisher of tick numbers
     * @throws NullPointerException if {@code period} is null
     * @throws IllegalArgumentException if {@code period} is zero or negative
     * @throws RejectedExecutionException if the runtime is shut down
     */
    public Publisher<Long> interval(Duration period) {
        return new IntervalPublisher(core, core.intervalNanos(requirePositive(period, "period")));
    }

    /**
     * Runs a command on the compute workers, fire-and-forget. An exception it throws goes to the
     * dropped-error handler.
     *
     * @param command the command
     * @throws NullPointerException if {@code command} is null
     * @throws RejectedExecutionException if the runtime is shut down
     */
    @Override
    public void execute(Runnable command) {
        core.execute(Objects.requireNonNull(command, "command"));
    }

    /** @return a snapshot of the runtime's live figures */
    public RuntimeMetrics metrics() {
        return core.metrics();
    }

    /**
     * Shuts the runtime down gracefully (see the class documentation) and waits up to
     * {@code timeout} for its threads to end. Idempotent and safe to call from many threads at once;
     * when called from one of the runtime's own threads it does not wait for that thread.
     *
     * @param timeout how long running tasks may take to finish
     * @return {@code true} if every runtime thread (other than the caller) ended in time
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public boolean shutdown(Duration timeout) {
        return core.shutdown(requireNonNegative(timeout, "timeout"));
    }

    /** Shuts down with the builder's {@link Builder#shutdownTimeout(Duration) shutdown timeout}. */
    @Override
    public void close() {
        core.shutdown(core.config().shutdownTimeout());
    }

    /**
     * Whether a thread is a compute worker of a Moirai runtime (any runtime). Adapters use it to tell
     * their libraries that these threads must not block: the Reactor adapter registers it as a
     * non-blocking thread predicate, so {@code Mono.block()} fails on a compute worker as it does on
     * Reactor's parallel scheduler. Blocking-pool and I/O threads are not compute workers. Workers made
     * by a custom {@link Builder#threadFactory thread factory} are recognised when {@code thread} is the
     * calling thread. Any thread may call it.
     *
     * @param thread the thread to test
     * @return {@code true} if it is a compute worker
     * @throws NullPointerException if {@code thread} is null
     */
    public static boolean isComputeThread(Thread thread) {
        return ComputeScheduler.isAnyWorkerThread(Objects.requireNonNull(thread, "thread"));
    }

    /** @return the number of compute workers (fixed for the runtime's life) */
    public int workerThreads() {
        return core.config().workerThreads();
    }

    /** @return the most threads the blocking pool may grow to */
    public int maxBlockingThreads() {
        return core.config().maxBlockingThreads();
    }

    /** @return {@code true} once {@link #shutdown} or {@link #close} was called */
    public boolean isShutdown() {
        return core.isShutdown();
    }

    @Override
    public String toString() {
        return "Moirai[" + core.config().threadNamePrefix() + ", workers=" + core.config().workerThreads() + "]";
    }

    static Duration requireNonNegative(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, got " + d);
        }
        return d;
    }

    static Duration requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
        return d;
    }

    /**
     * Configures a {@link Moirai} runtime. Not thread-safe: use one builder from one thread. Each
     * setter validates its argument at once.
     */
    public static final class Builder {
        private int workerThreads = Runtime.getRuntime().availableProcessors();
        private int maxBlockingThreads = 512;
        private Duration blockingKeepAlive = Duration.ofSeconds(60);
        private int ioThreads = 1;
        private int ioBuffers = 64;
        private String threadNamePrefix = "moirai";
        private ThreadFactory threadFactory;
        private ThreadFactory blockingThreadFactory;
        private UnaryOperator<Runnable> taskDecorator;
        private Duration shutdownTimeout = Duration.ofSeconds(10);
        private Consumer<? super Throwable> droppedErrorHandler;

        private Builder() {}

        /**
         * @param n the number of compute workers, 1 to 32,767 (default: available processors)
         * @return this builder
         */
        public Builder workerThreads(int n) {
            this.workerThreads = requireRange(n, 1, RuntimeConfig.MAX_WORKERS, "workerThreads");
            return this;
        }

        /**
         * @param n the most threads the blocking pool may start, at least 1 (default: 512). With a
         *     {@link #blockingThreadFactory virtual-thread factory} it is the most blocking tasks that run
         *     at once, each on its own virtual thread; the others wait in submission order
         * @return this builder
         */
        public Builder maxBlockingThreads(int n) {
            this.maxBlockingThreads = requireRange(n, 1, Integer.MAX_VALUE, "maxBlockingThreads");
            return this;
        }

        /**
         * @param d how long an idle blocking thread lives, positive (default: 60 s); not used with a
         *     {@link #blockingThreadFactory virtual-thread factory}, whose threads never wait idle
         * @return this builder
         */
        public Builder blockingKeepAlive(Duration d) {
            this.blockingKeepAlive = requirePositive(d, "blockingKeepAlive");
            return this;
        }

        /**
         * @param n the number of I/O driver threads, at least 1 (default: 1). Each owns a
         *     {@code Selector} and a timer wheel; they start with the runtime's first timer, listener
         *     or connection, so a runtime that uses neither has no I/O thread

         * @return this builder
         */
        public Builder ioThreads(int n) {
            this.ioThreads = requireRange(n, 1, RuntimeConfig.MAX_WORKERS, "ioThreads");
            return this;
        }

        /**
         * @param n the direct read buffers each I/O thread pools for {@code TcpConnection.receive()},
         *     64 KiB each, at least 1 (default: 64, so at most 4 MiB of direct memory per I/O thread,
         *     allocated only as connections use them). When all are out (held by subscribers or by
         *     sends not yet written), reads fall back to plain heap buffers: the pool bounds memory,
         *     never throughput's correctness
         * @return this builder
         */
        public Builder ioBuffers(int n) {
            this.ioBuffers = requireRange(n, 1, 1 << 20, "ioBuffers");
            return this;
        }

        /**
         * @param prefix the prefix of every runtime thread's name, not blank (default: "moirai")
         * @return this builder
         */
        public Builder threadNamePrefix(String prefix) {
            Objects.requireNonNull(prefix, "prefix");
            if (prefix.isBlank()) {
                throw new IllegalArgumentException("threadNamePrefix must not be blank");
            }
            this.threadNamePrefix = prefix;
            return this;
        }

        /**
         * Sets the factory of the compute worker threads, for adapters that need marker threads
         * (such as Reactor's {@code NonBlocking}). The blocking pool's threads come from
         * {@link #blockingThreadFactory}. The factory must return a new, unstarted thread that runs the
         * given runnable.
         *
         * @param f the factory
         * @return this builder
         */
        public Builder threadFactory(ThreadFactory f) {
            this.threadFactory = Objects.requireNonNull(f, "threadFactory");
            return this;
        }

        /**
         * Sets the factory of the blocking pool's threads: those that run {@link Moirai#spawnBlocking}
         * tasks (and the adapters' blocking schedulers). Without one the pool makes daemon platform
         * threads named {@code <prefix>-blocking-<n>}; with one, the factory's threads are used as it
         * makes them (name, daemon flag, priority, uncaught-exception handler are its own). It must
         * return a new, unstarted thread that runs the given runnable. It is called on the thread that
         * spawns the blocking task, or on a blocking thread that just ended its task.
         *
         * <p>The first thread the factory makes decides how the pool works:
         * <ul>
         *   <li><b>Platform threads</b>: the pool as described on {@link Moirai#spawnBlocking}: it grows up
         *       to {@link #maxBlockingThreads} threads, each runs task after task, and a thread idle for
         *       {@link #blockingKeepAlive} ends.</li>
         *   <li><b>Virtual threads</b> (JDK 21+, for example {@code Thread.ofVirtual().name("io-", 0).factory()}):
         *       every blocking task runs on a new virtual thread of its own, which ends with the task; no
         *       thread is kept idle and the keep-alive does not apply. {@link #maxBlockingThreads} still
         *       bounds how many blocking tasks run at once (the rest wait, in submission order, without a
         *       thread): raise it to let thousands of blocking tasks wait on I/O or sleep at the same
         *       time on a few carrier threads. Cancelling a running task interrupts its virtual thread,
         *       as it interrupts a platform one. {@link RuntimeMetrics#blockingThreads()} counts the live
         *       virtual threads, that is the blocking tasks running.</li>
         * </ul>
         * The runtime recognises a virtual thread through {@code Thread.isVirtual()}, looked up at run
         * time, so it needs no JDK 21 to compile or to run on 17.
         *
         * @param f the factory
         * @return this builder
         * @throws NullPointerException if {@code f} is null
         */
        public Builder blockingThreadFactory(ThreadFactory f) {
            this.blockingThreadFactory = Objects.requireNonNull(f, "blockingThreadFactory");
            return this;
        }

        /**
         * Sets a decorator applied around the body of every task the runtime runs for its users: the hook
         * a framework needs to carry a context (a tracing span, an MDC map, a security context, the
         * ThreadLocals of Micrometer's context-propagation library) from where a task is spawned to
         * where it runs. The decorator receives the body as a {@link Runnable} and returns the runnable
         * to run in its place, typically one that installs the context captured at decoration time,
         * runs the body, and restores what the thread had.
         *
         * <p><b>What is decorated.</b> The callable of {@link Moirai#spawn}, {@link Moirai#spawnBlocking}
         * and {@link Moirai#schedule}, the supplier of {@link Moirai#spawnAsync} (not the stage's later
         * completion), and each command passed to {@link Moirai#execute}. The Reactor and RxJava
         * adapters' schedulers run through these calls, so their work runs inside the decorator too
         * (a scheduler worker runs a batch of its tasks per decorated call; per-task context there is
         * the library's own hook: {@code Schedulers.onScheduleHook}, {@code RxJavaPlugins.onSchedule}).
         * Not decorated: plain {@link Moirai#delay delays} (no body), and the runtime's own jobs that
         * deliver stream signals ({@code Channel}, {@code Streams}, {@code interval}, sockets), whose
         * subscribers run where the stream runs.
         *
         * <p><b>Threads.</b> The decorator itself is called once per task, synchronously, on the
         * thread that spawns the task (so it can capture that thread's context); it must not block.
         * The runnable it returns runs once, on the thread that runs the task (a compute worker, a
         * blocking thread, or the worker a timer hands its task to), and must run the given body there,
         * exactly once, before it returns.
         *
         * <p><b>Guarantees.</b> The task's outcome is its body's: its result, or the exception it threw
         * (the decorator's runnable sees that exception, checked or not, and the task fails with it even
         * if the runnable swallows or replaces it). An exception thrown by the decorator, or by its
         * runnable around a body that succeeded, fails that task with that exception (for
         * {@code execute}, it goes to the {@link #droppedErrorHandler dropped-error handler}), as does
         * a null decorated runnable ({@code NullPointerException}) or a runnable that returns without
         * running the body ({@code IllegalStateException}); it never reaches or stops a runtime thread.
         * Without a decorator (the default) tasks are spawned as they are, with no extra allocation.
         *
         * @param decorator wraps each task body; for example
         *     {@code r -> ContextSnapshotFactory.builder().build().captureAll().wrap(r)} with Micrometer's
         *     context-propagation, or a Spring {@code TaskDecorator}'s {@code decorate} method
         * @return this builder
         * @throws NullPointerException if {@code decorator} is null
         */
        public Builder taskDecorator(UnaryOperator<Runnable> decorator) {
            this.taskDecorator = Objects.requireNonNull(decorator, "taskDecorator");
            return this;
        }

        /**
         * @param d how long {@link Moirai#close()} waits for running tasks, not negative (default: 10 s)
         * @return this builder
         */
        public Builder shutdownTimeout(Duration d) {
            this.shutdownTimeout = requireNonNegative(d, "shutdownTimeout");
            return this;
        }

        /**
         * Sets where errors go that have no task handle or subscriber to reach: an exception thrown
         * by a command passed to {@link Moirai#execute}, by a subscriber's {@code onNext} (§2.13),
         * commands discarded at shutdown, and whatever reaches the uncaught-exception handler of a
         * thread the runtime created itself (not of threads from a {@link #threadFactory}; Reactor's
         * schedulers hand a failing task's error to that handler). Default: logged at {@code ERROR} through
         * {@link System.Logger} {@code "io.moirai"}. The handler runs on the thread that caught the
         * error and must not block; what it throws is ignored.
         *
         * @param handler the handler
         * @return this builder
         */
        public Builder droppedErrorHandler(Consumer<? super Throwable> handler) {
            this.droppedErrorHandler = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /**
         * Builds and starts the runtime.
         *
         * @return a started runtime
         */
        public Moirai build() {
            return new Moirai(new RuntimeConfig(workerThreads, maxBlockingThreads, blockingKeepAlive,
                    ioThreads, threadNamePrefix, threadFactory, shutdownTimeout, droppedErrorHandler, ioBuffers,
                    blockingThreadFactory, taskDecorator));
        }

        private static int requireRange(int n, int min, int max, String name) {
            if (n < min || n > max) {
                throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", got " + n);
            }
            return n;
        }
    }
}
