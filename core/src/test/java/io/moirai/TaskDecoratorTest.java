package io.moirai;

import static io.moirai.TestSupport.WAIT;
import static io.moirai.TestSupport.await;
import static io.moirai.TestSupport.uniquePrefix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moirai.task.TaskFailedException;
import io.moirai.task.TaskHandle;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code Builder.taskDecorator}: what it wraps, on which threads, and how its failures end a task. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TaskDecoratorTest {

    /** The context a framework would carry: captured when a task is spawned, installed where it runs. */
    private static final ThreadLocal<String> CONTEXT = new ThreadLocal<>();

    /** Captures {@link #CONTEXT} at decoration, installs it around the body, restores the thread's own. */
    private static final UnaryOperator<Runnable> PROPAGATE = body -> {
        String captured = CONTEXT.get();
        return () -> {
            String previous = CONTEXT.get();
            CONTEXT.set(captured);
            try {
                body.run();
            } finally {
                if (previous == null) {
                    CONTEXT.remove();
                } else {
                    CONTEXT.set(previous);
                }
            }
        };
    };

    private static Moirai runtime(String name, UnaryOperator<Runnable> decorator, List<Throwable> dropped) {
        return Moirai.builder()
                .workerThreads(2)
                .threadNamePrefix(uniquePrefix(name))
                .taskDecorator(decorator)
                .droppedErrorHandler(dropped::add)
                .build();
    }

    @Test
    void everyKindOfTaskSeesTheContextOfTheThreadThatSpawnedIt() throws Exception {
        List<Throwable> dropped = new CopyOnWriteArrayList<>();
        try (Moirai moirai = runtime("dec-ctx", PROPAGATE, dropped)) {
            CONTEXT.set("request-42");
            try {
                TaskHandle<String> compute = moirai.spawn(CONTEXT::get);
                TaskHandle<String> blocking = moirai.spawnBlocking(CONTEXT::get);
                TaskHandle<String> scheduled = moirai.schedule(Duration.ofMillis(5), CONTEXT::get);
                TaskHandle<String> async = moirai.spawnAsync(() -> CompletableFuture.completedFuture(CONTEXT.get()));
                AtomicReference<String> seenByCommand = new AtomicReference<>();
                CountDownLatch commandRan = new CountDownLatch(1);
                moirai.execute(() -> {
                    seenByCommand.set(CONTEXT.get());
                    commandRan.countDown();
                });
                assertThat(compute.join(WAIT)).isEqualTo("request-42");
                assertThat(blocking.join(WAIT)).isEqualTo("request-42");
                assertThat(scheduled.join(WAIT)).isEqualTo("request-42");
                assertThat(async.join(WAIT)).isEqualTo("request-42");
                await(commandRan);
                assertThat(seenByCommand.get()).isEqualTo("request-42");
            } finally {
                CONTEXT.remove();
            }
            // a task spawned without a context finds none: the runtime's threads were restored
            for (int i = 0; i < 20; i++) {
                assertThat(moirai.spawn(CONTEXT::get).join(WAIT)).isNull();
                assertThat(moirai.spawnBlocking(CONTEXT::get).join(WAIT)).isNull();
            }
            // a task spawned from inside a task inherits the context it was spawned with
            CONTEXT.set("outer");
            try {
                assertThat(moirai.spawn(() -> moirai.spawn(CONTEXT::get).join()).join(WAIT)).isEqualTo("outer");
            } finally {
                CONTEXT.remove();
            }
        }
        assertThat(dropped).isEmpty();
    }

    @Test
    void theDecoratorRunsOnTheSpawningThreadAndItsRunnableOnTheTasksThread() throws Exception {
        AtomicReference<Thread> decoratedOn = new AtomicReference<>();
        AtomicReference<Thread> wrapperRanOn = new AtomicReference<>();
        AtomicInteger decorations = new AtomicInteger();
        UnaryOperator<Runnable> recording = body -> {
            decorations.incrementAndGet();
            decoratedOn.set(Thread.currentThread());
            return () -> {
                wrapperRanOn.set(Thread.currentThread());
                body.run();
            };
        };
        try (Moirai moirai = runtime("dec-threads", recording, new CopyOnWriteArrayList<>())) {
            Thread taskThread = moirai.spawn(Thread::currentThread).join(WAIT);
            assertThat(decoratedOn.get()).isSameAs(Thread.currentThread());
            assertThat(wrapperRanOn.get()).isSameAs(taskThread);
            assertThat(Moirai.isComputeThread(taskThread)).isTrue();

            Thread blockingThread = moirai.spawnBlocking(Thread::currentThread).join(WAIT);
            assertThat(wrapperRanOn.get()).isSameAs(blockingThread);
            assertThat(decorations.get()).isEqualTo(2);

            moirai.delay(Duration.ofMillis(1)).join(WAIT); // a delay has no body: nothing to decorate
            assertThat(decorations.get()).isEqualTo(2);
        }
    }

    @Test
    void theTaskEndsWithItsBodysOutcomeAndTheDecoratorSeesTheFailure() throws Exception {
        List<Throwable> seenByDecorator = new CopyOnWriteArrayList<>();
        UnaryOperator<Runnable> swallowing = body -> () -> {
            try {
                body.run();
            } catch (Throwable t) {
                seenByDecorator.add(t); // a tracing decorator records it; here it is even swallowed
            }
        };
        try (Moirai moirai = runtime("dec-fail", swallowing, new CopyOnWriteArrayList<>())) {
            IOException checked = new IOException("disk gone");
            TaskHandle<Object> h = moirai.spawn(() -> {
                throw checked;
            });
            assertThatThrownBy(() -> h.join(WAIT)).isInstanceOf(TaskFailedException.class).hasCause(checked);
            IllegalArgumentException unchecked = new IllegalArgumentException("bad");
            TaskHandle<Object> b = moirai.spawnBlocking(() -> {
                throw unchecked;
            });
            assertThatThrownBy(() -> b.join(WAIT)).isInstanceOf(TaskFailedException.class).hasCause(unchecked);
            assertThat(seenByDecorator).containsExactly(checked, unchecked);
            assertThat(moirai.spawn(() -> "still fine").join(WAIT)).isEqualTo("still fine");
        }
    }

    @Test
    void aFailingDecoratorFailsThatTaskOnly() throws Exception {
        RuntimeException refused = new IllegalStateException("decorator refused");
        RuntimeException aroundFailed = new IllegalStateException("around the body");
        AtomicInteger bodies = new AtomicInteger();
        UnaryOperator<Runnable> picky = body -> {
            String mode = CONTEXT.get();
            if ("throw-on-apply".equals(mode)) {
                throw refused;
            }
            if ("null".equals(mode)) {
                return null;
            }
            if ("skip".equals(mode)) {
                return () -> { };
            }
            if ("throw-before".equals(mode)) {
                return () -> {
                    throw aroundFailed;
                };
            }
            if ("throw-after".equals(mode)) {
                return () -> {
                    body.run();
                    throw aroundFailed;
                };
            }
            return body;
        };
        List<Throwable> dropped = new CopyOnWriteArrayList<>();
        try (Moirai moirai = runtime("dec-broken", picky, dropped)) {
            Callable<Integer> body = bodies::incrementAndGet;
            assertThat(failureOf(moirai, "throw-on-apply", body)).isSameAs(refused);
            assertThat(failureOf(moirai, "null", body)).isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("decorator returned null");
            assertThat(failureOf(moirai, "skip", body)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("without running the task");
            assertThat(failureOf(moirai, "throw-before", body)).isSameAs(aroundFailed);
            assertThat(bodies.get()).as("the body ran in none of these").isZero();
            assertThat(failureOf(moirai, "throw-after", body)).isSameAs(aroundFailed);
            assertThat(bodies.get()).as("once on a worker, once on a blocking thread").isEqualTo(2);

            // execute: the decorator's failure goes where a failing command's error goes
            CONTEXT.set("throw-on-apply");
            try {
                moirai.execute(bodies::incrementAndGet);
            } finally {
                CONTEXT.remove();
            }
            TestSupport.eventually(WAIT, () -> dropped.contains(refused), () -> "dropped: " + dropped);

            // no worker died: both kinds of thread still run tasks
            for (int i = 0; i < 10; i++) {
                assertThat(moirai.spawn(() -> 1).join(WAIT)).isEqualTo(1);
                assertThat(moirai.spawnBlocking(() -> 2).join(WAIT)).isEqualTo(2);
            }
            assertThat(moirai.metrics().workerThreads()).isEqualTo(2);
        }
    }

    private static Throwable failureOf(Moirai moirai, String mode, Callable<Integer> body) throws Exception {
        CONTEXT.set(mode);
        TaskHandle<Integer> compute;
        TaskHandle<Integer> blocking;
        try {
            compute = moirai.spawn(body);
            blocking = moirai.spawnBlocking(body);
        } finally {
            CONTEXT.remove();
        }
        Throwable onCompute = catchCause(compute);
        Throwable onBlocking = catchCause(blocking);
        assertThat(onBlocking.getClass()).isSameAs(onCompute.getClass());
        return onCompute;
    }

    private static Throwable catchCause(TaskHandle<Integer> h) throws Exception {
        try {
            h.join(WAIT);
        } catch (TaskFailedException e) {
            return e.getCause();
        }
        throw new AssertionError("the task did not fail");
    }

    @Test
    void cancellingADecoratedBlockingTaskStillInterruptsIt() throws Exception {
        try (Moirai moirai = runtime("dec-cancel", PROPAGATE, new CopyOnWriteArrayList<>())) {
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch interrupted = new CountDownLatch(1);
            TaskHandle<String> h = moirai.spawnBlocking(() -> {
                started.countDown();
                try {
                    new CountDownLatch(1).await(30, TimeUnit.SECONDS);
                    return "not interrupted";
                } catch (InterruptedException e) {
                    interrupted.countDown();
                    throw e;
                }
            });
            await(started);
            assertThat(h.cancel()).isTrue();
            await(interrupted);
            assertThatThrownBy(h::join).isInstanceOf(CancellationException.class);
        }
    }
}
