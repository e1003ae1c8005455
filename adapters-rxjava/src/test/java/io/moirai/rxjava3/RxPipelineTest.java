package io.moirai.rxjava3;

import static org.assertj.core.api.Assertions.assertThat;

import io.moirai.Moirai;
import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.core.Scheduler;
import io.reactivex.rxjava3.core.Single;
import io.reactivex.rxjava3.plugins.RxJavaPlugins;
import io.reactivex.rxjava3.subscribers.TestSubscriber;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Whole RxJava pipelines on Moirai's schedulers: {@code observeOn} and {@code subscribeOn} over
 * 1,000,000 elements lose, duplicate and reorder nothing, and run on the runtime's threads.
 */
@Timeout(120)
class RxPipelineTest {

    private static final int N = 1_000_000;
    private static final String PREFIX = "rx-pipe";

    /** Which of the two schedulers a test runs on. */
    enum Kind {
        COMPUTE(MoiraiRx::scheduler),
        BLOCKING(MoiraiRx::blockingScheduler);

        final Function<Moirai, Scheduler> factory;

        Kind(Function<Moirai, Scheduler> factory) {
            this.factory = factory;
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
        assertThat(errors).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void observeOnDeliversAMillionElementsInOrder(Kind kind) {
        Scheduler s = kind.factory.apply(moirai);
        Set<String> threads = ConcurrentHashMap.newKeySet();
        TestSubscriber<Integer> ts = Flowable.range(0, N)
                .hide() // no fusion: every element crosses to the scheduler's thread through observeOn's queue
                .observeOn(s)
                .doOnNext(x -> threads.add(Thread.currentThread().getName()))
                .test();
        ts.awaitDone(60, TimeUnit.SECONDS).assertNoErrors().assertComplete();
        assertInOrder(ts.values());
        assertThat(threads).allSatisfy(t -> assertThat(t).startsWith(PREFIX));
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void subscribeOnDeliversAMillionElementsInOrder(Kind kind) {
        Scheduler s = kind.factory.apply(moirai);
        Set<String> threads = ConcurrentHashMap.newKeySet();
        TestSubscriber<Integer> ts = Flowable.range(0, N)
                .doOnNext(x -> threads.add(Thread.currentThread().getName()))
                .subscribeOn(s)
                .test();
        ts.awaitDone(60, TimeUnit.SECONDS).assertNoErrors().assertComplete();
        assertInOrder(ts.values());
        assertThat(threads).allSatisfy(t -> assertThat(t).startsWith(PREFIX));
    }

    /**
     * The hardest hand-off: the source emits on one worker, is consumed on another through a buffer
     * of 16, and every request travels back to the source's worker, so both workers are scheduled
     * tens of thousands of times.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void subscribeOnAndObserveOnWithASmallBufferLoseNothing(Kind kind) {
        Scheduler s = kind.factory.apply(moirai);
        TestSubscriber<Integer> ts = Flowable.range(0, N)
                .subscribeOn(s)
                .observeOn(s, false, 16)
                .test();
        ts.awaitDone(60, TimeUnit.SECONDS).assertNoErrors().assertComplete();
        assertInOrder(ts.values());
    }

    @Test
    void computeAndBlockingSchedulersChainTogether() {
        Scheduler compute = MoiraiRx.scheduler(moirai);
        Scheduler blocking = MoiraiRx.blockingScheduler(moirai);
        TestSubscriber<Integer> ts = Flowable.range(0, N)
                .hide()
                .observeOn(blocking)
                .map(x -> x)
                .observeOn(compute)
                .test();
        ts.awaitDone(60, TimeUnit.SECONDS).assertNoErrors().assertComplete();
        assertInOrder(ts.values());
    }

    @Test
    void parallelRailsOnTheComputeSchedulerSeeEveryElementOnce() {
        Scheduler s = MoiraiRx.scheduler(moirai);
        long expected = (long) N * (N - 1) / 2;
        Flowable.range(0, N)
                .parallel(4)
                .runOn(s)
                .map(x -> (long) x)
                .reduce(Long::sum)
                .reduce(Long::sum)
                .test()
                .awaitDone(60, TimeUnit.SECONDS)
                .assertResult(expected);
    }

    @Test
    void manySinglesRoundTripThroughSubscribeOn() {
        Scheduler s = MoiraiRx.scheduler(moirai);
        for (int i = 0; i < 10_000; i++) {
            int k = i;
            assertThat(Single.fromCallable(() -> k * 2).subscribeOn(s).blockingGet()).isEqualTo(2 * k);
        }
    }

    @Test
    void timedOperatorsRunOnMoiraisTimers() {
        Scheduler s = MoiraiRx.scheduler(moirai);
        Flowable.interval(1, TimeUnit.MILLISECONDS, s)
                .take(20)
                .test()
                .awaitDone(30, TimeUnit.SECONDS)
                .assertValueCount(20)
                .assertComplete();
        Flowable.range(0, 5)
                .concatMap(x -> Flowable.just(x).delay(2, TimeUnit.MILLISECONDS, s))
                .test()
                .awaitDone(30, TimeUnit.SECONDS)
                .assertResult(0, 1, 2, 3, 4);
    }

    private static void assertInOrder(List<Integer> values) {
        assertThat(values).hasSize(N);
        for (int i = 0; i < N; i++) {
            if (values.get(i) != i) {
                throw new AssertionError("element " + i + " is " + values.get(i));
            }
        }
    }
}
