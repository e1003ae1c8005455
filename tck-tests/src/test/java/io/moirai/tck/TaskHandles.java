package io.moirai.tck;

import io.moirai.Moirai;
import io.moirai.task.TaskFailedException;
import io.moirai.task.TaskHandle;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Test fixture that owns one Moirai runtime (two compute workers) plus one "releaser" thread, and
 * makes {@link TaskHandle}s in the {@linkplain Flavour flavours} the TCK classes verify. One
 * instance per test class: create it in {@code @BeforeClass}, {@link #close()} it in
 * {@code @AfterClass}.
 *
 * <p>A pending flavour finishes its task {@link #PENDING_DELAY} after the handle was made, from
 * another thread, so the TCK's subscriber (which subscribes right after {@code createPublisher}
 * returns) is attached while the task is still pending; the result then reaches it from the thread
 * that completed the task, not from the subscribing thread.
 *
 * <p>Threads: every method may be called from any thread; the TCK calls them from its test thread.
 */
final class TaskHandles implements AutoCloseable {

    /** The single element of a handle whose task returns a value. */
    static final Integer VALUE = 42;

    /** How long a pending flavour's task stays unfinished after its handle was made. */
    static final Duration PENDING_DELAY = Duration.ofMillis(100);

    /** Longest a test waits for a task it made itself; only a runtime bug makes it wait this long. */
    private static final Duration TASK_TIMEOUT = Duration.ofSeconds(10);

    /** How a handle's task runs and where it stands when the handle is handed out. */
    enum Flavour {
        /** {@code spawn(callable)} returned at once: the task may be queued, running or finished. */
        SPAWNED,
        /** {@code spawn(callable)} joined before it is returned: the task has finished. */
        FINISHED,
        /** {@code spawnAsync} whose {@code CompletableFuture} another thread completes later. */
        PENDING_ASYNC,
        /** {@code spawnBlocking} whose callable waits on a latch another thread releases later. */
        PENDING_BLOCKING
    }

    private final Moirai moirai;
    private final ScheduledExecutorService releaser;

    /** @param name names the runtime's and the releaser's threads, for thread dumps */
    TaskHandles(String name) {
        this.moirai = Moirai.builder().workerThreads(2).threadNamePrefix("tck-" + name).build();
        this.releaser = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "tck-" + name + "-releaser");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Maps the TCK's element count to a task result: 0 elements is a task returning {@code null}
     * (the handle signals {@code onComplete} alone), 1 element a task returning {@link #VALUE}.
     *
     * @param elements the number of elements the TCK asks for, 0 or 1
     * @return the result the task returns
     * @throws IllegalArgumentException if more than one element was asked for
     */
    static Integer resultFor(long elements) {
        if (elements == 0) {
            return null;
        }
        if (elements == 1) {
            return VALUE;
        }
        throw new IllegalArgumentException("a task handle emits at most 1 element, the TCK asked for " + elements);
    }

    /** @return a new error for a task to throw */
    static RuntimeException taskError() {
        return new IllegalStateException("TCK: the task failed on purpose");
    }

    /**
     * @param flavour how the task runs
     * @param value what the task returns, may be {@code null}
     * @return the handle of a task that succeeds with {@code value}
     */
    TaskHandle<Integer> succeeding(Flavour flavour, Integer value) {
        return switch (flavour) {
            case SPAWNED -> moirai.spawn(() -> value);
            case FINISHED -> finished(moirai.spawn(() -> value));
            case PENDING_ASYNC -> pendingAsync(stage -> stage.complete(value));
            case PENDING_BLOCKING -> pendingBlocking(() -> value);
        };
    }

    /**
     * @param flavour how the task runs
     * @param error what the task throws (or its stage completes with)
     * @return the handle of a task that fails with {@code error}
     */
    TaskHandle<Integer> failing(Flavour flavour, RuntimeException error) {
        Callable<Integer> failure = () -> {
            throw error;
        };
        return switch (flavour) {
            case SPAWNED -> moirai.spawn(failure);
            case FINISHED -> finished(moirai.spawn(failure));
            case PENDING_ASYNC -> pendingAsync(stage -> stage.completeExceptionally(error));
            case PENDING_BLOCKING -> pendingBlocking(failure);
        };
    }

    /**
     * @return the handle of a pending {@code spawnAsync} task that another thread cancels
     *     ({@link TaskHandle#cancel()}) {@link #PENDING_DELAY} later; it ends with a
     *     {@link CancellationException}
     */
    TaskHandle<Integer> cancelledLater() {
        TaskHandle<Integer> handle = moirai.spawnAsync(() -> new CompletableFuture<Integer>());
        releaseLater(handle::cancel);
        return handle;
    }

    /**
     * @param stage the stage the test completes when it wants to
     * @return the handle of a {@code spawnAsync} task that stays pending until {@code stage} completes
     */
    TaskHandle<Integer> controlledBy(CompletableFuture<Integer> stage) {
        return moirai.spawnAsync(() -> stage);
    }

    /**
     * Waits until a handle's task has finished, whatever its outcome.
     *
     * @param handle the handle
     * @return {@code handle}
     * @throws AssertionError if the task did not finish within ten seconds
     */
    static <T> TaskHandle<T> finished(TaskHandle<T> handle) {
        try {
            handle.join(TASK_TIMEOUT);
        } catch (TaskFailedException | CancellationException expected) {
            // the outcome is what the caller asked for; only "finished" matters here
        } catch (TimeoutException e) {
            throw new AssertionError("the task did not finish within " + TASK_TIMEOUT, e);
        }
        if (!handle.isFinished()) {
            throw new AssertionError("join returned but isFinished() is false");
        }
        return handle;
    }

    /**
     * Stops the releaser once the releases it has scheduled have run (so no blocking task is left
     * waiting on its latch), then closes the runtime.
     */
    @Override
    public void close() {
        releaser.shutdown();
        try {
            releaser.awaitTermination(TASK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            moirai.close();
        }
    }

    private TaskHandle<Integer> pendingAsync(Consumer<CompletableFuture<Integer>> outcome) {
        CompletableFuture<Integer> stage = new CompletableFuture<>();
        TaskHandle<Integer> handle = moirai.spawnAsync(() -> stage);
        releaseLater(() -> outcome.accept(stage));
        return handle;
    }

    private TaskHandle<Integer> pendingBlocking(Callable<Integer> afterRelease) {
        CountDownLatch latch = new CountDownLatch(1);
        TaskHandle<Integer> handle = moirai.spawnBlocking(() -> {
            if (!latch.await(TASK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new TimeoutException("the test never released this blocking task");
            }
            return afterRelease.call();
        });
        releaseLater(latch::countDown);
        return handle;
    }

    private void releaseLater(Runnable release) {
        releaser.schedule(release, PENDING_DELAY.toMillis(), TimeUnit.MILLISECONDS);
    }
}
