package io.moirai.blockhoundtests;

import static org.assertj.core.api.Assertions.assertThat;

import io.moirai.Moirai;
import io.moirai.reactor.MoiraiReactor;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.test.StepVerifier;

/** BlockHound with Reactor on Moirai's schedulers: compute tasks are checked, blocking-pool tasks not. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ReactorBlockHoundTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private Moirai moirai;
    private Scheduler cpu;
    private Scheduler io;

    @BeforeAll
    static void installBlockHound() {
        BlockHoundSupport.install();
    }

    @BeforeEach
    void start() {
        BlockHoundSupport.clear();
        moirai = Moirai.builder().workerThreads(2).threadNamePrefix("bh-reactor").build();
        cpu = MoiraiReactor.scheduler(moirai);
        io = MoiraiReactor.blockingScheduler(moirai);
    }

    @AfterEach
    void stop() {
        cpu.dispose();
        io.dispose();
        moirai.close();
    }

    @Test
    void sleepingInASchedulerTaskFails() {
        StepVerifier.create(Mono.fromCallable(() -> {
                    Thread.sleep(10);
                    return "slept";
                }).subscribeOn(cpu))
                .expectError(BlockingOperationError.class)
                .verify(WAIT);
        StepVerifier.create(Flux.range(0, 3).publishOn(cpu).map(i -> {
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return i;
                }))
                .expectError(BlockingOperationError.class)
                .verify(WAIT);
        assertThat(BlockHoundSupport.reports()).hasSize(2);
    }

    @Test
    void theBlockingSchedulerMaySleep() {
        StepVerifier.create(Mono.fromCallable(() -> {
                    Thread.sleep(10);
                    return "slept";
                }).subscribeOn(io))
                .expectNext("slept")
                .verifyComplete();
        assertThat(BlockHoundSupport.reports()).isEmpty();
    }

    @Test
    void delaysPublishOnAndIntervalsTripNothing() throws Exception {
        assertThat(Mono.delay(Duration.ofMillis(20), cpu).block(WAIT)).isZero();
        List<Integer> squares = Flux.range(0, 20_000).publishOn(cpu).map(i -> i * i).collectList().block(WAIT);
        assertThat(squares).hasSize(20_000);
        assertThat(Flux.interval(Duration.ofMillis(2), cpu).take(20).count().block(WAIT)).isEqualTo(20L);
        assertThat(Flux.range(0, 50)
                .concatMap(i -> Mono.delay(Duration.ofMillis(1), cpu).thenReturn(i))
                .delayElements(Duration.ofMillis(1), cpu)
                .publishOn(io)
                .map(i -> i + 1)
                .publishOn(cpu)
                .reduce(0, Integer::sum)
                .block(WAIT)).isEqualTo(50 * 51 / 2);
        // a worker of each scheduler, tasks one at a time
        Scheduler.Worker w = cpu.createWorker();
        try {
            StepVerifier.create(Flux.range(0, 100).publishOn(cpu, 4).subscribeOn(io)).expectNextCount(100).verifyComplete();
        } finally {
            w.dispose();
        }
        moirai.delay(Duration.ofMillis(100)).join(WAIT); // and idle for a moment
        assertThat(BlockHoundSupport.reports()).isEmpty();
    }
}
