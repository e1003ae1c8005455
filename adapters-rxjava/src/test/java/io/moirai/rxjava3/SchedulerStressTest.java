package io.moirai.rxjava3;

import static org.assertj.core.api.Assertions.assertThat;

import io.moirai.Moirai;
import io.reactivex.rxjava3.core.Scheduler;
import io.reactivex.rxjava3.disposables.Disposable;
import io.reactivex.rxjava3.plugins.RxJavaPlugins;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Races of the schedulers' lock-free protocols: disposing tasks and workers while they start, run or
 * finish, and scheduling while workers are disposed.
 */
@Timeout(120)
class SchedulerStressTest {

    private static final long WAIT = 10;

    private Moirai moirai;
    private final List<Throwable> errors = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() {
        moirai = Moirai.builder().workerThreads(2).threadNamePrefix("rx-stress").build();
        RxJavaPlugins.setErrorHandler(errors::add);
    }

    @AfterEach
    void tearDown() {
        RxJavaPlugins.reset();
        moirai.close();
        assertThat(errors).isEmpty();
    }

    /**
     * A blocking task disposed at a random moment (before it starts, while it runs, as it ends) may
     * be interrupted, but the interrupt never reaches the next task of its worker.
     */
    @Test
    void anInterruptNeverLeaksIntoTheNextTask() throws Exception {
        Scheduler.Worker w = MoiraiRx.blockingScheduler(moirai).createWorker();
        AtomicInteger interrupted = new AtomicInteger();
        for (int round = 0; round < 2_000; round++) {
            CountDownLatch started = new CountDownLatch(1);
            int spins = ThreadLocalRandom.current().nextInt(2_000);
            Disposable d = w.schedule(() -> {
                started.countDown();
                for (int i = 0; i < spins && !Thread.currentThread().isInterrupted(); i++) {
                    Thread.onSpinWait();
                }
                if (Thread.currentThread().isInterrupted()) {
                    interrupted.incrementAndGet();
                }
            });
            if ((round & 1) == 0) {
                assertThat(started.await(WAIT, TimeUnit.SECONDS)).isTrue();
            }
            d.dispose();
            CompletableFuture<Boolean> next = new CompletableFuture<>();
            w.schedule(() -> next.complete(Thread.currentThread().isInterrupted()));
            assertThat(next.get(WAIT, TimeUnit.SECONDS)).as("round %d", round).isFalse();
        }
        w.dispose();
        assertThat(interrupted.get()).isPositive(); // the race was really exercised
    }

    /** Workers disposed while another thread schedules on them: no task runs twice, nothing hangs. */
    @Test
    void disposingWorkersWhileTheyAreFedLosesNoLiveTasks() throws Exception {
        Scheduler s = MoiraiRx.scheduler(moirai);
        for (int round = 0; round < 500; round++) {
            Scheduler.Worker w = s.createWorker();
            AtomicInteger ran = new AtomicInteger();
            int[] scheduled = new int[1];
            Thread feeder = new Thread(() -> {
                while (w.schedule(ran::incrementAndGet) != Disposable.disposed()) {
                    scheduled[0]++;
                }
            });
            feeder.start();
            for (int i = ThreadLocalRandom.current().nextInt(200); i > 0; i--) {
                Thread.onSpinWait();
            }
            w.dispose();
            feeder.join(TimeUnit.SECONDS.toMillis(WAIT));
            assertThat(feeder.isAlive()).isFalse();
            assertThat(ran.get()).isLessThanOrEqualTo(scheduled[0]);
            // a fresh worker still works after its sibling was disposed mid-stream
            Scheduler.Worker fresh = s.createWorker();
            CompletableFuture<Boolean> ok = new CompletableFuture<>();
            fresh.schedule(() -> ok.complete(true));
            assertThat(ok.get(WAIT, TimeUnit.SECONDS)).isTrue();
            fresh.dispose();
        }
    }

    /** Delayed tasks disposed as their timers fire: each runs at most once, disposed ones mostly never. */
    @Test
    void disposingDelayedTasksAsTheyFireRunsEachAtMostOnce() throws Exception {
        Scheduler s = MoiraiRx.scheduler(moirai);
        Scheduler.Worker w = s.createWorker();
        int n = 5_000;
        AtomicInteger[] runs = new AtomicInteger[n];
        Disposable[] ds = new Disposable[n];
        CountDownLatch kept = new CountDownLatch(n / 2);
        for (int i = 0; i < n; i++) {
            AtomicInteger r = runs[i] = new AtomicInteger();
            boolean keep = (i & 1) == 0;
            Runnable task = () -> {
                r.incrementAndGet();
                if (keep) {
                    kept.countDown();
                }
            };
            ds[i] = (i % 4 < 2) ? w.schedule(task, 1, TimeUnit.MILLISECONDS) : s.scheduleDirect(task, 1, TimeUnit.MILLISECONDS);
        }
        for (int i = 1; i < n; i += 2) {
            ds[i].dispose(); // racing with the timers, which are due about now
        }
        assertThat(kept.await(WAIT, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < n; i++) {
            assertThat(runs[i].get()).as("task %d", i).isLessThanOrEqualTo(1);
            if ((i & 1) == 0) {
                assertThat(runs[i].get()).as("task %d", i).isEqualTo(1);
            }
        }
        w.dispose();
    }
}
