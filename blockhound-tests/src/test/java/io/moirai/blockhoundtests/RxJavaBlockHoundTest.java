package io.moirai.blockhoundtests;

import static org.assertj.core.api.Assertions.assertThat;

import io.moirai.Moirai;
import io.moirai.rxjava3.MoiraiRx;
import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.core.Scheduler;
import io.reactivex.rxjava3.core.Single;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.blockhound.BlockingOperationError;

/** BlockHound with RxJava on Moirai's schedulers: the compute scheduler is checked, the blocking one not. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RxJavaBlockHoundTest {

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
        moirai = Moirai.builder().workerThreads(2).threadNamePrefix("bh-rx").build();
        cpu = MoiraiRx.scheduler(moirai);
        io = MoiraiRx.blockingScheduler(moirai);
    }

    @AfterEach
    void stop() {
        cpu.shutdown();
        io.shutdown();
        moirai.close();
    }

    @Test
    void sleepingOnTheComputeSchedulerFailsAndOnTheBlockingOneDoesNot() {
        Single.fromCallable(() -> {
                    Thread.sleep(10);
                    return "slept";
                }).subscribeOn(cpu)
                .test().awaitDone(10, TimeUnit.SECONDS)
                .assertError(BlockingOperationError.class);
        assertThat(BlockHoundSupport.reports()).hasSize(1);
        BlockHoundSupport.clear();
        Single.fromCallable(() -> {
                    Thread.sleep(10);
                    return "slept";
                }).subscribeOn(io)
                .test().awaitDone(10, TimeUnit.SECONDS)
                .assertValue("slept");
        assertThat(Flowable.range(0, 10_000).observeOn(cpu).map(i -> i + 1).observeOn(io).count()
                .blockingGet()).isEqualTo(10_000L);
        assertThat(Flowable.interval(1, TimeUnit.MILLISECONDS, cpu).take(10).count().blockingGet()).isEqualTo(10L);
        assertThat(BlockHoundSupport.reports()).isEmpty();
    }
}
