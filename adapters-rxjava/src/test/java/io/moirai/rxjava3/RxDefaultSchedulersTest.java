package io.moirai.rxjava3;

import static io.moirai.rxjava3.RxTestSupport.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moirai.Moirai;
import io.reactivex.rxjava3.core.Completable;
import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.core.Scheduler;
import io.reactivex.rxjava3.core.Single;
import io.reactivex.rxjava3.disposables.Disposable;
import io.reactivex.rxjava3.functions.Function;
import io.reactivex.rxjava3.plugins.RxJavaPlugins;
import io.reactivex.rxjava3.processors.PublishProcessor;
import io.reactivex.rxjava3.schedulers.Schedulers;
import io.reactivex.rxjava3.subscribers.TestSubscriber;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link MoiraiRx#installDefaultSchedulers}: which of RxJava's default schedulers go where, the undo,
 * RxJava's plugin lockdown, and a slice of the time and thread operators that use the defaults. Each
 * operator test runs twice, once on RxJava's own schedulers and once with Moirai installed, and
 * expects the same result, only the threads differing: the runtime's {@code -worker-} threads for
 * computation and single work, its {@code -blocking-} threads for io and newThread work.
 *
 * <p>Time operators run in real time with short durations; every wait is bounded. Where an operator's
 * outcome depends on time (throttling, sampling, time buffers), the test either leaves a wide margin
 * or waits for the operator's own emission before it goes on.
 */
@Timeout(60)
class RxDefaultSchedulersTest {

    private static final String PREFIX = "rx-defaults";
    private static final String COMPUTE = PREFIX + "-worker-";
    private static final String BLOCKING = PREFIX + "-blocking-";
    private static final long WAIT = 10;

    /** Whose schedulers RxJava's defaults are during a test. */
    enum Defaults {
        RXJAVA("RxComputationThreadPool", "RxCachedThreadScheduler", "RxSingleScheduler", "RxNewThreadScheduler"),
        MOIRAI(COMPUTE, BLOCKING, COMPUTE, BLOCKING);

        final String computation;
        final String io;
        final String single;
        final String newThread;

        Defaults(String computation, String io, String single, String newThread) {
            this.computation = computation;
            this.io = io;
            this.single = single;
            this.newThread = newThread;
        }
    }

    private static Moirai moirai;
    private Disposable installation;

    @BeforeAll
    static void startRuntime() {
        moirai = Moirai.builder().workerThreads(2).threadNamePrefix(PREFIX).build();
    }

    @AfterAll
    static void stopRuntime() {
        moirai.close();
    }

    @AfterEach
    void uninstall() {
        if (installation != null) {
            installation.dispose();
            installation = null;
        }
        RxJavaPlugins.reset();
    }

    private void use(Defaults defaults) {
        if (defaults == Defaults.MOIRAI) {
            installation = MoiraiRx.installDefaultSchedulers(moirai);
        }
    }

    // ------------------------------------------------------------------ the installation itself

    /**
     * Installed, {@code Schedulers.computation()} and {@code single()} run on the compute workers,
     * {@code io()} and {@code newThread()} on the blocking pool, each returning one scheduler on every
     * call, as RxJava's defaults are singletons.
     */
    @Test
    void eachDefaultSchedulerRunsOnTheRuntimesThreads() throws Exception {
        use(Defaults.MOIRAI);
        assertThat(threadOf(Schedulers.computation())).startsWith(COMPUTE);
        assertThat(threadOf(Schedulers.single())).startsWith(COMPUTE);
        assertThat(threadOf(Schedulers.io())).startsWith(BLOCKING);
        assertThat(threadOf(Schedulers.newThread())).startsWith(BLOCKING);
        assertThat(Schedulers.computation()).isSameAs(Schedulers.computation());
        assertThat(Schedulers.single()).isSameAs(Schedulers.single());
        assertThat(Schedulers.io()).isSameAs(Schedulers.io()).isSameAs(Schedulers.newThread());
    }

