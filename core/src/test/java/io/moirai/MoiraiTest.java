package io.moirai;

import static io.moirai.TestSupport.WAIT;
import static io.moirai.TestSupport.await;
import static io.moirai.TestSupport.uniquePrefix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moirai.task.TaskHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MoiraiTest {

    private static final int MANY = 100_000;

    // ---------------------------------------------------------------- creation and defaults

    @Test
    void createUsesDefaults() throws Exception {
        try (Moirai moirai = Moirai.create()) {
            RuntimeMetrics m = moirai.metrics();
            assertThat(m.workerThreads()).isEqualTo(Runtime.getRuntime().availableProcessors());
            assertThat(moirai.isShutdown()).isFalse();
            String name = moirai.spawn(() -> Thread.currentThread().getName()).join(WAIT);
            assertThat(name).startsWith("moirai");
        }
    }

    @Test
    void builderDefaultsMatchCreate() throws Exception {
        try (Moirai moirai = Moirai.builder().build()) {
            assertThat(moirai.metrics().workerThreads()).isEqualTo(Runtime.getRuntime().availableProcessors());
            assertThat(moirai.spawn(() -> Thread.currentThread().getName()).join(WAIT)).startsWith("moirai");
            assertThat(moirai.spawnBlocking(() -> Thread.currentThread().getName()).join(WAIT)).startsWith("moirai");
        }
    }

    @Test
    void builderSettersReturnTheBuilderAndTakeEffect() throws Exception {
        Moirai.Builder b = Moirai.builder();
        assertThat(b.workerThreads(3)).isSameAs(b);
        assertThat(b.maxBlockingThreads(7)).isSameAs(b);
        assertThat(b.blockingKeepAlive(Duration.ofSeconds(5))).isSameAs(b);
        assertThat(b.ioThreads(1)).isSameAs(b);
        assertThat(b.threadNamePrefix(uniquePrefix("setters"))).isSameAs(b);
        assertThat(b.shutdownTimeout(Duration.ofSeconds(5))).isSameAs(b);
        assertThat(b.shutdownTimeout(Duration.ZERO)).isSameAs(b);
        assertThat(b.droppedErrorHandler(e -> { })).isSameAs(b);
        try (Moirai moirai = b.shutdownTimeout(Duration.ofSeconds(5)).build()) {
            assertThat(moirai.metrics().workerThreads()).isEqualTo(3);
        }
    }

    // ---------------------------------------------------------------- spawn

    @Test
    void spawnReturnsTheValue() throws Exception {
        try (Moirai moirai = Moirai.builder().threadNamePrefix(uniquePrefix("spawn")).build()) {
            TaskHandle<Integer> h = moirai.spawn(() -> 6 * 7);
            assertThat(h.join(WAIT)).isEqualTo(42);
            assertThat(h.join()).isEqualTo(42);
            assertThat(moirai.spawn(() -> null).join(WAIT)).isNull();
        }
    }

    @Test
    void spawnManyTasksFromOutside() throws Exception {
        try (Moirai moirai = Moirai.builder().threadNamePrefix(uniquePrefix("many-out")).build()) {
            LongAdder ran = new LongAdder();
            List<TaskHandle<Integer>> handles = new ArrayList<>(MANY);
            for (int i = 0; i < MANY; i++) {
                int v = i;
                handles.add(moirai.spawn(() -> {
                    ran.increment();
                    return v;
                }));
            }
            long sum = 0;
            for (TaskHandle<Integer> h : handles) {
                sum += h.join(WAIT);
            }
            assertThat(sum).isEqualTo((long) MANY * (MANY - 1) / 2);
            assertThat(ran.sum()).isEqualTo(MANY);
        }
    }

    @Test
    void spawnManyTasksFromInsideATaskAndJoinOutside() throws Exception {
        try (Moirai moirai = Moirai.builder().threadNamePrefix(uniquePrefix("many-in")).build()) {
            LongAdder ran = new LongAdder();
            List<TaskHandle<Integer>> handles = moirai.spawn(() -> {
                List<TaskHandle<Integer>> list = new ArrayList<>(MANY);
                for (int i = 0; i < MANY; i++) {
                    int v = i;
                    list.add(moirai.spawn(() -> {
                        ran.increment();
                        return v;
                    }));
                }
                return list;
            }).join(WAIT);
            long sum = 0;
            for (TaskHandle<Integer> h : handles) {
                sum += h.join(WAIT);
            }
            assertThat(sum).isEqualTo((long) MANY * (MANY - 1) / 2);
            assertThat(ran.sum()).isEqualTo(MANY);
        }
    }

    @Test
    void spawnManyTasksFromManyTasksAndJoinInside() throws Exception {
        try (Moirai moirai = Moirai.builder().threadNamePrefix(uniquePrefix("many-nested")).build()) {
            int outer = 100;
            int inner = MANY / outer;
            List<TaskHandle<Long>> parents = new ArrayList<>();
            for (int p = 0; p < outer; p++) {
                parents.add(moirai.spawn(() -> {
                    List<TaskHandle<Integer>> children = new ArrayList<>(inner);
                    for (int i = 0; i < inner; i++) {
                        int v = i;
                        children.add(moirai.spawn(() -> v));
                    }
                    long s = 0;
                    for (TaskHandle<Integer> c : children) {
                        s += c.join();
                    }
                    return s;
                }));
            }
            long total = 0;
            for (TaskHandle<Long> p : parents) {
                total += p.join(WAIT);
            }
            assertThat(total).isEqualTo((long) outer * inner * (inner - 1) / 2);
        }
    }

    // ---------------------------------------------------------------- execute

    @Test
    void executeRunsCommands() {
        try (Moirai moirai = Moirai.builder().threadNamePrefix(uniquePrefix("exec")).build()) {
            int n = 10_000;
            CountDownLatch done = new CountDownLatch(n);
            for (int i = 0; i < n; i++) {
                moirai.execute(done::countDown);
            }
            await(done);
            // from inside a command as well
            CountDownLatch nested = new CountDownLatch(100);
            moirai.execute(() -> {
                for (int i = 0; i < 100; i++) {
                    moirai.execute(nested::countDown);
                }
            });
            await(nested);
        }
    }

    @Test
    void exceptionInExecuteGoesToDroppedErrorHandlerAndWorkerKeepsWorking() throws Exception {
        List<Throwable> dropped = new CopyOnWriteArrayList<>();
        CountDownLatch droppedLatch = new CountDownLatch(2);
        String prefix = uniquePrefix("exec-err");
        try (Moirai moirai = Moirai.builder()
                .workerThreads(1)
                .threadNamePrefix(prefix)
                .droppedErrorHandler(e -> {
                    dropped.add(e);
                    droppedLatch.countDown();
                })
                .build()) {
            IllegalStateException boom = new IllegalStateException("boom");
            AssertionError error = new AssertionError("error on purpose");
            AtomicReference<Thread> failingThread = new AtomicReference<>();
            moirai.execute(() -> {
                failingThread.set(Thread.currentThread());
                throw boom;
            });
            moirai.execute(() -> {
                throw error;
            });
            await(droppedLatch);
            assertThat(dropped).containsExactlyInAnyOrder(boom, error);

            // the single worker survived and keeps running work
            Thread next = moirai.spawn(Thread::currentThread).join(WAIT);
            assertThat(next).isSameAs(failingThread.get());
            assertThat(next.isAlive()).isTrue();
            CountDownLatch more = new CountDownLatch(100);
            for (int i = 0; i < 100; i++) {
                moirai.execute(more::countDown);
            }
            await(more);
            assertThat(moirai.spawn(() -> 42).join(WAIT)).isEqualTo(42);
        }
    }

    // ---------------------------------------------------------------- validation

    @Test
    void builderRejectsBadArgumentsNamingTheParameter() {
        assertThatThrownBy(() -> Moirai.builder().workerThreads(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("workerThreads");
        assertThatThrownBy(() -> Moirai.builder().workerThreads(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("workerThreads");
        assertThatThrownBy(() -> Moirai.builder().maxBlockingThreads(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxBlockingThreads");
        assertThatThrownBy(() -> Moirai.builder().maxBlockingThreads(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxBlockingThreads");
        assertThatThrownBy(() -> Moirai.builder().blockingKeepAlive(null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("blockingKeepAlive");
        assertThatThrownBy(() -> Moirai.builder().blockingKeepAlive(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blockingKeepAlive");
        assertThatThrownBy(() -> Moirai.builder().blockingKeepAlive(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blockingKeepAlive");
        assertThatThrownBy(() -> Moirai.builder().ioThreads(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ioThreads");
        assertThatThrownBy(() -> Moirai.builder().threadNamePrefix(null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("prefix");
        assertThatThrownBy(() -> Moirai.builder().threadNamePrefix(""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("threadNamePrefix");
        assertThatThrownBy(() -> Moirai.builder().threadNamePrefix("  \t"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("threadNamePrefix");
        assertThatThrownBy(() -> Moirai.builder().threadFactory(null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("threadFactory");
        assertThatThrownBy(() -> Moirai.builder().shutdownTimeout(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shutdownTimeout");
        assertThatThrownBy(() -> Moirai.builder().shutdownTimeout(null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("shutdownTimeout");
        assertThatThrownBy(() -> Moirai.builder().droppedErrorHandler(null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("handler");
    }

    @Test
    void nullTasksAndCommandsAreRejectedNamingTheParameter() {
        try (Moirai moirai = Moirai.builder().threadNamePrefix(uniquePrefix("nulls")).build()) {
            assertThatThrownBy(() -> moirai.spawn((Callable<Object>) null))
                    .isInstanceOf(NullPointerException.class).hasMessageContaining("task");
            assertThatThrownBy(() -> moirai.spawnBlocking((Callable<Object>) null))
                    .isInstanceOf(NullPointerException.class).hasMessageContaining("task");
            assertThatThrownBy(() -> moirai.spawnAsync((Supplier<CompletionStage<Object>>) null))
                    .isInstanceOf(NullPointerException.class).hasMessageContaining("task");
            assertThatThrownBy(() -> moirai.execute(null))
                    .isInstanceOf(NullPointerException.class).hasMessageContaining("command");
        }
    }

    // ---------------------------------------------------------------- threads

    @Test
    void threadNamesStartWithThePrefix() throws Exception {
        String prefix = uniquePrefix("names");
        try (Moirai moirai = Moirai.builder().threadNamePrefix(prefix).workerThreads(2).build()) {
            assertThat(moirai.spawn(() -> Thread.currentThread().getName()).join(WAIT)).startsWith(prefix);
            assertThat(moirai.spawnBlocking(() -> Thread.currentThread().getName()).join(WAIT)).startsWith(prefix);
            assertThat(moirai.spawnAsync(() -> java.util.concurrent.CompletableFuture
                    .completedFuture(Thread.currentThread().getName())).join(WAIT)).startsWith(prefix);
            AtomicReference<String> executed = new AtomicReference<>();
            CountDownLatch ran = new CountDownLatch(1);
            moirai.execute(() -> {
                executed.set(Thread.currentThread().getName());
                ran.countDown();
            });
            await(ran);
            assertThat(executed.get()).startsWith(prefix);
            assertThat(TestSupport.liveThreads(prefix)).isNotEmpty();
        }
    }

    @Test
    void customThreadFactoryIsUsedForComputeWorkers() throws Exception {
        Set<Thread> made = ConcurrentHashMap.newKeySet();
        AtomicInteger calls = new AtomicInteger();
        ThreadFactory factory = r -> {
            calls.incrementAndGet();
            Thread t = new Thread(r, "custom-factory-" + calls.get());
            t.setDaemon(true);
            made.add(t);
            return t;
        };
        try (Moirai moirai = Moirai.builder()
                .workerThreads(2)
                .threadNamePrefix(uniquePrefix("factory"))
                .threadFactory(factory)
                .build()) {
            List<TaskHandle<Thread>> handles = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                handles.add(moirai.spawn(Thread::currentThread));
            }
            for (TaskHandle<Thread> h : handles) {
                assertThat(h.join(WAIT)).isIn(made);
            }
            CountDownLatch ran = new CountDownLatch(1);
            AtomicReference<Thread> executedOn = new AtomicReference<>();
            moirai.execute(() -> {
                executedOn.set(Thread.currentThread());
                ran.countDown();
            });
            await(ran);
            assertThat(executedOn.get()).isIn(made);
            assertThat(calls.get()).isGreaterThanOrEqualTo(1);
        }
    }

    /**
     * The threads the runtime creates (compute, blocking, I/O) hand what reaches their uncaught-exception
     * handler to the dropped-error handler (Reactor's schedulers report a failing task that way).
     */
    @Test
    void runtimeThreadsRouteUncaughtErrorsToTheDroppedErrorHandler() throws Exception {
        List<Throwable> dropped = new CopyOnWriteArrayList<>();
        try (Moirai moirai = Moirai.builder().threadNamePrefix(uniquePrefix("uncaught")).droppedErrorHandler(dropped::add).build()) {
            IllegalStateException onCompute = new IllegalStateException("compute");
            IllegalStateException onBlocking = new IllegalStateException("blocking");
            Callable<Void> compute = () -> {
                Thread t = Thread.currentThread();
                t.getUncaughtExceptionHandler().uncaughtException(t, onCompute);
                return null;
            };
            Callable<Void> blocking = () -> {
                Thread t = Thread.currentThread();
                t.getUncaughtExceptionHandler().uncaughtException(t, onBlocking);
                return null;
            };
            moirai.spawn(compute).join(WAIT);
            moirai.spawnBlocking(blocking).join(WAIT);
            assertThat(dropped).containsExactly(onCompute, onBlocking);
        }
    }
}
