package io.moirai.reactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moirai.Moirai;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.Disposable;
import reactor.core.Scannable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/** The Reactor Scheduler contract on Moirai's compute workers and blocking pool. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MoiraiSchedulerTest {

    static final long WAIT_S = 10;

    private Moirai moirai;
    private Scheduler compute;
    private Scheduler blocking;

    @BeforeEach
    void start() {
        moirai = Moirai.builder().workerThreads(2).threadNamePrefix("reactor-sched").build();
        compute = MoiraiReactor.scheduler(moirai);
        blocking = MoiraiReactor.blockingScheduler(moirai);
    }

    @AfterEach
    void stop() {
        compute.dispose();
        blocking.dispose();
        moirai.close();
    }

    private static void await(CountDownLatch latch) throws InterruptedException {
        assertThat(latch.await(WAIT_S, TimeUnit.SECONDS)).as("latch within %d s", WAIT_S).isTrue();
    }

    @Test
    void directTasksRunOnTheComputeWorkers() throws Exception {
        AtomicReference<String> thread = new AtomicReference<>();
        CountDownLatch ran = new CountDownLatch(1);
        compute.schedule(() -> {
            thread.set(Thread.currentThread().getName());
            ran.countDown();
        });
        await(ran);
        assertThat(thread.get()).startsWith("reactor-sched-worker");
    }

    @Test
    void aWorkerRunsItsTasksInOrderWithoutOverlap() throws Exception {
        Scheduler.Worker worker = compute.createWorker();
        int n = 20_000;
        List<Integer> order = new ArrayList<>(n); // no lock: the worker promises no overlap
        AtomicInteger running = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(1);
        Thread[] producers = new Thread[2];
        for (int p = 0; p < 2; p++) {
            int base = p * n / 2;
            producers[p] = new Thread(() -> {
                for (int i = 0; i < n / 2; i++) {
                    int v = base + i;
                    worker.schedule(() -> {
                        if (running.incrementAndGet() != 1) {
                            overlaps.incrementAndGet();
                        }
                        order.add(v);
                        running.decrementAndGet();
                        if (order.size() == n) {
                            done.countDown();
                        }
                    });
                }
            });
            producers[p].start();
        }
        await(done);
        assertThat(overlaps.get()).isZero();
        // per producer, submission order is kept
        int[] next = {0, n / 2};
        for (int v : order) {
            int p = v < n / 2 ? 0 : 1;
            assertThat(v).isEqualTo(next[p]);
            next[p]++;
        }
        worker.dispose();
    }

    @Test
    void disposingAWorkerCancelsItsPendingTasksAndRejectsNewOnes() throws Exception {
        Scheduler.Worker worker = compute.createWorker();
        CountDownLatch blocker = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        AtomicInteger ranAfter = new AtomicInteger();
        worker.schedule(() -> {
            started.countDown();
            try {
                blocker.await(WAIT_S, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        await(started);
        for (int i = 0; i < 10; i++) {
            worker.schedule(ranAfter::incrementAndGet);
        }
        AtomicInteger delayedRan = new AtomicInteger();
        worker.schedule(delayedRan::incrementAndGet, 20, TimeUnit.MILLISECONDS);
        worker.dispose();
        assertThat(worker.isDisposed()).isTrue();
        blocker.countDown();
        assertThatThrownBy(() -> worker.schedule(() -> { })).isInstanceOf(RejectedExecutionException.class);
        // prove quiescence: a fresh worker's task runs after the old one's queue was dropped
        CountDownLatch probe = new CountDownLatch(1);
        Scheduler.Worker other = compute.createWorker();
        other.schedule(probe::countDown, 50, TimeUnit.MILLISECONDS);
        await(probe);
        assertThat(ranAfter.get()).isZero();
        assertThat(delayedRan.get()).isZero();
        other.dispose();
    }

    @Test
    void disposingATaskBeforeItRunsPreventsIt() throws Exception {
        AtomicInteger ran = new AtomicInteger();
        Disposable d = compute.schedule(ran::incrementAndGet, 200, TimeUnit.MILLISECONDS);
        d.dispose();
        Scheduler.Worker w = compute.createWorker();
        Disposable wd = w.schedule(ran::incrementAndGet, 200, TimeUnit.MILLISECONDS);
        wd.dispose();
        assertThat(wd.isDisposed()).isTrue();
        CountDownLatch later = new CountDownLatch(1);
        compute.schedule(later::countDown, 400, TimeUnit.MILLISECONDS);
        await(later);
        assertThat(ran.get()).isZero();
        w.dispose();
    }

    @Test
    void delaysAreNeverEarly() throws Exception {
        int n = 30;
        CountDownLatch done = new CountDownLatch(n * 2);
        List<Long> early = new CopyOnWriteArrayList<>();
        Scheduler.Worker w = compute.createWorker();
        for (int i = 0; i < n; i++) {
            long delayMs = 1 + i % 15;
            long t0 = System.nanoTime();
            Runnable check = () -> {
                long elapsed = System.nanoTime() - t0;
                if (elapsed < TimeUnit.MILLISECONDS.toNanos(delayMs)) {
                    early.add(elapsed);
                }
                done.countDown();
            };
            compute.schedule(check, delayMs, TimeUnit.MILLISECONDS);
            w.schedule(check, delayMs, TimeUnit.MILLISECONDS);
        }
        await(done);
        assertThat(early).isEmpty();
        w.dispose();
    }

    @Test
    void equalDelaysRunInSchedulingOrderSoDelayedSignalsKeepTheirOrder() {
        // delaySequence schedules each value, then the completion, with the same delay on one worker
        for (int round = 0; round < 50; round++) {
            List<Integer> got = Flux.range(0, 20).delaySequence(Duration.ofMillis(1), compute)
                    .collectList().block(Duration.ofSeconds(WAIT_S));
            assertThat(got).as("round %d", round).containsExactlyElementsOf(java.util.stream.IntStream.range(0, 20).boxed().toList());
            assertThat(Mono.just(7).delayElement(Duration.ofMillis(1), compute).block(Duration.ofSeconds(WAIT_S))).isEqualTo(7);
        }
    }

    @Test
    void periodicTasksRunAtFixedRateAndStopOnDispose() throws Exception {
        for (Scheduler.Worker w : new Scheduler.Worker[] {null, compute.createWorker()}) {
            AtomicInteger runs = new AtomicInteger();
            CountDownLatch five = new CountDownLatch(5);
            long t0 = System.nanoTime();
            Runnable tick = () -> {
                runs.incrementAndGet();
                five.countDown();
            };
            Disposable d = w == null ? compute.schedulePeriodically(tick, 10, 10, TimeUnit.MILLISECONDS)
                    : w.schedulePeriodically(tick, 10, 10, TimeUnit.MILLISECONDS);
            await(five);
            assertThat(System.nanoTime() - t0).as("5 runs at 10 ms: never early").isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
            d.dispose();
            int after = runs.get();
            CountDownLatch settle = new CountDownLatch(1);
            compute.schedule(settle::countDown, 60, TimeUnit.MILLISECONDS);
            await(settle);
            assertThat(runs.get()).as("at most the run in flight at dispose").isLessThanOrEqualTo(after + 1);
            if (w != null) {
                w.dispose();
            }
        }
    }

    @Test
    void disposingTheSchedulerStopsPeriodicTasksAndRejectsNewWork() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch twice = new CountDownLatch(2);
        compute.schedulePeriodically(() -> {
            runs.incrementAndGet();
            twice.countDown();
        }, 0, 5, TimeUnit.MILLISECONDS);
        await(twice);
        compute.dispose();
        assertThat(compute.isDisposed()).isTrue();
        int after = runs.get();
        assertThatThrownBy(() -> compute.schedule(() -> { })).isInstanceOf(RejectedExecutionException.class);
        assertThatThrownBy(() -> compute.schedule(() -> { }, 1, TimeUnit.SECONDS)).isInstanceOf(RejectedExecutionException.class);
        assertThatThrownBy(() -> compute.createWorker().schedule(() -> { })).isInstanceOf(RejectedExecutionException.class);
        assertThat(moirai.spawn(() -> 1).join()).as("the runtime keeps running").isEqualTo(1);
        CountDownLatch settle = new CountDownLatch(1);
        blocking.schedule(settle::countDown, 30, TimeUnit.MILLISECONDS);
        await(settle);
        assertThat(runs.get()).isLessThanOrEqualTo(after + 1);
        assertThat(moirai.isShutdown()).isFalse();
    }

    @Test
    void disposeGracefullyLetsPendingTasksFinish() throws Exception {
        AtomicInteger ran = new AtomicInteger();
        compute.schedule(ran::incrementAndGet, 50, TimeUnit.MILLISECONDS);
        compute.schedulePeriodically(() -> { }, 0, 1, TimeUnit.MILLISECONDS);
        compute.disposeGracefully().block(Duration.ofSeconds(WAIT_S));
        assertThat(ran.get()).isEqualTo(1);
        assertThat(compute.isDisposed()).isTrue();
        assertThatThrownBy(() -> compute.schedule(() -> { })).isInstanceOf(RejectedExecutionException.class);
    }

    @Test
    void onScheduleHooksAreApplied() throws Exception {
        AtomicInteger wrapped = new AtomicInteger();
        Schedulers.onScheduleHook("moirai-test", r -> () -> {
            wrapped.incrementAndGet();
            r.run();
        });
        try {
            CountDownLatch ran = new CountDownLatch(3);
            compute.schedule(ran::countDown);
            compute.schedule(ran::countDown, 1, TimeUnit.MILLISECONDS);
            Scheduler.Worker w = compute.createWorker();
            w.schedule(ran::countDown);
            await(ran);
            assertThat(wrapped.get()).isEqualTo(3);
            w.dispose();
        } finally {
            Schedulers.resetOnScheduleHook("moirai-test");
        }
    }

    @Test
    void aThrowingTaskIsReportedAndTheWorkerGoesOn() throws Exception {
        List<Throwable> reported = new CopyOnWriteArrayList<>();
        Schedulers.onHandleError("moirai-test", (thread, error) -> reported.add(error));
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, error) -> { }); // keep the build log quiet
        try {
            Scheduler.Worker w = compute.createWorker();
            w.schedule(() -> {
                throw new IllegalStateException("task bug");
            });
            CountDownLatch after = new CountDownLatch(1);
            w.schedule(after::countDown);
            await(after);
            assertThat(reported).extracting(Throwable::getMessage).contains("task bug");
            w.dispose();
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(previous);
            Schedulers.resetOnHandleError("moirai-test");
        }
    }

    @Test
    void computeThreadsAreNonBlockingAndTheBlockingPoolIsNot() throws Exception {
        Mono<Boolean> onCompute = Mono.fromCallable(Schedulers::isInNonBlockingThread).subscribeOn(compute);
        assertThat(onCompute.block(Duration.ofSeconds(WAIT_S))).isTrue();
        Mono<Boolean> onBlocking = Mono.fromCallable(Schedulers::isInNonBlockingThread).subscribeOn(blocking);
        assertThat(onBlocking.block(Duration.ofSeconds(WAIT_S))).isFalse();
        // block() inside a compute worker fails as on Reactor's parallel scheduler
        Mono<String> blockInside = Mono.fromCallable(() -> Mono.just("x").delayElement(Duration.ofMillis(1)).block())
                .subscribeOn(compute);
        assertThatThrownBy(() -> blockInside.block(Duration.ofSeconds(WAIT_S)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("block");
        // ... and is allowed on the blocking pool
        Mono<String> blockOnPool = Mono.fromCallable(() -> Mono.just("x").delayElement(Duration.ofMillis(1)).block())
                .subscribeOn(blocking);
        assertThat(blockOnPool.block(Duration.ofSeconds(WAIT_S))).isEqualTo("x");
        assertThat(Schedulers.isInNonBlockingThread()).as("a plain thread").isFalse();
    }

    @Test
    void disposingABlockingTaskInterruptsIt() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        Disposable d = blocking.schedule(() -> {
            started.countDown();
            try {
                Thread.sleep(TimeUnit.SECONDS.toMillis(WAIT_S * 2));
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
        });
        await(started);
        d.dispose();
        await(interrupted);
    }

    @Test
    void scannableDescribesTheScheduler() {
        Scannable s = Scannable.from(compute);
        assertThat(s.isScanAvailable()).isTrue();
        assertThat(s.name()).contains("MoiraiReactor.scheduler");
        assertThat(s.scan(Scannable.Attr.CAPACITY)).isEqualTo(2);
        assertThat(Scannable.from(blocking).scan(Scannable.Attr.CAPACITY)).isEqualTo(moirai.maxBlockingThreads());
        assertThat(s.scan(Scannable.Attr.TERMINATED)).isFalse();
        Scheduler.Worker w = compute.createWorker();
        assertThat(Scannable.from(w).scan(Scannable.Attr.PARENT)).isSameAs(compute);
        w.dispose();
        compute.dispose();
        assertThat(s.scan(Scannable.Attr.TERMINATED)).isTrue();
    }

    @Test
    void initAndNowWork() {
        compute.init();
        long now = compute.now(TimeUnit.MILLISECONDS);
        assertThat(Math.abs(now - System.currentTimeMillis())).isLessThan(1_000);
    }

    @Test
    void publishOnAndSubscribeOnPipelinesOfAMillionElementsLoseNothing() {
        int n = 1_000_000;
        AtomicLong count = new AtomicLong();
        AtomicLong expectedNext = new AtomicLong();
        AtomicInteger outOfOrder = new AtomicInteger();
        Flux.range(0, n).hide()
                .subscribeOn(compute)
                .publishOn(compute, 256)
                .map(x -> x + 1)
                .publishOn(blocking)
                .doOnNext(x -> {
                    if (x - 1 != expectedNext.getAndIncrement()) {
                        outOfOrder.incrementAndGet();
                    }
                    count.incrementAndGet();
                })
                .blockLast(Duration.ofSeconds(30));
        assertThat(count.get()).isEqualTo(n);
        assertThat(outOfOrder.get()).isZero();
    }
}