    /**
     * Undoing restores the handlers that were there before (here a user's own computation handler, and
     * RxJava's defaults for the others), leaves a handler replaced since alone, and is idempotent.
     */
    @Test
    void undoRestoresThePreviousHandlersAndLeavesLaterOnesAlone() throws Exception {
        Function<Scheduler, Scheduler> own = s -> s;
        RxJavaPlugins.setComputationSchedulerHandler(own);
        Disposable d = MoiraiRx.installDefaultSchedulers(moirai);
        assertThat(d.isDisposed()).isFalse();
        Function<Scheduler, Scheduler> later = s -> s;
        RxJavaPlugins.setNewThreadSchedulerHandler(later); // someone else's, installed after ours
        d.dispose();
        assertThat(d.isDisposed()).isTrue();
        assertThat(RxJavaPlugins.getComputationSchedulerHandler()).isSameAs(own);
        assertThat(RxJavaPlugins.getIoSchedulerHandler()).isNull();
        assertThat(RxJavaPlugins.getSingleSchedulerHandler()).isNull();
        assertThat(RxJavaPlugins.getNewThreadSchedulerHandler()).isSameAs(later);
        d.dispose(); // idempotent
        assertThat(RxJavaPlugins.getComputationSchedulerHandler()).isSameAs(own);
        assertThat(threadOf(Schedulers.io())).startsWith("RxCachedThreadScheduler");
    }

    /** Two installations undone in reverse order leave RxJava as it was. */
    @Test
    void nestedInstallationsUndoInReverseOrder() throws Exception {
        try (Moirai other = Moirai.builder().workerThreads(1).threadNamePrefix("rx-defaults-other").build()) {
            Disposable outer = MoiraiRx.installDefaultSchedulers(moirai);
            Disposable inner = MoiraiRx.installDefaultSchedulers(other);
            assertThat(threadOf(Schedulers.computation())).startsWith("rx-defaults-other-worker-");
            inner.dispose();
            assertThat(threadOf(Schedulers.computation())).startsWith(COMPUTE);
            outer.dispose();
            assertThat(RxJavaPlugins.getComputationSchedulerHandler()).isNull();
            assertThat(threadOf(Schedulers.computation())).startsWith("RxComputationThreadPool");
        }
    }

    /**
     * Under {@code RxJavaPlugins.lockdown()} nothing can be installed: the call fails with
     * {@link IllegalStateException} and leaves every handler as it was; an installation made before
     * the lockdown cannot be undone either.
     */
    @Test
    void lockdownRefusesInstallAndUndo() throws Exception {
        Disposable before = MoiraiRx.installDefaultSchedulers(moirai);
        Function<? super Scheduler, ? extends Scheduler> installed = RxJavaPlugins.getComputationSchedulerHandler();
        RxJavaPlugins.lockdown();
        try {
            assertThatThrownBy(() -> MoiraiRx.installDefaultSchedulers(moirai))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("locked down");
            assertThatThrownBy(before::dispose).isInstanceOf(IllegalStateException.class).hasMessageContaining("locked down");
            assertThat(before.isDisposed()).isFalse();
            assertThat(RxJavaPlugins.getComputationSchedulerHandler()).isSameAs(installed);
        } finally {
            unlockRxJavaPlugins(); // test-only: RxJava offers no public unlock
        }
        before.dispose();
        assertThat(RxJavaPlugins.getComputationSchedulerHandler()).isNull();
    }

    @Test
    void aNullRuntimeIsRefused() {
        assertThatThrownBy(() -> MoiraiRx.installDefaultSchedulers(null))
                .isInstanceOf(NullPointerException.class).hasMessage("moirai is null");
    }

