package io.moirai.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.moirai.Moirai;
import io.moirai.reactor.MoiraiReactor;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.observability.micrometer.Micrometer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Reactor's own instrumentation (reactor-core-micrometer's {@code Micrometer.timedScheduler}) around
 * {@link MoiraiReactor#scheduler}: the tasks still run on Moirai's compute workers, and the wrapper's
 * counters and timers see each kind of submission (direct, delayed, periodic) and each run.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TimedSchedulerTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String PREFIX = "moirai.reactor";
    private static final String SUBMITTED = PREFIX + ".scheduler.tasks.submitted";
    private static final String COMPLETED = PREFIX + ".scheduler.tasks.completed";

    @Test
    void tasksRunOnMoiraiWorkersAndEverySubmissionAndRunIsRecorded() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Tags tags = Tags.of("scheduler", "moirai");
        try (Moirai moirai = Moirai.builder().workerThreads(2).threadNamePrefix("timed").build()) {
            Scheduler timed = Micrometer.timedScheduler(MoiraiReactor.scheduler(moirai), registry, PREFIX, tags);
            Set<Boolean> onWorkers = ConcurrentHashMap.newKeySet();

            // direct submissions through a worker (publishOn) and on the scheduler itself
            List<Integer> squares = Flux.range(0, 1_000)
                    .publishOn(timed)
                    .map(i -> {
                        onWorkers.add(Moirai.isComputeThread(Thread.currentThread()));
                        return i * i;
                    })
                    .collectList()
                    .block(WAIT);
            assertThat(squares).hasSize(1_000);
            CountDownLatch ran = new CountDownLatch(1);
            timed.schedule(() -> {
                onWorkers.add(Moirai.isComputeThread(Thread.currentThread()));
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5)); // a run the timer can measure
                ran.countDown();
            });
            assertThat(ran.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();

            // a delayed submission (Moirai's timer wheel underneath) and a periodic one
            assertThat(Mono.delay(Duration.ofMillis(20), timed)
                    .doOnNext(tick -> onWorkers.add(Moirai.isComputeThread(Thread.currentThread())))
                    .block(WAIT)).isZero();
            assertThat(Flux.interval(Duration.ofMillis(5), timed)
                    .doOnNext(tick -> onWorkers.add(Moirai.isComputeThread(Thread.currentThread())))
                    .take(3)
                    .collectList()
                    .block(WAIT)).containsExactly(0L, 1L, 2L);

            assertThat(onWorkers).containsExactly(true);
            assertThat(submitted(registry, tags, "direct").count()).isGreaterThanOrEqualTo(2.0);
            assertThat(submitted(registry, tags, "delayed").count()).isEqualTo(1.0);
            assertThat(submitted(registry, tags, "periodic_initial").count()).isEqualTo(1.0);
            assertThat(submitted(registry, tags, "periodic_iteration").count()).isGreaterThanOrEqualTo(2.0);

            // every submission ran once: the completion timer catches up with the submission counters
            Timer completed = registry.get(COMPLETED).tags(tags).timer();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (completed.count() != totalSubmitted(registry, tags) && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat((double) completed.count()).isEqualTo(totalSubmitted(registry, tags));
            assertThat(completed.totalTime(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(5.0);
            assertThat(completed.max(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(5.0);
        }
    }

    @Test
    void disposingTheTimedSchedulerLeavesTheRuntimeRunning() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Moirai moirai = Moirai.builder().workerThreads(2).threadNamePrefix("timed-dispose").build()) {
            Scheduler timed = Micrometer.timedScheduler(MoiraiReactor.scheduler(moirai), registry, PREFIX, Tags.empty());
            assertThat(Mono.fromCallable(() -> 6 * 7).subscribeOn(timed).block(WAIT)).isEqualTo(42);
            timed.dispose();
            assertThat(timed.isDisposed()).isTrue();
            AtomicBoolean onWorker = new AtomicBoolean();
            assertThat(moirai.spawn(() -> {
                onWorker.set(Moirai.isComputeThread(Thread.currentThread()));
                return 1;
            }).join(WAIT)).isEqualTo(1);
            assertThat(onWorker).isTrue();
        }
    }

    private static Counter submitted(SimpleMeterRegistry registry, Tags tags, String type) {
        return registry.get(SUBMITTED).tags(tags).tag("submission.type", type).counter();
    }

    private static double totalSubmitted(SimpleMeterRegistry registry, Tags tags) {
        return registry.get(SUBMITTED).tags(tags).counters().stream().mapToDouble(Counter::count).sum();
    }
}
