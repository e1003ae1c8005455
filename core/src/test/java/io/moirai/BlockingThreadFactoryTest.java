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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code Builder.blockingThreadFactory} with platform threads (pooled mode). The virtual-thread mode is
 * {@link VirtualBlockingThreadsTest}, which runs on JDK 21+.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BlockingThreadFactoryTest {

    /** A platform-thread factory that names, counts and remembers its threads, and leaves them non-daemon. */
    static final class CountingFactory implements ThreadFactory {
        final String prefix;
        final AtomicInteger made = new AtomicInteger();
        final Set<Thread> threads = ConcurrentHashMap.newKeySet();

        CountingFactory(String prefix) {
            this.prefix = prefix;
        }

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, prefix + "-" + made.getAndIncrement());
            t.setDaemon(false);
            threads.add(t);
            return t;
        }
    }

    @Test
    void blockingTasksRunOnTheFactorysThreadsWithItsNamesAndDaemonFlag() throws Exception {
        CountingFactory factory = new CountingFactory(uniquePrefix("user-blk"));
        try (Moirai moirai = Moirai.builder()
                .workerThreads(1)
                .threadNamePrefix(uniquePrefix("btf-names"))
                .blockingThreadFactory(factory)
                .build()) {
            Thread t = moirai.spawnBlocking(Thread::currentThread).join(WAIT);
            assertThat(factory.threads).contains(t);
            assertThat(t.getName()).isEqualTo(factory.prefix + "-0");
            assertThat(moirai.spawnBlocking(() -> Thread.currentThread().isDaemon()).join(WAIT))
                    .as("the factory's daemon flag is kept").isFalse();
            // compute workers do not come from the blocking factory
            assertThat(factory.threads).doesNotContain(moirai.spawn(Thread::currentThread).join(WAIT));
        }
        // a non-daemon pool thread does not outlive the runtime: shutdown ends every one of them
        for (Thread t : factory.threads) {
            t.join(WAIT.toMillis());
            assertThat(t.isAlive()).as(t.getName()).isFalse();
        }
    }

    @Test
    void platformFactoryThreadsAreReused() throws Exception {
        CountingFactory factory = new CountingFactory(uniquePrefix("user-reuse"));
        try (Moirai moirai = Moirai.builder()
                .workerThreads(1)
                .maxBlockingThreads(1)
                .threadNamePrefix(uniquePrefix("btf-reuse"))
                .blockingThreadFactory(factory)
                .build()) {
            List<TaskHandle<Thread>> handles = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                handles.add(moirai.spawnBlocking(Thread::currentThread));
            }
            for (TaskHandle<Thread> h : handles) {
                assertThat(h.join(WAIT)).isSameAs(handles.get(0).join(WAIT));
            }
            assertThat(factory.made.get()).isEqualTo(1);
        }
    }

    @Test
    void platformFactoryThreadsGrowUpToTheLimit() throws Exception {
        CountingFactory factory = new CountingFactory(uniquePrefix("user-pool"));
        try (Moirai moirai = Moirai.builder()
                .workerThreads(1)
                .maxBlockingThreads(3)
                .threadNamePrefix(uniquePrefix("btf-pool"))
                .blockingThreadFactory(factory)
                .build()) {
            // three at once need three threads; more never start
            CountDownLatch threeRunning = new CountDownLatch(3);
            CountDownLatch release = new CountDownLatch(1);
            List<TaskHandle<String>> handles = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                handles.add(moirai.spawnBlocking(() -> {
                    threeRunning.countDown();
                    release.await(30, TimeUnit.SECONDS);
                    return Thread.currentThread().getName();
                }));
            }
            await(threeRunning);
            assertThat(moirai.metrics().blockingThreads()).isEqualTo(3);
            assertThat(factory.made.get()).isEqualTo(3);
            release.countDown();
            for (TaskHandle<String> h : handles) {
                assertThat(h.join(WAIT)).startsWith(factory.prefix);
            }
            assertThat(factory.made.get()).isEqualTo(3);
        }
    }

    @Test
    void aFactoryThatFailsRejectsTheTaskWithItsError() throws Exception {
        IllegalStateException boom = new IllegalStateException("no threads today");
        List<Throwable> dropped = new ArrayList<>();
        try (Moirai moirai = Moirai.builder()
                .workerThreads(1)
                .threadNamePrefix(uniquePrefix("btf-fail"))
                .blockingThreadFactory(r -> {
                    throw boom;
                })
                .droppedErrorHandler(dropped::add)
                .build()) {
            assertThatThrownBy(() -> moirai.spawnBlocking(() -> 1))
                    .isInstanceOf(RejectedExecutionException.class)
                    .hasCause(boom);
            assertThat(moirai.metrics().queuedTasks()).isZero();
        }
        try (Moirai moirai = Moirai.builder()
                .workerThreads(1)
                .threadNamePrefix(uniquePrefix("btf-null"))
                .blockingThreadFactory(r -> null)
                .build()) {
            assertThatThrownBy(() -> moirai.spawnBlocking(() -> 1))
                    .isInstanceOf(RejectedExecutionException.class)
                    .cause().isInstanceOf(IllegalStateException.class).hasMessageContaining("returned null");
        }
    }

    @Test
    void keepAliveRetiresTheFactorysIdleThreads() throws Exception {
        CountingFactory factory = new CountingFactory(uniquePrefix("user-retire"));
        try (Moirai moirai = Moirai.builder()
                .workerThreads(1)
                .blockingKeepAlive(Duration.ofMillis(100))
                .threadNamePrefix(uniquePrefix("btf-retire"))
                .blockingThreadFactory(factory)
                .build()) {
            Thread first = moirai.spawnBlocking(Thread::currentThread).join(WAIT);
            first.join(WAIT.toMillis()); // it retires after the keep-alive
            assertThat(first.isAlive()).isFalse();
            assertThat(moirai.metrics().blockingThreads()).isZero();
            assertThat(moirai.spawnBlocking(Thread::currentThread).join(WAIT)).isNotSameAs(first);
            assertThat(factory.made.get()).isEqualTo(2);
        }
    }
}