    /**
     * {@code Schedulers.single()} keeps RxJava's guarantee when installed: every task, direct or on
     * any of its workers, from any thread, runs one at a time, and each submitter's tasks in order.
     * Disposing one of its workers leaves the others and the direct tasks running.
     */
    @Test
    void singleRunsEveryTaskOneAtATimeInOrder() throws Exception {
        use(Defaults.MOIRAI);
        Scheduler single = Schedulers.single();
        Scheduler.Worker w1 = single.createWorker();
        Scheduler.Worker w2 = single.createWorker();
        Scheduler.Worker dropped = single.createWorker();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        int perSubmitter = 500;
        List<List<Integer>> seen = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(3 * perSubmitter);
        List<Thread> submitters = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
            List<Integer> order = new ArrayList<>(); // touched only by single's tasks, one at a time
            seen.add(order);
            int which = s;
            submitters.add(new Thread(() -> {
                for (int i = 0; i < perSubmitter; i++) {
                    int value = i;
                    Runnable task = () -> {
                        if (running.incrementAndGet() != 1) {
                            overlaps.incrementAndGet();
                        }
                        order.add(value);
                        running.decrementAndGet();
                        done.countDown();
                    };
                    switch (which) {
                        case 0 -> single.scheduleDirect(task);
                        case 1 -> w1.schedule(task);
                        default -> w2.schedule(task);
                    }
                }
            }));
        }
        AtomicInteger droppedRan = new AtomicInteger();
        dropped.schedule(droppedRan::incrementAndGet, 1, TimeUnit.HOURS);
        dropped.dispose();
        submitters.forEach(Thread::start);
        assertThat(done.await(WAIT, TimeUnit.SECONDS)).isTrue();
        for (Thread t : submitters) {
            t.join(TimeUnit.SECONDS.toMillis(WAIT));
        }
        assertThat(overlaps.get()).isZero();
        List<Integer> expected = IntStream.range(0, perSubmitter).boxed().toList();
        assertThat(seen).allSatisfy(order -> assertThat(order).isEqualTo(expected));
        assertThat(droppedRan.get()).isZero();
        w1.dispose();
        w2.dispose();
    }

    /**
     * A task on a compute worker that schedules another task on the same scheduler and waits for it
     * must not wait forever: another worker has to pick the new task up.
     *
     * <p>NOTE: this depends on core's compute scheduler waking a parked worker when a worker thread
     * submits work and then blocks (a fix made in core alongside this test). Each round starts with
     * both workers parked, so only that wake-up can run the inner task; each wait is bounded (5 s), so
     * a core that misses the wake-up fails this test instead of hanging the build.
     */
    @Test
    void aTaskWaitingForAnotherOfTheSameSchedulerIsNotStuck() throws Exception {
        use(Defaults.MOIRAI);
        Scheduler computation = Schedulers.computation();
        for (int round = 0; round < 20; round++) {
            awaitCondition(() -> moirai.metrics().parkedWorkers() == 2, "both workers parked");
            CompletableFuture<Boolean> outcome = new CompletableFuture<>();
            computation.scheduleDirect(() -> {
                CountDownLatch inner = new CountDownLatch(1);
                computation.scheduleDirect(inner::countDown);
                try {
                    outcome.complete(inner.await(5, TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                    outcome.completeExceptionally(e);
                }
            });
            assertThat(outcome.get(WAIT, TimeUnit.SECONDS)).as("round %d: the inner task ran", round).isTrue();
        }
    }

    // ------------------------------------------------------------------ operators on the defaults

    /** {@code observeOn(computation())}: every item, in order, on a computation thread. */
    @ParameterizedTest
    @EnumSource(Defaults.class)
    void observeOn(Defaults defaults) {
        use(defaults);
        Set<String> threads = ConcurrentHashMap.newKeySet();
        List<Integer> out = Flowable.range(1, 1_000)
                .observeOn(Schedulers.computation())
                .doOnNext(i -> threads.add(Thread.currentThread().getName()))
                .toList().timeout(WAIT, TimeUnit.SECONDS).blockingGet();
        assertThat(out).isEqualTo(IntStream.rangeClosed(1, 1_000).boxed().toList());
        assertThat(threads).allMatch(t -> t.startsWith(defaults.computation));
    }

    /** {@code subscribeOn}: the subscription runs on the chosen default scheduler's threads. */
    @ParameterizedTest
    @EnumSource(Defaults.class)
    void subscribeOn(Defaults defaults) {
        use(defaults);
        assertThat(subscribedOn(Schedulers.io())).startsWith(defaults.io);
        assertThat(subscribedOn(Schedulers.computation())).startsWith(defaults.computation);
        assertThat(subscribedOn(Schedulers.single())).startsWith(defaults.single);
        assertThat(subscribedOn(Schedulers.newThread())).startsWith(defaults.newThread);
    }

    /** {@code delay} (default: computation): items keep their order, none earlier than the delay. */
    @ParameterizedTest
    @EnumSource(Defaults.class)
    void delay(Defaults defaults) {
        use(defaults);
        Set<String> threads = ConcurrentHashMap.newKeySet();
        long start = System.nanoTime();
        List<Long> arrivals = Flowable.just(1, 2, 3)
                .delay(30, TimeUnit.MILLISECONDS)
                .doOnNext(i -> threads.add(Thread.currentThread().getName()))
                .map(i -> System.nanoTime() - start)
                .toList().timeout(WAIT, TimeUnit.SECONDS).blockingGet();
        assertThat(arrivals).hasSize(3).allMatch(t -> t >= TimeUnit.MILLISECONDS.toNanos(30));
        assertThat(Flowable.just(1, 2, 3).delay(5, TimeUnit.MILLISECONDS).toList().blockingGet())
                .containsExactly(1, 2, 3);
        assertThat(threads).allMatch(t -> t.startsWith(defaults.computation));
    }

    /** {@code interval} (default: computation): 0, 1, 2, ... each tick no earlier than its time. */
    @ParameterizedTest
    @EnumSource(Defaults.class)
    void interval(Defaults defaults) {
        use(defaults);
        Set<String> threads = ConcurrentHashMap.newKeySet();
        long start = System.nanoTime();
        List<Long> ticks = Flowable.interval(5, TimeUnit.MILLISECONDS)
                .take(5)
                .doOnNext(i -> {
                    threads.add(Thread.currentThread().getName());
                    assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(5 * (i + 1)));
                })
                .toList().timeout(WAIT, TimeUnit.SECONDS).blockingGet();
        assertThat(ticks).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(threads).allMatch(t -> t.startsWith(defaults.computation));
    }

    /** {@code timeout} (default: computation): a silent source times out, a prompt one does not. */
    @ParameterizedTest
    @EnumSource(Defaults.class)
    void timeout(Defaults defaults) {
        use(defaults);
        CompletableFuture<String> errorThread = new CompletableFuture<>();
        TestSubscriber<Object> silent = Flowable.never().timeout(30, TimeUnit.MILLISECONDS)
                .doOnError(e -> errorThread.complete(Thread.currentThread().getName()))
                .test();
        silent.awaitDone(WAIT, TimeUnit.SECONDS);
        silent.assertError(TimeoutException.class);
        assertThat(errorThread.getNow("none")).startsWith(defaults.computation);
        assertThat(Flowable.just(1).delay(5, TimeUnit.MILLISECONDS).timeout(WAIT, TimeUnit.SECONDS).blockingFirst())
                .isEqualTo(1);
    }

    /**
     * {@code throttleFirst}: the first item of a window passes, the rest of the window is dropped, and
     * the next window opens after the time: the two first items are pushed microseconds apart inside a
     * 200 ms window, the third after a 600 ms wait on the default scheduler.
     */
    @ParameterizedTest
    @EnumSource(Defaults.class)
    void throttleFirst(Defaults defaults) {
        use(defaults);
        PublishProcessor<Integer> source = PublishProcessor.create();
        TestSubscriber<Integer> ts = source.throttleFirst(200, TimeUnit.MILLISECONDS).test();
        source.onNext(1);
        source.onNext(2);
        Completable.timer(600, TimeUnit.MILLISECONDS).blockingAwait(WAIT, TimeUnit.SECONDS);
        source.onNext(3);
        source.onComplete();
        ts.awaitDone(WAIT, TimeUnit.SECONDS);
        ts.assertValues(1, 3).assertComplete();
    }

    /**
     * {@code throttleLast} and {@code sample} (the same operator): each period emits the latest item
     * pushed during it, on a computation thread. The test pushes, waits for the operator to emit the
     * latest value, then pushes again; items pushed together may be sampled together or one by one,
     * so the checks are that samples arrive in order and end with the latest.
     */
    @ParameterizedTest
    @EnumSource(Defaults.class)
    void throttleLastAndSample(Defaults defaults) {
        use(defaults);
        for (boolean throttleLast : new boolean[] {true, false}) {
            PublishProcessor<Integer> source = PublishProcessor.create();
            Flowable<Integer> sampled = throttleLast
                    ? source.throttleLast(20, TimeUnit.MILLISECONDS)
                    : source.sample(20, TimeUnit.MILLISECONDS);
            Set<String> threads = ConcurrentHashMap.newKeySet();
            TestSubscriber<Integer> ts = sampled.doOnNext(i -> threads.add(Thread.currentThread().getName())).test();
            source.onNext(1);
            source.onNext(2);
            ts.awaitCount(1);
            awaitLast(ts, 2);
            source.onNext(3);
            awaitLast(ts, 3);
            source.onComplete();
            ts.awaitDone(WAIT, TimeUnit.SECONDS).assertComplete().assertNoErrors();
            assertThat(ts.values()).isSorted().isSubsetOf(1, 2, 3).contains(2, 3).doesNotHaveDuplicates();
            assertThat(threads).isNotEmpty().allMatch(t -> t.startsWith(defaults.computation));
        }
    }

    /**
     * {@code buffer} and {@code window} with a time span: every item lands in exactly one buffer or
     * window, in order, and the spans are emitted on a computation thread (empty spans included, as
     * RxJava does).
     */
    @ParameterizedTest
    @EnumSource(Defaults.class)
    void bufferAndWindowWithTime(Defaults defaults) {
        use(defaults);
        List<Integer> items = IntStream.rangeClosed(1, 20).boxed().toList();

        PublishProcessor<Integer> forBuffer = PublishProcessor.create();
        Set<String> bufferThreads = ConcurrentHashMap.newKeySet();
        TestSubscriber<List<Integer>> buffers = forBuffer.buffer(10, TimeUnit.MILLISECONDS)
                .doOnNext(b -> bufferThreads.add(Thread.currentThread().getName()))
                .test();
        items.forEach(forBuffer::onNext);
        buffers.awaitCount(3); // at least two spans closed by the clock, not by completion
        forBuffer.onComplete();
        buffers.awaitDone(WAIT, TimeUnit.SECONDS).assertComplete();
        assertThat(buffers.values().stream().flatMap(List::stream).toList()).isEqualTo(items);
        assertThat(bufferThreads).isNotEmpty().allMatch(t -> t.startsWith(defaults.computation) || t.equals(testThread()));

        PublishProcessor<Integer> forWindow = PublishProcessor.create();
        Set<String> windowThreads = ConcurrentHashMap.newKeySet();
        TestSubscriber<List<Integer>> windows = forWindow.window(10, TimeUnit.MILLISECONDS)
                .doOnNext(w -> windowThreads.add(Thread.currentThread().getName()))
                .concatMapSingle(Flowable::toList)
                .test();
        items.forEach(forWindow::onNext);
        windows.awaitCount(3);
        forWindow.onComplete();
        windows.awaitDone(WAIT, TimeUnit.SECONDS).assertComplete();
        assertThat(windows.values().stream().flatMap(List::stream).toList()).isEqualTo(items);
        assertThat(windowThreads.stream().filter(t -> !t.equals(testThread())).collect(Collectors.toSet()))
                .isNotEmpty().allMatch(t -> t.startsWith(defaults.computation));
    }

    // ------------------------------------------------------------------ helpers

    private static String threadOf(Scheduler scheduler) throws Exception {
        CompletableFuture<String> name = new CompletableFuture<>();
        scheduler.scheduleDirect(() -> name.complete(Thread.currentThread().getName()));
        return name.get(WAIT, TimeUnit.SECONDS);
    }

    private static String subscribedOn(Scheduler scheduler) {
        return Single.fromCallable(() -> Thread.currentThread().getName())
                .subscribeOn(scheduler).timeout(WAIT, TimeUnit.SECONDS).blockingGet();
    }

    private static String testThread() {
        return Thread.currentThread().getName();
    }

    /** Waits until the subscriber's latest value is {@code value}. */
    private static void awaitLast(TestSubscriber<Integer> ts, int value) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT);
        for (;;) {
            List<Integer> values = ts.values();
            if (!values.isEmpty() && values.get(values.size() - 1) == value) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("no sample of " + value + " within the wait; got " + values);
            }
            ts.awaitCount(values.size() + 1); // the next sample (RxJava bounds this wait at 5 s)
        }
    }


    /** RxJavaPlugins.unlock() is package-private; tests that lock down must unlock for the others. */
    private static void unlockRxJavaPlugins() throws Exception {
        Method unlock = RxJavaPlugins.class.getDeclaredMethod("unlock");
        unlock.setAccessible(true);
        unlock.invoke(null);
    }
}
