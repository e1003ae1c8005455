package io.moirai.task;

import static io.moirai.TestSupport.WAIT;
import static io.moirai.TestSupport.uniquePrefix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moirai.Moirai;
import io.moirai.TestSupport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Races between completion, cancellation, subscription, joining and shutdown. Each race runs many
 * times; both sides start together on a barrier.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RaceTest {

    private static final int ITERATIONS = 2_000;
    private static final int SHUTDOWN_ITERATIONS = 200;

    private ExecutorService helpers;

    @BeforeEach
    void startHelpers() {
        helpers = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "race-helper");
            t.setDaemon(true);
            return t;
        });
    }

    @AfterEach
    void stopHelpers() {
        helpers.shutdownNow();
    }

    private static void await(CyclicBarrier barrier) throws Exception {
        try {
            barrier.await(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("barrier timed out (" + barrier.getNumberWaiting() + " of "
                    + barrier.getParties() + " waiting)\n" + threadDump(), e);
        }
    }

    /** @return the stacks of the runtime's threads and the helpers, for diagnosing a hang */
    static String threadDump() {
        StringBuilder sb = new StringBuilder();
        Thread.getAllStackTraces().forEach((t, stack) -> {
            if (t.getName().startsWith("mt") || t.getName().startsWith("race-helper")) {
                sb.append('"').append(t.getName()).append("\" ").append(t.getState()).append('\n');
                for (int i = 0; i < Math.min(stack.length, 25); i++) {
                    sb.append("    at ").append(stack[i]).append('\n');
                }
            }
        });
        return sb.toString();
    }

    /** The test thread's side of a barrier: on a timeout, reports the iteration and the runtime's state. */
    private static void await(CyclicBarrier barrier, Moirai moirai, int iteration) throws Exception {
        try {
            barrier.await(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("iteration " + iteration + ": barrier timed out ("
                    + barrier.getNumberWaiting() + " of " + barrier.getParties() + " waiting), "
                    + moirai.metrics() + "\n" + threadDump(), e);
        }
    }

    private static <T> T get(Future<T> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    /** Asserts that every observer of a finished handle sees the same outcome. */
    private static <T> void assertConsistent(TaskHandle<T> h, TaskResult<T> expected) throws Exception {
        assertThat(h.isFinished()).isTrue();
        assertThat(h.tryJoin()).contains(expected);
        CompletableFuture<T> view = h.toCompletableFuture();
        if (expected instanceof TaskResult.Success<T> s) {
            assertThat(h.isCancelled()).isFalse();
            assertThat(h.join()).isEqualTo(s.value());
            assertThat(h.join(Duration.ZERO)).isEqualTo(s.value());
            assertThat(view.getNow(null)).isEqualTo(s.value());
        } else if (expected instanceof TaskResult.Cancelled<T>) {
            assertThat(h.isCancelled()).isTrue();
            assertThatThrownBy(h::join).isInstanceOf(CancellationException.class);
            assertThatThrownBy(() -> h.join(Duration.ZERO)).isInstanceOf(CancellationException.class);
            assertThat(view.isCancelled()).isTrue();
        } else if (expected instanceof TaskResult.Failure<T> f) {
            assertThat(h.isCancelled()).isFalse();
            assertThatThrownBy(h::join).isInstanceOf(TaskFailedException.class).cause().isSameAs(f.error());
            assertThat(view.isCompletedExceptionally()).isTrue();
            assertThat(view.isCancelled()).isFalse();
        }
    }

    @Test
    void cancelVersusCompletionOfARunningTask() throws Exception {
        int cancelledCount = 0;
        try (Moirai moirai = Moirai.builder().workerThreads(2).threadNamePrefix(uniquePrefix("race-cancel")).build()) {
            for (int i = 0; i < ITERATIONS; i++) {
                int value = i;
                CyclicBarrier barrier = new CyclicBarrier(2);
                TaskHandle<Integer> h = moirai.spawn(() -> {
                    barrier.await(10, TimeUnit.SECONDS);
                    return value;
                });
                await(barrier, moirai, i);
                boolean cancelled = h.cancel();
                // either way the handle is finished right after cancel() returns
                if (cancelled) {
                    cancelledCount++;
                    assertConsistent(h, new TaskResult.Cancelled<>());
                } else {
                    assertConsistent(h, new TaskResult.Success<>(value));
                }
                assertThat(h.cancel()).isFalse();
            }
        }
        System.out.printf("cancel vs completion: %d of %d cancelled%n", cancelledCount, ITERATIONS);
    }

    @Test
    void cancelVersusStartOfAQueuedTask() throws Exception {
        try (Moirai moirai = Moirai.builder().workerThreads(2).threadNamePrefix(uniquePrefix("race-cancel-q")).build()) {
            for (int i = 0; i < ITERATIONS; i++) {
                int value = i;
                CyclicBarrier barrier = new CyclicBarrier(2);
                TaskHandle<Integer> h = moirai.spawn(() -> value);
                Future<Boolean> cancel = helpers.submit(() -> {
                    await(barrier);
                    return h.cancel();
                });
                await(barrier, moirai, i);
                Optional<TaskResult<Integer>> polled = h.tryJoin();
                boolean cancelled = get(cancel);
                TaskResult<Integer> expected = cancelled ? new TaskResult.Cancelled<>() : new TaskResult.Success<>(value);
                assertConsistent(h, expected);
                polled.ifPresent(r -> assertThat(r).isEqualTo(expected));
            }
        }
    }

    @Test
    void cancelFromManyThreadsSucceedsExactlyOnce() throws Exception {
        try (Moirai moirai = Moirai.builder().workerThreads(2).threadNamePrefix(uniquePrefix("race-cancel-many")).build()) {
            for (int i = 0; i < ITERATIONS / 4; i++) {
                int value = i;
                CyclicBarrier barrier = new CyclicBarrier(4);
                TaskHandle<Integer> h = moirai.spawn(() -> {
                    barrier.await(10, TimeUnit.SECONDS);
                    return value;
                });
                List<Future<Boolean>> cancels = new ArrayList<>();
                for (int c = 0; c < 3; c++) {
                    cancels.add(helpers.submit(() -> {
                        await(barrier);
                        return h.cancel();
                    }));
                }
                int wins = 0;
                for (Future<Boolean> f : cancels) {
                    wins += get(f) ? 1 : 0;
                }
                assertThat(wins).isLessThanOrEqualTo(1);
                assertConsistent(h, wins == 1 ? new TaskResult.Cancelled<>() : new TaskResult.Success<>(value));
            }
        }
    }

    @Test
    void subscribeVersusCompletion() throws Exception {
        try (Moirai moirai = Moirai.builder().workerThreads(2).threadNamePrefix(uniquePrefix("race-subscribe")).build()) {
            IllegalStateException boom = new IllegalStateException("boom");
            for (int i = 0; i < ITERATIONS; i++) {
                int kind = i % 3;
                // the task, two subscribing helpers and this thread
                CyclicBarrier barrier = new CyclicBarrier(4);
                TaskHandle<String> h = moirai.spawn(() -> {
                    barrier.await(10, TimeUnit.SECONDS);
                    if (kind == 0) {
                        return "v";
                    } else if (kind == 1) {
                        return null;
                    }
                    throw boom;
                });
                RecordingSubscriber<String> inOnSubscribe = new RecordingSubscriber<>(1);
                RecordingSubscriber<String> requestsAfter = new RecordingSubscriber<>();
                Future<?> a = helpers.submit(() -> {
                    await(barrier);
                    h.subscribe(inOnSubscribe);
                    return null;
                });
                Future<?> b = helpers.submit(() -> {
                    await(barrier);
                    h.subscribe(requestsAfter);
                    requestsAfter.request(1);
                    return null;
                });
                await(barrier, moirai, i);
                get(a);
                get(b);
                for (RecordingSubscriber<String> s : List.of(inOnSubscribe, requestsAfter)) {
                    assertThat(s.awaitTerminal()).as("iteration %d: no terminal signal: %s", i, s).isTrue();
                    assertThat(s.terminalSignals()).as("iteration %d: %s", i, s).isEqualTo(1);
                    assertThat(s.violations).as("iteration %d", i).isEmpty();
                    switch (kind) {
                        case 0 -> {
                            assertThat(s.values).containsExactly("v");
                            assertThat(s.completions.get()).isEqualTo(1);
                        }
                        case 1 -> {
                            assertThat(s.values).isEmpty();
                            assertThat(s.completions.get()).isEqualTo(1);
                        }
                        default -> {
                            assertThat(s.values).isEmpty();
                            assertThat(s.errors).containsExactly(boom);
                        }
                    }
                }
            }
        }
    }

    @Test
    void subscribeVersusCancel() throws Exception {
        try (Moirai moirai = Moirai.builder().workerThreads(2).threadNamePrefix(uniquePrefix("race-sub-cancel")).build()) {
            for (int i = 0; i < ITERATIONS; i++) {
                CountDownLatch release = new CountDownLatch(1);
                TaskHandle<String> h = moirai.spawn(() -> {
                    release.await(10, TimeUnit.SECONDS);
                    return "v";
                });
                CyclicBarrier barrier = new CyclicBarrier(2);
                RecordingSubscriber<String> s = new RecordingSubscriber<>(1);
                Future<?> sub = helpers.submit(() -> {
                    await(barrier);
                    h.subscribe(s);
                    return null;
                });
                await(barrier, moirai, i);
                assertThat(h.cancel()).isTrue();
                release.countDown();
                get(sub);
                assertThat(s.awaitTerminal()).as("iteration %d: %s", i, s).isTrue();
                assertThat(s.errors).singleElement().isInstanceOf(CancellationException.class);
                assertThat(s.values).isEmpty();
                assertThat(s.violations).isEmpty();
            }
        }
    }

    @Test
    void joinFromManyThreadsVersusCompletion() throws Exception {
        int joiners = 4;
        try (Moirai moirai = Moirai.builder().workerThreads(2).threadNamePrefix(uniquePrefix("race-join")).build()) {
            for (int i = 0; i < ITERATIONS; i++) {
                int value = i;
                CyclicBarrier barrier = new CyclicBarrier(joiners + 1);
                TaskHandle<Integer> h = moirai.spawn(() -> {
                    barrier.await(10, TimeUnit.SECONDS);
                    return value;
                });
                List<Future<Integer>> joins = new ArrayList<>();
                for (int j = 0; j < joiners; j++) {
                    int mode = j;
                    joins.add(helpers.submit(() -> {
                        await(barrier);
                        return switch (mode) {
                            case 0 -> h.join();
                            case 1 -> h.join(WAIT);
                            case 2 -> h.toCompletableFuture().get(10, TimeUnit.SECONDS);
                            default -> {
                                // join(0) polls once; loop until it answers
                                while (true) {
                                    try {
                                        yield h.join(Duration.ZERO);
                                    } catch (TimeoutException notYet) {
                                        Thread.onSpinWait();
                                    }
                                }
                            }
                        };
                    }));
                }
                for (Future<Integer> f : joins) {
                    assertThat(get(f)).isEqualTo(value);
                }
                assertConsistent(h, new TaskResult.Success<>(value));
            }
        }
    }

    @Test
    void shutdownWithTasksQueuedAndRunning() throws Exception {
        int compute = 8;
        int blocking = 4;
        int async = 2;
        int n = compute + blocking + async;
        int successes = 0;
        int cancellations = 0;
        List<Integer> acceptedAfterIsShutdown = new ArrayList<>();
        for (int it = 0; it < SHUTDOWN_ITERATIONS; it++) {
            String prefix = uniquePrefix("race-shutdown");
            Moirai moirai = Moirai.builder()
                    .workerThreads(2)
                    .maxBlockingThreads(2)
                    .threadNamePrefix(prefix)
                    .build();
            try {
                CountDownLatch go = new CountDownLatch(1);
                AtomicIntegerArray runs = new AtomicIntegerArray(n);
                List<TaskHandle<Integer>> handles = new ArrayList<>();
                List<CompletableFuture<Integer>> stages = new ArrayList<>();
                for (int i = 0; i < compute; i++) {
                    int v = i;
                    handles.add(moirai.spawn(() -> {
                        runs.incrementAndGet(v);
                        go.await(10, TimeUnit.SECONDS);
                        return v;
                    }));
                }
                for (int i = compute; i < compute + blocking; i++) {
                    int v = i;
                    handles.add(moirai.spawnBlocking(() -> {
                        runs.incrementAndGet(v);
                        go.await(10, TimeUnit.SECONDS);
                        return v;
                    }));
                }
                for (int i = compute + blocking; i < n; i++) {
                    int v = i;
                    CompletableFuture<Integer> stage = new CompletableFuture<>();
                    stages.add(stage);
                    handles.add(moirai.spawnAsync(() -> {
                        runs.incrementAndGet(v);
                        return stage;
                    }));
                }
                // a helper keeps spawning until it is rejected; every accepted handle must finish too
                List<TaskHandle<Integer>> lateHandles = new ArrayList<>();
                CyclicBarrier barrier = new CyclicBarrier(2);
                Future<?> helper = helpers.submit(() -> {
                    await(barrier);
                    go.countDown();
                    for (int i = 0; i < stages.size(); i++) {
                        stages.get(i).complete(compute + blocking + i);
                    }
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    try {
                        while (!moirai.isShutdown()) {
                            if (System.nanoTime() - deadline > 0) {
                                throw new AssertionError("shutdown was never observed");
                            }
                            lateHandles.add(moirai.spawn(() -> -1));
                        }
                        // once isShutdown() is true, spawning must fail fast
                        lateHandles.add(moirai.spawn(() -> -1));
                        return "spawn accepted after isShutdown() returned true";
                    } catch (RejectedExecutionException expected) {
                        // the runtime is shut down
                    }
                    return null;
                });
                await(barrier, moirai, it);
                boolean inTime = moirai.shutdown(WAIT);
                assertThat(inTime).as("iteration %d: shutdown in time", it).isTrue();
                Object helperViolation = get(helper);

                for (int i = 0; i < n; i++) {
                    TaskHandle<Integer> h = handles.get(i);
                    assertThat(h.isFinished()).as("iteration %d: handle %d finished", it, i).isTrue();
                    TaskResult<Integer> r = h.tryJoin().orElseThrow();
                    assertThat(runs.get(i)).as("iteration %d: runs of task %d", it, i).isLessThanOrEqualTo(1);
                    if (r instanceof TaskResult.Success<Integer> s) {
                        successes++;
                        assertThat(s.value()).isEqualTo(i);
                        assertThat(runs.get(i)).as("iteration %d: task %d succeeded, so it ran", it, i).isEqualTo(1);
                    } else {
                        cancellations++;
                        assertThat(r).as("iteration %d: task %d", it, i).isInstanceOf(TaskResult.Cancelled.class);
                    }
                }
                for (TaskHandle<Integer> h : lateHandles) {
                    try {
                        assertThat(h.join(WAIT)).isEqualTo(-1);
                    } catch (CancellationException cancelled) {
                        assertThat(h.isCancelled()).isTrue();
                    }
                }
                TestSupport.assertNoThreadsLeft(prefix);
                if (helperViolation != null) {
                    acceptedAfterIsShutdown.add(it);
                }
            } finally {
                moirai.shutdown(WAIT);
            }
        }
        System.out.printf("shutdown race: %d succeeded, %d cancelled%n", successes, cancellations);
        // checked last so that the other checks ran over every iteration
        assertThat(acceptedAfterIsShutdown)
                .as("iterations in which spawn() was accepted after isShutdown() had returned true")
                .isEmpty();
    }
}
