package io.moirai.rxjava3;

import static io.moirai.rxjava3.RxTestSupport.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moirai.Moirai;
import io.reactivex.rxjava3.core.Scheduler;
import io.reactivex.rxjava3.disposables.Disposable;
import io.reactivex.rxjava3.exceptions.UndeliverableException;
import io.reactivex.rxjava3.plugins.RxJavaPlugins;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The RxJava {@link Scheduler} contract, checked on both of {@link MoiraiRx}'s schedulers: FIFO and
 * no overlap within a worker, delays never early, real disposal (timers cancelled, pending tasks
 * dropped, periodic tasks stopped), the {@code onSchedule} hook, errors to {@code RxJavaPlugins},
 * shutdown and restart, and a runtime that outlives its schedulers.
 */
@Timeout(60)
class MoiraiSchedulerTest {

    private static final String PREFIX = "rx-sched";
    private static final long WAIT = 10;

    /** Which of the two schedulers a test runs on. */
    enum Kind {
        COMPUTE(MoiraiRx::scheduler, PREFIX + "-worker-"),
        BLOCKING(MoiraiRx::blockingScheduler, PREFIX + "-blocking-");

        final Function<Moirai, Scheduler> factory;
        final String threadName;

        Kind(Function<Moirai, Scheduler> factory, String threadName) {
            this.factory = factory;
            this.threadName = threadName;
        }
    }

    private Moirai moirai;
    private final List<Throwable> errors = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() {
        moirai = Moirai.builder().workerThreads(2).threadNamePrefix(PREFIX).build();
        RxJavaPlugins.setErrorHandler(errors::add);
    }

    @AfterEach
    void tearDown() {
        RxJavaPlugins.reset();
        moirai.close();
    }

    // ------------------------------------------------------------------ where and in which order

