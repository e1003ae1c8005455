package io.moirai.reactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.moirai.Moirai;
import io.moirai.reactor.internal.MoiraiSchedulersFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.Disposable;
import reactor.core.Scannable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/**
 * The contract Reactor's own schedulers keep (the behaviours reactor-core's scheduler test suite and
 * its {@code WorkerTask}/{@code SchedulerTask} implementations define), checked one behaviour per test
 * on every kind of Moirai scheduler: {@link MoiraiReactor#scheduler} (compute workers),
 * {@link MoiraiReactor#blockingScheduler} (blocking pool) and the serial scheduler that
 * {@code Schedulers.single()} becomes once Moirai is installed as Reactor's default.
 *
 * <p>Every wait is a latch, a future or the scheduler's own graceful-disposal {@code Mono} (which
 * completes only once every accepted task ended), each with a timeout; nothing sleeps to order events.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ReactorSchedulerContractTest {

    private static final long WAIT_S = 10;
    private static final Duration WAIT = Duration.ofSeconds(WAIT_S);

    enum Kind {
        COMPUTE, BLOCKING, SERIAL;

        Scheduler create(Moirai moirai) {
            return switch (this) {
                case COMPUTE -> MoiraiReactor.scheduler(moirai);
                case BLOCKING -> MoiraiReactor.blockingScheduler(moirai);
                case SERIAL -> new MoiraiSchedulersFactory(moirai).newSingle(Thread::new);
            };
        }
    }

    private static Moirai moirai;
    /** What reached the runtime's dropped-error handler (its threads' uncaught-exception handler). */
    private static final List<Throwable> DROPPED = new CopyOnWriteArrayList<>();
    private final List<Scheduler> created = new ArrayList<>();

    @BeforeAll
    static void startRuntime() {
        moirai = Moirai.builder().workerThreads(2).threadNamePrefix("reactor-contract")
                .droppedErrorHandler(DROPPED::add).build();
    }

    @AfterAll
    static void stopRuntime() {
        assertThat(moirai.shutdown(WAIT)).isTrue();
    }

    @AfterEach
    void disposeSchedulers() {
        created.forEach(Scheduler::dispose);
    }

    private Scheduler scheduler(Kind kind) {
        Scheduler s = kind.create(moirai);
        created.add(s);
        return s;
    }

    private static void await(CountDownLatch latch) throws InterruptedException {
        assertThat(latch.await(WAIT_S, TimeUnit.SECONDS)).as("latch within %d s", WAIT_S).isTrue();
    }

    /** Waits until every task the scheduler accepted ended (its graceful-disposal Mono). */
    private static void awaitTerminated(Scheduler s) {
        s.disposeGracefully().block(WAIT);
    }

    /** A task that signals it started, then waits for {@code release} (or an interrupt). */
    private static Runnable blocker(CountDownLatch started, CountDownLatch release, CountDownLatch interrupted) {
        return () -> {
            started.countDown();
            try {
                release.await(WAIT_S * 2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
        };
    }

    /** Reactor's schedulers accept {@code init()} any number of times while they are open. */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void initIsANoOpWhileOpen(Kind kind) throws Exception {
        Scheduler s = scheduler(kind);
        assertThatNoException().isThrownBy(s::init);
        assertThatNoException().isThrownBy(s::init);
        assertThat(s.isDisposed()).isFalse();
        CountDownLatch ran = new CountDownLatch(1);
        s.schedule(ran::countDown);
        await(ran);
    }

    /**
     * Reactor's schedulers throw {@link IllegalStateException} from {@code init()} after
     * {@code dispose()} and after {@code disposeGracefully()} ("Initializing a disposed scheduler is
     * not permitted").
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void initAfterDisposalThrowsIllegalStateException(Kind kind) {
        Scheduler forced = scheduler(kind);
        forced.dispose();
        assertThatThrownBy(forced::init).isInstanceOf(IllegalStateException.class);
        Scheduler graceful = scheduler(kind);
        graceful.disposeGracefully().block(WAIT);
        assertThatThrownBy(graceful::init).isInstanceOf(IllegalStateException.class);
    }

    /**
     * Reactor's schedulers restart on the deprecated {@code start()} after disposal (no longer
     * disposed, accepting tasks again); tasks cancelled by the disposal stay cancelled, and
     * {@code start()} on an open scheduler does nothing.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    @SuppressWarnings("deprecation")
    void startRestartsADisposedScheduler(Kind kind) throws Exception {
        Scheduler s = scheduler(kind);
        AtomicInteger stale = new AtomicInteger();
        Disposable before = s.schedule(stale::incrementAndGet, 1, TimeUnit.HOURS);
        s.dispose();
        assertThat(before.isDisposed()).isTrue();
        s.start();
        assertThat(s.isDisposed()).as("restarted").isFalse();
        s.start(); // open: nothing happens
        assertThat(s.isDisposed()).isFalse();
        CountDownLatch ran = new CountDownLatch(2);
        s.schedule(ran::countDown);
        s.createWorker().schedule(ran::countDown);
        await(ran);
        s.disposeGracefully().block(WAIT);
        assertThat(s.isDisposed()).isTrue();
        assertThat(stale.get()).isZero();
    }

    /** One way of scheduling a task: directly or through a worker, now or after a delay. */
    private interface Way {
        Disposable schedule(Runnable task);
    }

    /** The four one-shot ways: direct now, direct after 1 ms, worker now, worker after 1 ms. */
    private static List<Way> oneShotWays(Scheduler s, Scheduler.Worker w) {
        return List.of(s::schedule, r -> s.schedule(r, 1, TimeUnit.MILLISECONDS),
                w::schedule, r -> w.schedule(r, 1, TimeUnit.MILLISECONDS));
    }

    /**
     * Reactor's {@code WorkerTask} and {@code SchedulerTask} report {@code isDisposed() == false}
     * while the task runs, and {@code true} once it ended.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void aRunningTaskIsNotDisposedUntilItEnds(Kind kind) throws Exception {
        Scheduler s = scheduler(kind);
        Scheduler.Worker w = s.createWorker();
        List<Disposable> tasks = new ArrayList<>();
        for (Way way : oneShotWays(s, w)) {
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Disposable d = way.schedule(blocker(started, release, new CountDownLatch(1)));
            await(started);
            assertThat(d.isDisposed()).as("task %d while it runs", tasks.size()).isFalse();
            release.countDown();
            tasks.add(d);
        }
        awaitTerminated(s);
        assertThat(tasks).allSatisfy(d -> assertThat(d.isDisposed()).as("after it ended").isTrue());
    }

    /**
     * Reactor reports a running task disposed as soon as its {@code Disposable} is disposed; on the
     * blocking pool the task is interrupted (Reactor's {@code boundedElastic} cancels its
     * {@code Future} with interrupt); on the compute workers, which the whole runtime shares, it runs
     * to its end.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void disposingARunningTaskMarksItDisposedAndInterruptsItOnTheBlockingPool(Kind kind) throws Exception {
        Scheduler s = scheduler(kind);
        Scheduler.Worker w = s.createWorker();
        for (Way way : oneShotWays(s, w)) {
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch interrupted = new CountDownLatch(1);
            Disposable d = way.schedule(blocker(started, release, interrupted));
            await(started);
            d.dispose();
            assertThat(d.isDisposed()).isTrue();
            if (kind == Kind.BLOCKING) {
                await(interrupted);
            } else {
                release.countDown();
            }
            d.dispose(); // again: nothing happens
        }
        awaitTerminated(s);
    }

    /**
     * Reactor's {@code boundedElastic} interrupts a worker's running task when the worker is disposed
     * (its tasks are disposed with it) and when the scheduler is disposed ({@code shutdownNow}), for
     * direct, worker and periodic tasks alike.
     */
    @Test
    void blockingTasksAreInterruptedByWorkerAndSchedulerDisposal() throws Exception {
        Scheduler s = scheduler(Kind.BLOCKING);
        CountDownLatch release = new CountDownLatch(1); // never released: only interrupts end the tasks
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        Scheduler.Worker w = s.createWorker();
        w.schedule(blocker(started, release, interrupted));
        await(started);
        w.dispose();
        await(interrupted);

        CountDownLatch allStarted = new CountDownLatch(4);
        CountDownLatch allInterrupted = new CountDownLatch(4);
        Runnable task = blocker(allStarted, release, allInterrupted);
        s.createWorker().schedule(task);
        s.schedule(task);
        s.schedulePeriodically(task, 0, 1, TimeUnit.MILLISECONDS);
        s.createWorker().schedulePeriodically(task, 0, 1, TimeUnit.MILLISECONDS);
        await(allStarted);
        s.dispose();
        await(allInterrupted);
        awaitTerminated(s);
    }

    /**
     * The interrupt Reactor delivers to a disposed blocking task is for that task only: the task that
     * runs next on the same thread starts with a clear interrupt flag (Reactor's pool threads clear it
     * between tasks), even if the interrupted task set the flag again.
     */
    @Test
    void anInterruptNeverLeaksIntoTheNextTask() throws Exception {
        Scheduler s = scheduler(Kind.BLOCKING);
        Scheduler.Worker w = s.createWorker();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        Disposable first = w.schedule(() -> {
            started.countDown();
            try {
                new CountDownLatch(1).await(WAIT_S * 2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // keep the flag, as well-behaved code does
                interrupted.countDown();
            }
        });
        CompletableFuture<Boolean> nextSawInterrupt = new CompletableFuture<>();
        w.schedule(() -> nextSawInterrupt.complete(Thread.currentThread().isInterrupted()));
        await(started);
        first.dispose();
        await(interrupted);
        assertThat(nextSawInterrupt.get(WAIT_S, TimeUnit.SECONDS)).as("interrupt flag in the next task").isFalse();
    }

    /**
     * Reactor's disposed schedulers still hand out workers ({@code createWorker()} does not throw);
     * every {@code schedule} of such a worker throws {@link RejectedExecutionException}. So an
     * operator such as {@code bufferTimeout} subscribes normally and fails with that error when it
     * first needs its timer, as with Reactor's own disposed schedulers.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void aDisposedSchedulerHandsOutWorkersThatReject(Kind kind) {
        Scheduler s = scheduler(kind);
        s.dispose();
        Scheduler.Worker w = s.createWorker();
        assertThat(w.isDisposed()).isTrue();
        assertThatThrownBy(() -> w.schedule(() -> { })).isInstanceOf(RejectedExecutionException.class);
        assertThatThrownBy(() -> w.schedule(() -> { }, 1, TimeUnit.MILLISECONDS)).isInstanceOf(RejectedExecutionException.class);
        assertThatThrownBy(() -> w.schedulePeriodically(() -> { }, 1, 1, TimeUnit.MILLISECONDS))
                .isInstanceOf(RejectedExecutionException.class);
        AtomicBoolean subscribed = new AtomicBoolean();
        StepVerifier.create(Flux.range(1, 3).doOnSubscribe(sub -> subscribed.set(true))
                        .bufferTimeout(2, Duration.ofSeconds(1), s))
                .expectError(RejectedExecutionException.class)
                .verify(WAIT);
        assertThat(subscribed).as("the source was subscribed before the error").isTrue();
    }

    /**
     * Reactor's disposed workers reject further tasks with the shared {@code Exceptions.failWithRejected()}
     * instance ("Scheduler unavailable"), never run the tasks still waiting in them and report those
     * tasks disposed.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void aDisposedWorkerNeverRunsItsWaitingTasks(Kind kind) throws Exception {
        Scheduler s = scheduler(kind);
        Scheduler.Worker w = s.createWorker();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        w.schedule(blocker(started, release, new CountDownLatch(1)));
        await(started);
        AtomicInteger ran = new AtomicInteger();
        List<Disposable> waiting = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            waiting.add(w.schedule(ran::incrementAndGet));
        }
        waiting.add(w.schedule(ran::incrementAndGet, 1, TimeUnit.MILLISECONDS));
        waiting.add(w.schedulePeriodically(ran::incrementAndGet, 0, 1, TimeUnit.MILLISECONDS));
        w.dispose();
        assertThat(w.isDisposed()).isTrue();
        assertThat(waiting).allSatisfy(d -> assertThat(d.isDisposed()).isTrue());
        Throwable rejected = catchThrowable(() -> w.schedule(ran::incrementAndGet));
        assertThat(rejected).isInstanceOf(RejectedExecutionException.class).hasMessage("Scheduler unavailable")
                .isSameAs(reactor.core.Exceptions.failWithRejected());
        release.countDown();
        awaitTerminated(s);
        assertThat(ran.get()).isZero();
    }

    /**
     * Reactor's {@code dispose()} cancels every task still waiting on the scheduler and its workers
     * ({@code shutdownNow}): none of them runs, and each {@code Disposable} reports disposed.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void aDisposedSchedulerNeverRunsItsWaitingTasks(Kind kind) throws Exception {
        Scheduler s = scheduler(kind);
        Scheduler.Worker w = s.createWorker();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        w.schedule(blocker(started, release, new CountDownLatch(1)));
        await(started);
        AtomicInteger ran = new AtomicInteger();
        List<Disposable> waiting = new ArrayList<>();
        waiting.add(w.schedule(ran::incrementAndGet));
        waiting.add(w.schedule(ran::incrementAndGet, 5, TimeUnit.MILLISECONDS));
        waiting.add(s.schedule(ran::incrementAndGet, 5, TimeUnit.MILLISECONDS));
        waiting.add(s.schedule(ran::incrementAndGet, 1, TimeUnit.HOURS));
        waiting.add(s.schedulePeriodically(ran::incrementAndGet, 5, 5, TimeUnit.MILLISECONDS));
        s.dispose();
        assertThat(s.isDisposed()).isTrue();
        assertThat(waiting).allSatisfy(d -> assertThat(d.isDisposed()).isTrue());
        assertThatThrownBy(() -> s.schedule(ran::incrementAndGet)).isInstanceOf(RejectedExecutionException.class);
        release.countDown();
        awaitTerminated(s);
        assertThat(ran.get()).isZero();
        assertThat(moirai.isShutdown()).as("the runtime keeps running").isFalse();
    }

    /**
     * Reactor's task {@code Disposable}s: {@code false} while the task waits, {@code true} after it
     * ran, {@code true} after it was cancelled (and a cancelled task never runs).
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void aTaskDisposableReportsWaitingRunAndCancelled(Kind kind) throws Exception {
        Scheduler s = scheduler(kind);
        Scheduler.Worker w = s.createWorker();
        AtomicInteger cancelledRan = new AtomicInteger();
        List<Disposable> cancelled = List.of(s.schedule(cancelledRan::incrementAndGet, 1, TimeUnit.HOURS),
                w.schedule(cancelledRan::incrementAndGet, 1, TimeUnit.HOURS),
                s.schedulePeriodically(cancelledRan::incrementAndGet, 1, 1, TimeUnit.HOURS),
                w.schedulePeriodically(cancelledRan::incrementAndGet, 1, 1, TimeUnit.HOURS));
        assertThat(cancelled).allSatisfy(d -> assertThat(d.isDisposed()).as("waiting").isFalse());
        cancelled.forEach(Disposable::dispose);
        assertThat(cancelled).allSatisfy(d -> assertThat(d.isDisposed()).as("cancelled").isTrue());
        CountDownLatch ran = new CountDownLatch(2);
        Disposable direct = s.schedule(ran::countDown);
        Disposable onWorker = w.schedule(ran::countDown);
        await(ran);
        awaitTerminated(s);
        assertThat(direct.isDisposed()).as("ran").isTrue();
        assertThat(onWorker.isDisposed()).as("ran").isTrue();
        assertThat(cancelledRan.get()).isZero();
    }

    /**
     * Reactor's periodic tasks run at a fixed rate (run {@code k} never before
     * {@code initialDelay + k * period}) and stop for good once disposed (at most the run in flight
     * finishes).
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void periodicTasksRunAtFixedRateAndStopWhenDisposed(Kind kind) throws Exception {
        Scheduler s = scheduler(kind);
        Scheduler.Worker w = s.createWorker();
        AtomicInteger[] runs = {new AtomicInteger(), new AtomicInteger()};
        CountDownLatch fiveEach = new CountDownLatch(10);
        long t0 = System.nanoTime();
        List<Long> fifthRunAt = new CopyOnWriteArrayList<>();
        List<Disposable> periodic = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            AtomicInteger count = runs[i];
            Runnable tick = () -> {
                if (count.incrementAndGet() == 5) {
                    fifthRunAt.add(System.nanoTime() - t0);
                }
                fiveEach.countDown();
            };
            periodic.add(i == 0 ? s.schedulePeriodically(tick, 10, 10, TimeUnit.MILLISECONDS)
                    : w.schedulePeriodically(tick, 10, 10, TimeUnit.MILLISECONDS));
        }
        await(fiveEach);
        periodic.forEach(Disposable::dispose);
        int[] atDispose = {runs[0].get(), runs[1].get()};
        assertThat(fifthRunAt).allSatisfy(at -> assertThat(at).as("run 5 at 10 + 4 x 10 ms at the earliest")
                .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50)));
        assertThat(periodic).allSatisfy(d -> assertThat(d.isDisposed()).isTrue());
        awaitTerminated(s); // every run ended; a live periodic task would have kept it open
        assertThat(runs[0].get()).isLessThanOrEqualTo(atDispose[0] + 1);
        assertThat(runs[1].get()).isLessThanOrEqualTo(atDispose[1] + 1);
    }

    /**
     * Reactor ends a periodic task whose run throws ({@code ScheduledThreadPoolExecutor} semantics) and
     * hands the error to {@code Schedulers.onHandleError}; the task's {@code Disposable} then reports
     * disposed.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void aThrowingPeriodicTaskStopsAndIsReported(Kind kind) throws Exception {
        List<Throwable> reported = new CopyOnWriteArrayList<>();
        CountDownLatch two = new CountDownLatch(2);
        Schedulers.onHandleError("contract-periodic", (thread, error) -> {
            reported.add(error);
            two.countDown();
        });
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, error) -> { }); // Moirai's threads have none: quiet
        try {
            Scheduler s = scheduler(kind);
            AtomicInteger runs = new AtomicInteger();
            Runnable failing = () -> {
                runs.incrementAndGet();
                throw new IllegalStateException("periodic bug");
            };
            Disposable direct = s.schedulePeriodically(failing, 0, 1, TimeUnit.MILLISECONDS);
            Disposable onWorker = s.createWorker().schedulePeriodically(failing, 0, 1, TimeUnit.MILLISECONDS);
            await(two);
            awaitTerminated(s);
            assertThat(runs.get()).as("one run each").isEqualTo(2);
            assertThat(reported).extracting(Throwable::getMessage).containsExactly("periodic bug", "periodic bug");
            assertThat(direct.isDisposed()).isTrue();
            assertThat(onWorker.isDisposed()).isTrue();
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(previous);
            Schedulers.resetOnHandleError("contract-periodic");
        }
    }

    /**
     * Reactor hands what a scheduled task throws to the running thread's uncaught-exception handler
     * and then to {@code Schedulers.onHandleError}, with the thread that ran it; the thread, and a
     * worker's next task, go on.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void aThrowingTaskIsReportedAndTheWorkerGoesOn(Kind kind) throws Exception {
        List<String> reported = new CopyOnWriteArrayList<>();
        List<String> handled = new CopyOnWriteArrayList<>();
        List<Thread> threads = new CopyOnWriteArrayList<>();
        Schedulers.onHandleError("contract-task", (thread, error) -> {
            threads.add(thread);
            reported.add(error.getMessage());
        });
        // the runtime's threads have the runtime's dropped-error handler as their uncaught-exception handler
        DROPPED.clear();
        try {
            Scheduler s = scheduler(kind);
            Scheduler.Worker w = s.createWorker();
            List<Way> ways = oneShotWays(s, w);
            for (int i = 0; i < ways.size(); i++) {
                String message = "bug " + i;
                ways.get(i).schedule(() -> {
                    throw new IllegalStateException(message);
                });
            }
            CountDownLatch after = new CountDownLatch(1);
            w.schedule(after::countDown, 2, TimeUnit.MILLISECONDS);
            await(after);
            awaitTerminated(s);
            assertThat(reported).containsExactlyInAnyOrder("bug 0", "bug 1", "bug 2", "bug 3");
            DROPPED.forEach(error -> handled.add(error.getMessage()));
            assertThat(handled).as("the thread's handler saw them too").containsExactlyInAnyOrderElementsOf(reported);
            assertThat(threads).allSatisfy(t -> assertThat(t.getName()).startsWith("reactor-contract-"));
        } finally {
            Schedulers.resetOnHandleError("contract-task");
        }
    }

    /**
     * Reactor's schedulers reject null arguments; the adapter does so at the call, with a
     * {@link NullPointerException} naming the parameter (DESIGN.md's rule for bad input).
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void nullArgumentsAreRejectedAtTheCall(Kind kind) {
        Scheduler s = scheduler(kind);
        Scheduler.Worker w = s.createWorker();
        Runnable noop = () -> { };
        List<Executable> nullTask = List.of(() -> s.schedule(null), () -> s.schedule(null, 1, TimeUnit.SECONDS),
                () -> s.schedulePeriodically(null, 1, 1, TimeUnit.SECONDS), () -> w.schedule(null),
                () -> w.schedule(null, 1, TimeUnit.SECONDS), () -> w.schedulePeriodically(null, 1, 1, TimeUnit.SECONDS));
        List<Executable> nullUnit = List.of(() -> s.schedule(noop, 1, null), () -> s.schedulePeriodically(noop, 1, 1, null),
                () -> w.schedule(noop, 1, null), () -> w.schedulePeriodically(noop, 1, 1, null));
        assertThat(nullTask).allSatisfy(call -> assertThat(catchThrowable(call::execute))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("task"));
        assertThat(nullUnit).allSatisfy(call -> assertThat(catchThrowable(call::execute))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("unit"));
    }

    /**
     * {@code Scannable} attributes like Reactor's schedulers and workers: the scheduler's NAME,
     * CAPACITY, TERMINATED and CANCELLED (both "disposed") and BUFFERED (tasks and workers it
     * tracks); a worker's PARENT (its scheduler), NAME, BUFFERED (its tasks not yet ended, 0 once
     * disposed) and TERMINATED/CANCELLED.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void scannableAttributesDescribeSchedulerAndWorkers(Kind kind) {
        Scheduler s = scheduler(kind);
        Scannable scheduler = Scannable.from(s);
        assertThat(scheduler.isScanAvailable()).isTrue();
        assertThat(scheduler.name()).isEqualTo(s.toString()).contains("Moirai");
        int capacity = switch (kind) {
            case COMPUTE -> moirai.workerThreads();
            case BLOCKING -> moirai.maxBlockingThreads();
            case SERIAL -> 1;
        };
        assertThat(scheduler.scan(Scannable.Attr.CAPACITY)).isEqualTo(capacity);
        assertThat(scheduler.scan(Scannable.Attr.TERMINATED)).isFalse();
        assertThat(scheduler.scan(Scannable.Attr.CANCELLED)).isFalse();
        int bufferedBefore = scheduler.scan(Scannable.Attr.BUFFERED);
        Scheduler.Worker w = s.createWorker();
        Scannable worker = Scannable.from(w);
        assertThat(scheduler.scan(Scannable.Attr.BUFFERED)).isEqualTo(bufferedBefore + 1);
        assertThat(worker.scan(Scannable.Attr.PARENT)).isSameAs(s);
        assertThat(worker.name()).contains(s.toString());
        assertThat(worker.scan(Scannable.Attr.BUFFERED)).isZero();
        w.schedule(() -> { }, 1, TimeUnit.HOURS);
        w.schedulePeriodically(() -> { }, 1, 1, TimeUnit.HOURS);
        assertThat(worker.scan(Scannable.Attr.BUFFERED)).isEqualTo(2);
        assertThat(worker.scan(Scannable.Attr.TERMINATED)).isFalse();
        w.dispose();
        assertThat(worker.scan(Scannable.Attr.BUFFERED)).isZero();
        assertThat(worker.scan(Scannable.Attr.TERMINATED)).isTrue();
        assertThat(worker.scan(Scannable.Attr.CANCELLED)).isTrue();
        s.dispose();
        assertThat(scheduler.scan(Scannable.Attr.TERMINATED)).isTrue();
        assertThat(scheduler.scan(Scannable.Attr.CANCELLED)).isTrue();
    }

    /**
     * Reactor passes every task through the {@code Schedulers.onSchedule} hooks exactly once, when it
     * is scheduled (direct, delayed, periodic, on a worker), and runs what the hook returned.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void onScheduleHooksWrapEveryTaskOnce(Kind kind) throws Exception {
        AtomicInteger decorated = new AtomicInteger();
        AtomicInteger wrappedRuns = new AtomicInteger();
        Schedulers.onScheduleHook("contract-hook", r -> {
            decorated.incrementAndGet();
            return () -> {
                wrappedRuns.incrementAndGet();
                r.run();
            };
        });
        try {
            Scheduler s = scheduler(kind);
            Scheduler.Worker w = s.createWorker();
            CountDownLatch ran = new CountDownLatch(4);
            s.schedule(ran::countDown);
            s.schedule(ran::countDown, 1, TimeUnit.MILLISECONDS);
            w.schedule(ran::countDown);
            w.schedule(ran::countDown, 1, TimeUnit.MILLISECONDS);
            CountDownLatch firstPeriodicRuns = new CountDownLatch(2);
            List<Disposable> periodic = List.of(s.schedulePeriodically(firstPeriodicRuns::countDown, 0, 1, TimeUnit.HOURS),
                    w.schedulePeriodically(firstPeriodicRuns::countDown, 0, 1, TimeUnit.HOURS));
            assertThat(decorated.get()).as("decorated at schedule time").isEqualTo(6);
            await(ran);
            await(firstPeriodicRuns);
            periodic.forEach(Disposable::dispose);
            awaitTerminated(s);
            assertThat(wrappedRuns.get()).as("what the hook returned is what runs").isEqualTo(6);
            assertThat(decorated.get()).isEqualTo(6);
        } finally {
            Schedulers.resetOnScheduleHook("contract-hook");
        }
    }

    /**
     * Reactor's {@code disposeGracefully()} rejects new tasks at once, lets every accepted task run
     * (delayed ones included: {@code ScheduledThreadPoolExecutor.shutdown()}), and its {@code Mono}
     * completes only once they all ended.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void disposeGracefullyLetsAcceptedTasksFinishFirst(Kind kind) throws Exception {
        Scheduler s = scheduler(kind);
        Scheduler.Worker w = s.createWorker();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        w.schedule(blocker(started, release, interrupted));
        await(started);
        AtomicInteger ran = new AtomicInteger();
        w.schedule(ran::incrementAndGet);
        w.schedule(ran::incrementAndGet, 5, TimeUnit.MILLISECONDS);
        s.schedule(ran::incrementAndGet, 5, TimeUnit.MILLISECONDS);
        CompletableFuture<Void> done = s.disposeGracefully().toFuture();
        assertThat(s.isDisposed()).isTrue();
        assertThatThrownBy(() -> s.schedule(ran::incrementAndGet)).isInstanceOf(RejectedExecutionException.class);
        assertThatThrownBy(() -> w.schedule(ran::incrementAndGet)).isInstanceOf(RejectedExecutionException.class);
        assertThatThrownBy(() -> s.createWorker().schedule(ran::incrementAndGet)).isInstanceOf(RejectedExecutionException.class);
        assertThat(done).as("a task still runs").isNotDone();
        release.countDown();
        done.get(WAIT_S, TimeUnit.SECONDS);
        assertThat(ran.get()).isEqualTo(3);
        assertThat(interrupted.getCount()).as("a graceful disposal interrupts nothing").isOne();
    }

    /**
     * Reactor's {@code disposeGracefully()} may be called twice, its {@code Mono}s subscribed several
     * times, and called after {@code dispose()}: every subscription completes once the scheduler
     * terminated.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void disposeGracefullyTwiceAndAfterDisposeCompletes(Kind kind) {
        Scheduler s = scheduler(kind);
        Mono<Void> first = s.disposeGracefully();
        Mono<Void> second = s.disposeGracefully();
        StepVerifier.create(first).verifyComplete();
        StepVerifier.create(second).verifyComplete();
        StepVerifier.create(first).verifyComplete();
        Scheduler forced = scheduler(kind);
        forced.dispose();
        StepVerifier.create(forced.disposeGracefully()).expectComplete().verify(WAIT);
        forced.dispose(); // again: nothing happens
        StepVerifier.create(forced.disposeGracefully()).expectComplete().verify(WAIT);
    }

    /**
     * Reactor's {@code dispose()} after {@code disposeGracefully()} forces the end ({@code shutdownNow}
     * after {@code shutdown}): waiting tasks are cancelled, a running blocking task is interrupted, and
     * the graceful {@code Mono} completes once the running task ended.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void disposeAfterDisposeGracefullyForcesTheEnd(Kind kind) throws Exception {
        Scheduler s = scheduler(kind);
        Scheduler.Worker w = s.createWorker();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        w.schedule(blocker(started, release, interrupted));
        await(started);
        AtomicInteger ran = new AtomicInteger();
        Disposable queued = w.schedule(ran::incrementAndGet);
        Disposable delayed = s.schedule(ran::incrementAndGet, 1, TimeUnit.HOURS);
        CompletableFuture<Void> done = s.disposeGracefully().toFuture();
        assertThat(done).isNotDone();
        s.dispose();
        assertThat(queued.isDisposed()).isTrue();
        assertThat(delayed.isDisposed()).isTrue();
        if (kind == Kind.BLOCKING) {
            await(interrupted);
        } else {
            assertThat(done).as("the compute task still runs").isNotDone();
            release.countDown();
        }
        done.get(WAIT_S, TimeUnit.SECONDS);
        assertThat(ran.get()).isZero();
    }

    /**
     * Reactor's graceful disposal cancels periodic tasks (the executor's default policy) instead of
     * waiting for them forever; a run in progress finishes uninterrupted and the {@code Mono} waits
     * for it.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void disposeGracefullyStopsPeriodicTasks(Kind kind) throws Exception {
        Scheduler s = scheduler(kind);
        CountDownLatch ticking = new CountDownLatch(4);
        Disposable direct = s.schedulePeriodically(ticking::countDown, 0, 1, TimeUnit.MILLISECONDS);
        Disposable onWorker = s.createWorker().schedulePeriodically(ticking::countDown, 0, 1, TimeUnit.MILLISECONDS);
        await(ticking);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        AtomicInteger slowRuns = new AtomicInteger();
        Runnable slow = blocker(started, release, interrupted);
        Disposable inProgress = s.createWorker().schedulePeriodically(() -> {
            slowRuns.incrementAndGet();
            slow.run();
        }, 0, 1, TimeUnit.MILLISECONDS);
        await(started);
        CompletableFuture<Void> done = s.disposeGracefully().toFuture();
        assertThat(direct.isDisposed()).isTrue();
        assertThat(onWorker.isDisposed()).isTrue();
        assertThat(inProgress.isDisposed()).isTrue();
        assertThat(done).as("the run in progress holds the end").isNotDone();
        release.countDown();
        done.get(WAIT_S, TimeUnit.SECONDS);
        assertThat(interrupted.getCount()).as("not interrupted").isOne();
        assertThat(slowRuns.get()).as("no run after the graceful disposal").isOne();
    }

    /**
     * Reactor's parallel and single threads are non-blocking ({@code Schedulers.isInNonBlockingThread()}
     * is true there and {@code block()} fails); boundedElastic's are not. Moirai's compute workers play
     * the first part, its blocking pool the second.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void onlyComputeThreadsAreNonBlocking(Kind kind) {
        Scheduler s = scheduler(kind);
        boolean nonBlocking = kind != Kind.BLOCKING;
        assertThat(Mono.fromCallable(Schedulers::isInNonBlockingThread).subscribeOn(s).block(WAIT)).isEqualTo(nonBlocking);
        Mono<Integer> blockInside = Mono.fromCallable(() -> Mono.just(1).hide().block()).subscribeOn(s);
        if (nonBlocking) {
            assertThatThrownBy(() -> blockInside.block(WAIT)).isInstanceOf(IllegalStateException.class);
        } else {
            assertThat(blockInside.block(WAIT)).isEqualTo(1);
        }
    }

    /**
     * Reactor's executor-backed schedulers never run a task after their graceful disposal completed:
     * a {@code schedule} racing with {@code disposeGracefully()} is either rejected, or accepted and
     * run before the {@code Mono} completes.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void aTaskRacingGracefulDisposalRunsBeforeTheEndOrIsRejected(Kind kind) throws Exception {
        for (int round = 0; round < 100; round++) {
            Scheduler s = scheduler(kind);
            Scheduler.Worker w = s.createWorker();
            CompletableFuture<Void> done = new CompletableFuture<>();
            AtomicInteger accepted = new AtomicInteger();
            AtomicInteger ran = new AtomicInteger();
            AtomicInteger ranAfterEnd = new AtomicInteger();
            Runnable task = () -> {
                if (done.isDone()) {
                    ranAfterEnd.incrementAndGet();
                }
                ran.incrementAndGet();
            };
            CountDownLatch producing = new CountDownLatch(1);
            CompletableFuture<Void> producer = CompletableFuture.runAsync(() -> {
                producing.countDown();
                for (int i = 0; ; i++) {
                    try {
                        switch (i % 3) {
                            case 0 -> s.schedule(task);
                            case 1 -> w.schedule(task);
                            default -> w.schedule(task, 1, TimeUnit.MILLISECONDS);
                        }
                        accepted.incrementAndGet();
                    } catch (RejectedExecutionException rejected) {
                        return;
                    }
                }
            });
            await(producing);
            s.disposeGracefully().doOnSuccess(v -> done.complete(null)).toFuture().get(WAIT_S, TimeUnit.SECONDS);
            int ranAtEnd = ran.get();
            producer.get(WAIT_S, TimeUnit.SECONDS);
            assertThat(ranAtEnd).as("round %d: every accepted task ran before the end", round).isEqualTo(accepted.get());
            assertThat(ranAfterEnd.get()).as("round %d", round).isZero();
            created.remove(s);
        }
    }

    /**
     * Reactor's {@code single()} runs every task on one thread, one at a time. The serial scheduler
     * keeps that guarantee on the compute workers: direct tasks and the tasks of all its workers never
     * overlap, and each source's tasks run in the order they were scheduled.
     */
    @Test
    void aSerialSchedulerRunsEveryTaskOneAtATime() throws Exception {
        Scheduler s = scheduler(Kind.SERIAL);
        int sources = 4;
        int perSource = 5_000;
        AtomicInteger running = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        int[] next = new int[sources];
        AtomicInteger outOfOrder = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(sources * perSource);
        List<CompletableFuture<Void>> producers = new ArrayList<>();
        for (int p = 0; p < sources; p++) {
            int source = p;
            Scheduler.Worker w = p % 2 == 0 ? s.createWorker() : null; // odd sources schedule directly
            producers.add(CompletableFuture.runAsync(() -> {
                for (int i = 0; i < perSource; i++) {
                    int index = i;
                    Runnable task = () -> {
                        if (running.incrementAndGet() != 1) {
                            overlaps.incrementAndGet();
                        }
                        if (next[source]++ != index) { // plain field: safe only because tasks never overlap
                            outOfOrder.incrementAndGet();
                        }
                        running.decrementAndGet();
                        done.countDown();
                    };
                    if (w != null) {
                        w.schedule(task);
                    } else {
                        s.schedule(task);
                    }
                }
            }));
        }
        for (CompletableFuture<Void> p : producers) {
            p.get(WAIT_S, TimeUnit.SECONDS);
        }
        await(done);
        assertThat(overlaps.get()).isZero();
        assertThat(outOfOrder.get()).isZero();
    }
}