    @ParameterizedTest
    @EnumSource(Kind.class)
    void tasksRunOnTheRuntimesThreads(Kind kind) throws Exception {
        Scheduler s = kind.factory.apply(moirai);
        CompletableFuture<String> direct = new CompletableFuture<>();
        CompletableFuture<String> delayed = new CompletableFuture<>();
        CompletableFuture<String> onWorker = new CompletableFuture<>();
        s.scheduleDirect(() -> direct.complete(Thread.currentThread().getName()));
        s.scheduleDirect(() -> delayed.complete(Thread.currentThread().getName()), 1, TimeUnit.MILLISECONDS);
        Scheduler.Worker w = s.createWorker();
        w.schedule(() -> onWorker.complete(Thread.currentThread().getName()));
        assertThat(direct.get(WAIT, TimeUnit.SECONDS)).startsWith(kind.threadName);
        assertThat(delayed.get(WAIT, TimeUnit.SECONDS)).startsWith(kind.threadName);
        assertThat(onWorker.get(WAIT, TimeUnit.SECONDS)).startsWith(kind.threadName);
        w.dispose();
        assertThat(errors).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aWorkerRunsItsTasksInFifoOrder(Kind kind) throws InterruptedException {
        int n = 20_000;
        Scheduler.Worker w = kind.factory.apply(moirai).createWorker();
        List<Integer> order = new ArrayList<>(n); // plain list: the worker's tasks never overlap
        CountDownLatch done = new CountDownLatch(1);
        for (int i = 0; i < n; i++) {
            int k = i;
            w.schedule(() -> {
                order.add(k);
                if (k == n - 1) {
                    done.countDown();
                }
            });
        }
        assertThat(done.await(WAIT, TimeUnit.SECONDS)).isTrue();
        assertThat(order).hasSize(n);
        for (int i = 0; i < n; i++) {
            assertThat(order.get(i)).isEqualTo(i);
        }
        w.dispose();
        assertThat(errors).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aWorkerNeverOverlapsTasksScheduledFromManyThreads(Kind kind) throws Exception {
        int producers = 4;
        int perProducer = 5_000;
        int delayedPerProducer = 50;
        Scheduler.Worker w = kind.factory.apply(moirai).createWorker();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        int[] lastSeen = new int[producers]; // per producer: FIFO means strictly increasing
        boolean[] outOfOrder = new boolean[1];
        CountDownLatch done = new CountDownLatch(producers * (perProducer + delayedPerProducer));
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int producer = p;
            lastSeen[p] = -1;
            Thread t = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perProducer; i++) {
                    int seq = i;
                    w.schedule(() -> {
                        enter(running, maxRunning);
                        if (seq <= lastSeen[producer]) {
                            outOfOrder[0] = true;
                        }
                        lastSeen[producer] = seq;
                        running.decrementAndGet();
                        done.countDown();
                    });
                    if (i % (perProducer / delayedPerProducer) == 0) {
                        w.schedule(() -> { // timer-fired tasks must not overlap the others either
                            enter(running, maxRunning);
                            running.decrementAndGet();
                            done.countDown();
                        }, 1, TimeUnit.MILLISECONDS);
                    }
                }
            }, "producer-" + p);
            threads.add(t);
            t.start();
        }
        go.countDown();
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(WAIT));
        }
        assertThat(done.await(WAIT, TimeUnit.SECONDS)).isTrue();
        assertThat(maxRunning.get()).isEqualTo(1);
        assertThat(outOfOrder[0]).isFalse();
        for (int p = 0; p < producers; p++) {
            assertThat(lastSeen[p]).isEqualTo(perProducer - 1);
        }
        w.dispose();
        assertThat(errors).isEmpty();
    }

    private static void enter(AtomicInteger running, AtomicInteger maxRunning) {
        int now = running.incrementAndGet();
        maxRunning.accumulateAndGet(now, Math::max);
        for (int spin = 0; spin < 50; spin++) {
            Thread.onSpinWait(); // a little time inside the task, to widen any overlap window
        }
    }

    @Test
    void twoWorkersRunAtTheSameTime() throws Exception {
        Scheduler s = MoiraiRx.scheduler(moirai);
        Scheduler.Worker a = s.createWorker();
        Scheduler.Worker b = s.createWorker();
        CountDownLatch bRan = new CountDownLatch(1);
        CompletableFuture<Boolean> aSawB = new CompletableFuture<>();
        a.schedule(() -> {
            try {
                aSawB.complete(bRan.await(WAIT, TimeUnit.SECONDS)); // holds one compute worker
            } catch (InterruptedException e) {
                aSawB.complete(false);
            }
        });
        b.schedule(bRan::countDown);
        assertThat(aSawB.get(WAIT + 5, TimeUnit.SECONDS)).isTrue();
        a.dispose();
        b.dispose();
    }

    // ------------------------------------------------------------------ delays

    @ParameterizedTest
    @EnumSource(Kind.class)
    void delaysNeverFireEarly(Kind kind) throws Exception {
        Scheduler s = kind.factory.apply(moirai);
        Scheduler.Worker w = s.createWorker();
        long[] delaysMillis = {1, 3, 10, 25, 60};
        List<CompletableFuture<Long>> onWorker = new ArrayList<>();
        List<CompletableFuture<Long>> direct = new ArrayList<>();
        for (long d : delaysMillis) {
            CompletableFuture<Long> fw = new CompletableFuture<>();
            long t0 = System.nanoTime();
            w.schedule(() -> fw.complete(System.nanoTime() - t0), d, TimeUnit.MILLISECONDS);
            onWorker.add(fw);
            CompletableFuture<Long> fd = new CompletableFuture<>();
            long t1 = System.nanoTime();
            s.scheduleDirect(() -> fd.complete(System.nanoTime() - t1), d * 1000, TimeUnit.MICROSECONDS);
            direct.add(fd);
        }
        for (int i = 0; i < delaysMillis.length; i++) {
            long requested = TimeUnit.MILLISECONDS.toNanos(delaysMillis[i]);
            for (CompletableFuture<Long> f : List.of(onWorker.get(i), direct.get(i))) {
                long elapsed = f.get(WAIT, TimeUnit.SECONDS);
                assertThat(elapsed).as("delay of %d ms", delaysMillis[i]).isGreaterThanOrEqualTo(requested);
                assertThat(elapsed).as("delay of %d ms", delaysMillis[i]).isLessThan(requested + TimeUnit.SECONDS.toNanos(5));
            }
        }
        w.dispose();
        assertThat(errors).isEmpty();
    }

    /**
     * Tasks scheduled one after another with the same delay have non-decreasing deadlines, so they
     * must run in the order they were scheduled, even though their timers fall into the same wheel
     * ticks and fire as separate jobs ({@code delay()} relies on this for onNext before onComplete).
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void delayedTasksOfAWorkerRunInDeadlineOrder(Kind kind) throws InterruptedException {
        int n = 2_000;
        Scheduler.Worker w = kind.factory.apply(moirai).createWorker();
        List<Integer> order = new ArrayList<>(n);
        CountDownLatch done = new CountDownLatch(n);
        for (int i = 0; i < n; i++) {
            int k = i;
            w.schedule(() -> {
                order.add(k);
                done.countDown();
            }, 2, TimeUnit.MILLISECONDS);
        }
        assertThat(done.await(WAIT, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < n; i++) {
            assertThat(order.get(i)).isEqualTo(i);
        }
        w.dispose();
        assertThat(errors).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aNonPositiveDelayRunsAtOnce(Kind kind) throws Exception {
        Scheduler s = kind.factory.apply(moirai);
        Scheduler.Worker w = s.createWorker();
        CompletableFuture<Boolean> a = new CompletableFuture<>();
        CompletableFuture<Boolean> b = new CompletableFuture<>();
        s.scheduleDirect(() -> a.complete(true), 0, TimeUnit.SECONDS);
        w.schedule(() -> b.complete(true), -5, TimeUnit.SECONDS);
        assertThat(a.get(WAIT, TimeUnit.SECONDS)).isTrue();
        assertThat(b.get(WAIT, TimeUnit.SECONDS)).isTrue();
        w.dispose();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void disposingADelayedTaskCancelsItsTimer(Kind kind) {
        Scheduler s = kind.factory.apply(moirai);
        Scheduler.Worker w = s.createWorker();
        AtomicInteger ran = new AtomicInteger();
        Disposable onWorker = w.schedule(ran::incrementAndGet, 1, TimeUnit.HOURS);
        Disposable direct = s.scheduleDirect(ran::incrementAndGet, 1, TimeUnit.HOURS);
        awaitCondition(() -> moirai.metrics().pendingTimers() == 2, "two timers pending");
        assertThat(onWorker.isDisposed()).isFalse();
        onWorker.dispose();
        direct.dispose();
        assertThat(onWorker.isDisposed()).isTrue();
        assertThat(direct.isDisposed()).isTrue();
        awaitCondition(() -> moirai.metrics().pendingTimers() == 0, "the timers removed from the wheel");
        assertThat(ran.get()).isZero();
        assertThat(w.isDisposed()).isFalse(); // disposing one task leaves its worker alone
        w.dispose();
    }

    // ------------------------------------------------------------------ disposal

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aTaskDisposedBeforeItStartsNeverRuns(Kind kind) throws Exception {
        Scheduler.Worker w = kind.factory.apply(moirai).createWorker();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch blocked = new CountDownLatch(1);
        w.schedule(() -> {
            blocked.countDown();
            awaitQuietly(release);
        });
        AtomicInteger skipped = new AtomicInteger();
        Disposable x = w.schedule(skipped::incrementAndGet);
        CompletableFuture<Integer> y = new CompletableFuture<>();
        w.schedule(() -> y.complete(skipped.get())); // FIFO: runs after x would have
        assertThat(blocked.await(WAIT, TimeUnit.SECONDS)).isTrue();
        x.dispose();
        assertThat(x.isDisposed()).isTrue();
        release.countDown();
        assertThat(y.get(WAIT, TimeUnit.SECONDS)).isZero();
        w.dispose();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void disposingAWorkerDropsItsPendingTasksAndTimers(Kind kind) throws Exception {
        Scheduler.Worker w = kind.factory.apply(moirai).createWorker();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch blocked = new CountDownLatch(1);
        CountDownLatch firstEnded = new CountDownLatch(1);
        w.schedule(() -> {
            blocked.countDown();
            awaitQuietly(release);
            firstEnded.countDown();
        });
        AtomicInteger ran = new AtomicInteger();
        for (int i = 0; i < 100; i++) {
            w.schedule(ran::incrementAndGet);
        }
        w.schedule(ran::incrementAndGet, 1, TimeUnit.HOURS);
        assertThat(blocked.await(WAIT, TimeUnit.SECONDS)).isTrue();
        awaitCondition(() -> moirai.metrics().pendingTimers() == 1, "the timer pending");
        w.dispose();
        assertThat(w.isDisposed()).isTrue();
        release.countDown();
        assertThat(firstEnded.await(WAIT, TimeUnit.SECONDS)).isTrue();
        awaitCondition(() -> moirai.metrics().pendingTimers() == 0, "the timer cancelled");
        assertThat(w.schedule(ran::incrementAndGet)).isSameAs(Disposable.disposed());
        assertThat(w.schedule(ran::incrementAndGet, 1, TimeUnit.MILLISECONDS)).isSameAs(Disposable.disposed());
        moirai.delay(Duration.ofMillis(50)).join(); // a window in which a dropped task would have run
        assertThat(ran.get()).isZero();
        assertThat(errors).isEmpty(); // a disposed worker ignores new work silently
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void periodicTasksRunAtAFixedRateAndStopOnDispose(Kind kind) throws Exception {
        Scheduler s = kind.factory.apply(moirai);
        Scheduler.Worker w = s.createWorker();
        for (boolean onWorker : new boolean[] {true, false}) {
            long periodNanos = TimeUnit.MILLISECONDS.toNanos(5);
            long initialNanos = TimeUnit.MILLISECONDS.toNanos(10);
            List<Long> starts = new CopyOnWriteArrayList<>();
            CountDownLatch fiveRuns = new CountDownLatch(5);
            Runnable tick = () -> {
                starts.add(System.nanoTime());
                fiveRuns.countDown();
            };
            long t0 = System.nanoTime();
            Disposable d = onWorker
                    ? w.schedulePeriodically(tick, 10, 5, TimeUnit.MILLISECONDS)
                    : s.schedulePeriodicallyDirect(tick, 10, 5, TimeUnit.MILLISECONDS);
            assertThat(fiveRuns.await(WAIT, TimeUnit.SECONDS)).isTrue();
            d.dispose();
            int atDispose = starts.size();
            assertThat(d.isDisposed()).isTrue();
            for (int k = 0; k < 5; k++) {
                assertThat(starts.get(k) - t0).as("run %d", k).isGreaterThanOrEqualTo(initialNanos + k * periodNanos);
            }
            moirai.delay(Duration.ofMillis(50)).join(); // ten periods in which a live task would run
            assertThat(starts.size()).isLessThanOrEqualTo(atDispose + 1); // at most one already running
            awaitCondition(() -> moirai.metrics().pendingTimers() == 0, "the periodic timer cancelled");
        }
        w.dispose();
        assertThat(errors).isEmpty();
    }

    // ------------------------------------------------------------------ hook and errors

    @ParameterizedTest
    @EnumSource(Kind.class)
    void theScheduleHookIsAppliedToEveryRunnable(Kind kind) throws Exception {
        AtomicInteger hooked = new AtomicInteger();
        AtomicInteger ranThroughHook = new AtomicInteger();
        RxJavaPlugins.setScheduleHandler(r -> {
            hooked.incrementAndGet();
            return () -> {
                ranThroughHook.incrementAndGet();
                r.run();
            };
        });
        Scheduler s = kind.factory.apply(moirai);
        Scheduler.Worker w = s.createWorker();
        CountDownLatch ran = new CountDownLatch(4);
        s.scheduleDirect(ran::countDown);
        s.scheduleDirect(ran::countDown, 1, TimeUnit.MILLISECONDS);
        w.schedule(ran::countDown);
        w.schedule(ran::countDown, 1, TimeUnit.MILLISECONDS);
        CountDownLatch periodicRan = new CountDownLatch(2);
        Disposable p1 = w.schedulePeriodically(periodicRan::countDown, 0, 1, TimeUnit.HOURS);
        Disposable p2 = s.schedulePeriodicallyDirect(periodicRan::countDown, 0, 1, TimeUnit.HOURS);
        assertThat(periodicRan.await(WAIT, TimeUnit.SECONDS)).isTrue();
        assertThat(ran.await(WAIT, TimeUnit.SECONDS)).isTrue();
        p1.dispose();
        p2.dispose();
        assertThat(hooked.get()).isEqualTo(6); // once per schedule call, not once per periodic run
        awaitCondition(() -> ranThroughHook.get() == 6, "every task run through the hook's wrapper");
        w.dispose();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void taskErrorsGoToRxJavaPluginsAndTheWorkerGoesOn(Kind kind) throws Exception {
        Scheduler s = kind.factory.apply(moirai);
        Scheduler.Worker w = s.createWorker();
        IllegalStateException e1 = new IllegalStateException("worker");
        IllegalStateException e2 = new IllegalStateException("delayed");
        IllegalStateException e3 = new IllegalStateException("direct");
        IllegalStateException e4 = new IllegalStateException("periodic");
        w.schedule(() -> {
            throw e1;
        });
        CompletableFuture<Boolean> next = new CompletableFuture<>();
        w.schedule(() -> next.complete(true));
        assertThat(next.get(WAIT, TimeUnit.SECONDS)).isTrue();
        w.schedule(() -> {
            throw e2;
        }, 1, TimeUnit.MILLISECONDS);
        s.scheduleDirect(() -> {
            throw e3;
        });
        AtomicInteger periodicRuns = new AtomicInteger();
        Disposable periodic = w.schedulePeriodically(() -> {
            periodicRuns.incrementAndGet();
            throw e4;
        }, 1, 1, TimeUnit.MILLISECONDS);
        awaitCondition(() -> errors.size() == 4, "four errors reported");
        assertThat(errors).containsExactlyInAnyOrder(e1, e2, e3, e4);
        assertThat(periodic.isDisposed()).isTrue(); // an error ends the period, as in RxJava
        assertThat(periodicRuns.get()).isEqualTo(1);
        CompletableFuture<Boolean> after = new CompletableFuture<>();
        w.schedule(() -> after.complete(true));
        assertThat(after.get(WAIT, TimeUnit.SECONDS)).isTrue();
        w.dispose();
    }

    // ------------------------------------------------------------------ interrupts

    @Test
    void disposingARunningBlockingTaskFromAnotherThreadInterruptsIt() throws Exception {
        Scheduler s = MoiraiRx.blockingScheduler(moirai);
        Blocker direct = new Blocker();
        Disposable d = s.scheduleDirect(direct);
        direct.awaitStarted();
        d.dispose();
        assertThat(direct.interrupted.get(WAIT, TimeUnit.SECONDS)).isTrue();

        Scheduler.Worker w = s.createWorker();
        Blocker onWorker = new Blocker();
        w.schedule(onWorker);
        onWorker.awaitStarted();
        w.dispose();
        assertThat(onWorker.interrupted.get(WAIT, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void anInterruptNeverReachesTheNextTaskOfTheWorker() throws Exception {
        Scheduler.Worker w = MoiraiRx.blockingScheduler(moirai).createWorker();
        Blocker first = new Blocker();
        Disposable d = w.schedule(first);
        CompletableFuture<Boolean> nextInterrupted = new CompletableFuture<>();
        w.schedule(() -> nextInterrupted.complete(Thread.currentThread().isInterrupted()));
        first.awaitStarted();
        d.dispose(); // the task only: the worker goes on
        assertThat(first.interrupted.get(WAIT, TimeUnit.SECONDS)).isTrue();
        assertThat(nextInterrupted.get(WAIT, TimeUnit.SECONDS)).isFalse();
        w.dispose();
    }

    @Test
    void aTaskDisposingItselfIsNotInterrupted() throws Exception {
        Scheduler s = MoiraiRx.blockingScheduler(moirai);
        Scheduler.Worker w = s.createWorker();
        AtomicReference<Disposable> self = new AtomicReference<>();
        CountDownLatch scheduled = new CountDownLatch(1);
        CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
        self.set(w.schedule(() -> {
            awaitQuietly(scheduled);
            self.get().dispose();
            w.dispose(); // as observeOn does when its stream ends on the worker
            interrupted.complete(Thread.currentThread().isInterrupted());
        }));
        scheduled.countDown();
        assertThat(interrupted.get(WAIT, TimeUnit.SECONDS)).isFalse();
    }

    @Test
    void computeTasksAreNeverInterrupted() throws Exception {
        Scheduler s = MoiraiRx.scheduler(moirai);
        Blocker task = new Blocker();
        Disposable d = s.scheduleDirect(task);
        task.awaitStarted();
        d.dispose();
        task.release.countDown();
        assertThat(task.interrupted.get(WAIT, TimeUnit.SECONDS)).isFalse();
    }

    /** A task that waits until released and reports whether it was interrupted. */
    private static final class Blocker implements Runnable {
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final CompletableFuture<Boolean> interrupted = new CompletableFuture<>();

        @Override
        public void run() {
            started.countDown();
            try {
                release.await(WAIT, TimeUnit.SECONDS);
                interrupted.complete(false);
            } catch (InterruptedException e) {
                interrupted.complete(true);
            }
        }

        void awaitStarted() throws InterruptedException {
            assertThat(started.await(WAIT, TimeUnit.SECONDS)).isTrue();
        }
    }

    // ------------------------------------------------------------------ lifecycle

    @ParameterizedTest
    @EnumSource(Kind.class)
    void afterShutdownNewWorkIsRejectedUntilStart(Kind kind) throws Exception {
        Scheduler s = kind.factory.apply(moirai);
        Scheduler.Worker before = s.createWorker();
        AtomicInteger ran = new AtomicInteger();
        before.schedule(ran::incrementAndGet, 1, TimeUnit.HOURS);
        s.scheduleDirect(ran::incrementAndGet, 1, TimeUnit.HOURS);
        awaitCondition(() -> moirai.metrics().pendingTimers() == 2, "two timers pending");

        s.shutdown();
        s.shutdown(); // idempotent
        assertThat(before.isDisposed()).isTrue();
        awaitCondition(() -> moirai.metrics().pendingTimers() == 0, "the timers cancelled by shutdown");
        assertThat(errors).isEmpty();

        assertThat(s.scheduleDirect(ran::incrementAndGet)).isSameAs(Disposable.disposed());
        assertThat(s.scheduleDirect(ran::incrementAndGet, 1, TimeUnit.MILLISECONDS)).isSameAs(Disposable.disposed());
        assertThat(s.schedulePeriodicallyDirect(ran::incrementAndGet, 1, 1, TimeUnit.MILLISECONDS))
                .isSameAs(Disposable.disposed());
        assertThat(before.schedule(ran::incrementAndGet)).isSameAs(Disposable.disposed());
        Scheduler.Worker after = s.createWorker();
        assertThat(after.schedule(ran::incrementAndGet)).isSameAs(Disposable.disposed());
        assertThat(after.schedule(ran::incrementAndGet, 1, TimeUnit.MILLISECONDS)).isSameAs(Disposable.disposed());
        assertThat(errors).hasSize(6).allSatisfy(MoiraiSchedulerTest::assertRejection);

        s.start();
        s.start(); // idempotent
        CompletableFuture<Boolean> again = new CompletableFuture<>();
        CompletableFuture<Boolean> againOnWorker = new CompletableFuture<>();
        s.scheduleDirect(() -> again.complete(true));
        Scheduler.Worker fresh = s.createWorker();
        fresh.schedule(() -> againOnWorker.complete(true));
        assertThat(again.get(WAIT, TimeUnit.SECONDS)).isTrue();
        assertThat(againOnWorker.get(WAIT, TimeUnit.SECONDS)).isTrue();
        assertThat(ran.get()).isZero();
        fresh.dispose();
        assertThat(errors).hasSize(6);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void theRuntimeOutlivesTheSchedulersShutdown(Kind kind) throws Exception {
        Scheduler s = kind.factory.apply(moirai);
        CompletableFuture<Boolean> ran = new CompletableFuture<>();
        s.scheduleDirect(() -> ran.complete(true));
        assertThat(ran.get(WAIT, TimeUnit.SECONDS)).isTrue();
        s.shutdown();
        assertThat(moirai.isShutdown()).isFalse();
        assertThat(moirai.spawn(() -> 1).join(Duration.ofSeconds(WAIT))).isEqualTo(1);
        assertThat(moirai.spawnBlocking(() -> 2).join(Duration.ofSeconds(WAIT))).isEqualTo(2);
        assertThat(moirai.schedule(Duration.ofMillis(1), () -> 3).join(Duration.ofSeconds(WAIT))).isEqualTo(3);
        Scheduler other = kind.factory.apply(moirai); // other schedulers of the runtime are unaffected
        CompletableFuture<Boolean> otherRan = new CompletableFuture<>();
        other.createWorker().schedule(() -> otherRan.complete(true));
        assertThat(otherRan.get(WAIT, TimeUnit.SECONDS)).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aShutDownRuntimeRejectsLikeAShutDownScheduler(Kind kind) {
        Scheduler s = kind.factory.apply(moirai);
        Scheduler.Worker w = s.createWorker();
        moirai.close();
        assertThat(s.scheduleDirect(() -> {})).isSameAs(Disposable.disposed());
        assertThat(s.scheduleDirect(() -> {}, 1, TimeUnit.MILLISECONDS)).isSameAs(Disposable.disposed());
        assertThat(w.schedule(() -> {})).isSameAs(Disposable.disposed());
        assertThat(w.isDisposed()).isTrue(); // as RxJava's ExecutorScheduler worker does
        assertThat(errors).hasSize(3).allSatisfy(MoiraiSchedulerTest::assertRejection);
    }

    // ------------------------------------------------------------------ clock and arguments

    @ParameterizedTest
    @EnumSource(Kind.class)
    void nowIsRxJavasClockOnTheSchedulerAndItsWorkers(Kind kind) {
        Scheduler s = kind.factory.apply(moirai);
        Scheduler.Worker w = s.createWorker();
        long before = System.currentTimeMillis();
        long a = s.now(TimeUnit.MILLISECONDS);
        long b = w.now(TimeUnit.MILLISECONDS);
        long after = System.currentTimeMillis();
        assertThat(a).isBetween(before, after);
        assertThat(b).isBetween(a, after);
        assertThat(s.now(TimeUnit.SECONDS)).isBetween(before / 1000, after / 1000 + 1);
        w.dispose();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void nullArgumentsAreRejectedWithTheirName(Kind kind) {
        Scheduler s = kind.factory.apply(moirai);
        Scheduler.Worker w = s.createWorker();
        assertThatThrownBy(() -> s.scheduleDirect(null)).isInstanceOf(NullPointerException.class).hasMessage("run is null");
        assertThatThrownBy(() -> s.scheduleDirect(() -> {}, 1, null)).isInstanceOf(NullPointerException.class).hasMessage("unit is null");
        assertThatThrownBy(() -> w.schedule(null)).isInstanceOf(NullPointerException.class).hasMessage("run is null");
        assertThatThrownBy(() -> w.schedule(null, 1, TimeUnit.SECONDS)).isInstanceOf(NullPointerException.class).hasMessage("run is null");
        assertThatThrownBy(() -> w.schedulePeriodically(() -> {}, 1, 1, null)).isInstanceOf(NullPointerException.class)
                .hasMessage("unit is null");
        assertThatThrownBy(() -> s.schedulePeriodicallyDirect(null, 1, 1, TimeUnit.SECONDS))
                .isInstanceOf(NullPointerException.class).hasMessage("run is null");
        w.dispose();
    }

    // ------------------------------------------------------------------ helpers

    /** RxJavaPlugins.onError wraps what is not a bug in an UndeliverableException, for every scheduler. */
    private static void assertRejection(Throwable e) {
        assertThat(e).isInstanceOf(UndeliverableException.class).hasCauseInstanceOf(RejectedExecutionException.class);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(WAIT, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
