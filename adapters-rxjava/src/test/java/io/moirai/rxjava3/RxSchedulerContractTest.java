package io.moirai.rxjava3;

import static io.moirai.rxjava3.RxTestSupport.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moirai.Moirai;
import io.reactivex.rxjava3.core.Scheduler;
import io.reactivex.rxjava3.disposables.Disposable;
import io.reactivex.rxjava3.exceptions.UndeliverableException;
import io.reactivex.rxjava3.plugins.RxJavaPlugins;
import io.reactivex.rxjava3.schedulers.SchedulerRunnableIntrospection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * RxJava's own scheduler contract, one behaviour per test, on both of {@link MoiraiRx}'s schedulers:
 * what a {@link Disposable} reports and when, what disposal and shutdown interrupt, what a scheduler
 * hands out after {@code shutdown()}, how periodic tasks keep their rate and end, and how bad
 * arguments are refused. Each test names the RxJava class or test whose behaviour it mirrors (RxJava
 * 3.1: {@code ScheduledRunnable}, {@code ScheduledDirectTask}, {@code ComputationScheduler},
 * {@code IoScheduler}, {@code ExecutorScheduler}, {@code AbstractSchedulerTests}). The compute
 * scheduler stands for {@code Schedulers.computation()} and {@code Schedulers.from(executor)} (never
 * interrupting); the blocking one for {@code Schedulers.io()} and
 * {@code Schedulers.from(executor, true)} (interrupting).
 *
 * <p>Waits are latches and futures with timeouts; the few "nothing more happens" checks give the
 * runtime a window measured by one of its own timers.
 */
@Timeout(60)
class RxSchedulerContractTest {

    private static final long WAIT = 10;

    /** The scheduler under test. */
    enum Kind {
        COMPUTE(MoiraiRx::scheduler, false),
        BLOCKING(MoiraiRx::blockingScheduler, true);

        final Function<Moirai, Scheduler> factory;
        final boolean interrupts;

        Kind(Function<Moirai, Scheduler> factory, boolean interrupts) {
            this.factory = factory;
            this.interrupts = interrupts;
        }
    }

    private Moirai moirai;
    private final List<Throwable> errors = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() {
        moirai = Moirai.builder().workerThreads(2).threadNamePrefix("rx-contract").build();
        RxJavaPlugins.setErrorHandler(errors::add);
    }

    @AfterEach
    void tearDown() {
        RxJavaPlugins.reset();
        moirai.close();
    }

    // ------------------------------------------------------------------ arguments

    /**
     * A null runnable fails at the call with RxJava's message {@code "run is null"}, on every entry
     * point, as {@code RxJavaPlugins.onSchedule} words it for RxJava's own schedulers
     * ({@code AbstractSchedulerTests.scheduleDirectNullRunnable} and its siblings).
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void aNullRunnableIsRefusedWithRxJavasMessage(Kind kind) {
        Scheduler s = kind.factory.apply(moirai);
        Scheduler.Worker w = s.createWorker();
        assertNpe(() -> s.scheduleDirect(null), "run is null");
        assertNpe(() -> s.scheduleDirect(null, 1, TimeUnit.MILLISECONDS), "run is null");
        assertNpe(() -> s.schedulePeriodicallyDirect(null, 1, 1, TimeUnit.MILLISECONDS), "run is null");
        assertNpe(() -> w.schedule(null), "run is null");
        assertNpe(() -> w.schedule(null, 1, TimeUnit.MILLISECONDS), "run is null");
        assertNpe(() -> w.schedulePeriodically(null, 1, 1, TimeUnit.MILLISECONDS), "run is null");
        w.dispose();
        assertThat(errors).isEmpty();
    }

    /** A null time unit fails at the call with RxJava's wording, {@code "unit is null"}. */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void aNullUnitIsRefusedWithRxJavasMessage(Kind kind) {
        Scheduler s = kind.factory.apply(moirai);
        Scheduler.Worker w = s.createWorker();
        Runnable noop = () -> { };
        assertNpe(() -> s.scheduleDirect(noop, 1, null), "unit is null");
        assertNpe(() -> s.schedulePeriodicallyDirect(noop, 1, 1, null), "unit is null");
        assertNpe(() -> w.schedule(noop, 1, null), "unit is null");
        assertNpe(() -> w.schedulePeriodically(noop, 1, 1, null), "unit is null");
        w.dispose();
    }

    // ------------------------------------------------------------------ what a Disposable reports

    /**
     * A worker task reports {@code isDisposed() == false} while it waits and while it runs, and
     * {@code true} once it has ended, normally or by throwing: RxJava's {@code ScheduledRunnable} moves
     * its parent slot to {@code DONE} when {@code run()} returns, and {@code isDisposed()} reads it.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void aWorkerTaskIsLiveWhileItRunsAndDisposedOnceItEnds(Kind kind) throws Exception {
        Scheduler.Worker w = kind.factory.apply(moirai).createWorker();
        Gate gate = new Gate();
        Disposable running = w.schedule(gate);
        Disposable waiting = w.schedule(() -> { });
        RuntimeException boom = new RuntimeException("boom");
        Disposable throwing = w.schedule(() -> {
            throw boom;
        });
        CompletableFuture<Boolean> seenByNext = new CompletableFuture<>();
        w.schedule(() -> seenByNext.complete(running.isDisposed() && waiting.isDisposed() && throwing.isDisposed()));
        gate.awaitStarted();
        assertThat(running.isDisposed()).as("running").isFalse();
        assertThat(waiting.isDisposed()).as("queued behind it").isFalse();
        gate.release();
        // FIFO: the last task runs after the others have returned
        assertThat(seenByNext.get(WAIT, TimeUnit.SECONDS)).as("all three ended").isTrue();
        assertThat(errors).singleElement().satisfies(e -> assertThat(e).hasRootCause(boom));
        w.dispose();
    }

    /**
     * A direct task reports {@code isDisposed() == false} while it runs and {@code true} once it
     * ended, also when it threw: RxJava's {@code ScheduledDirectTask} sets {@code FINISHED} in a
     * {@code finally} ({@code ExecutorSchedulerTest.runnableDisposedAsync} and
     * {@code runnableDisposedAsyncCrash}).
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void aDirectTaskIsLiveWhileItRunsAndDisposedOnceItEnds(Kind kind) throws Exception {
        Scheduler s = kind.factory.apply(moirai);
        Gate gate = new Gate();
        Disposable d = s.scheduleDirect(gate);
        gate.awaitStarted();
        assertThat(d.isDisposed()).isFalse();
        gate.release();
        awaitCondition(d::isDisposed, "the ended task reports disposed");
        assertThat(gate.interrupted.get(WAIT, TimeUnit.SECONDS)).isFalse();

        Disposable crashed = s.scheduleDirect(() -> {
            throw new IllegalStateException("crash");
        });
        awaitCondition(crashed::isDisposed, "the task that threw reports disposed");
        awaitCondition(() -> errors.size() == 1, "its error reported");
    }

    /**
     * Disposing a worker disposes its tasks: those queued or waiting for their delay report
     * {@code isDisposed()} and never run, and the one running reports it too. RxJava's
     * {@code ComputationScheduler.EventLoopWorker.dispose()} disposes the container that holds every
     * {@code ScheduledRunnable} of the worker (parent slot {@code PARENT_DISPOSED}).
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void theTasksOfADisposedWorkerReportDisposedAndNeverRun(Kind kind) throws Exception {
        Scheduler.Worker w = kind.factory.apply(moirai).createWorker();
        Gate gate = new Gate();
        Disposable running = w.schedule(gate);
        AtomicInteger ran = new AtomicInteger();
        Disposable queued = w.schedule(ran::incrementAndGet);
        Disposable delayed = w.schedule(ran::incrementAndGet, 1, TimeUnit.HOURS);
        Disposable periodic = w.schedulePeriodically(ran::incrementAndGet, 1, 1, TimeUnit.HOURS);
        gate.awaitStarted();
        w.dispose();
        assertThat(running.isDisposed()).as("running").isTrue();
        assertThat(queued.isDisposed()).as("queued").isTrue();
        assertThat(delayed.isDisposed()).as("delayed").isTrue();
        assertThat(periodic.isDisposed()).as("periodic").isTrue();
        gate.release();
        assertThat(gate.ended.await(WAIT, TimeUnit.SECONDS)).isTrue();
        awaitCondition(() -> moirai.metrics().pendingTimers() == 0, "the worker's timers cancelled");
        moirai.delay(Duration.ofMillis(50)).join(); // a window in which a dropped task would have run
        assertThat(ran.get()).isZero();
        assertThat(errors).isEmpty();
    }

    /**
     * The {@code Disposable} of a direct task and of a periodic one exposes the runnable it runs
     * ({@link SchedulerRunnableIntrospection}), as RxJava's {@code ScheduledDirectTask} and periodic
     * tasks do ({@code AbstractSchedulerTests.unwrapScheduleDirectTask},
     * {@code unwrapDefaultPeriodicTask}); with an {@code onSchedule} hook, that is the hook's wrapper.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void aTaskExposesTheRunnableItRuns(Kind kind) {
        Scheduler s = kind.factory.apply(moirai);
        Runnable plain = () -> { };
        Disposable direct = s.scheduleDirect(plain, 1, TimeUnit.HOURS);
        Disposable periodic = s.schedulePeriodicallyDirect(plain, 1, 1, TimeUnit.HOURS);
        assertThat(((SchedulerRunnableIntrospection) direct).getWrappedRunnable()).isSameAs(plain);
        assertThat(((SchedulerRunnableIntrospection) periodic).getWrappedRunnable()).isSameAs(plain);
        direct.dispose();
        periodic.dispose();

        Runnable wrapper = () -> { };
        RxJavaPlugins.setScheduleHandler(r -> wrapper);
        Disposable hooked = s.createWorker().schedule(plain, 1, TimeUnit.HOURS);
        assertThat(((SchedulerRunnableIntrospection) hooked).getWrappedRunnable()).isSameAs(wrapper);
        hooked.dispose();
    }

    // ------------------------------------------------------------------ interrupts

    /**
     * Disposing a running task from another thread interrupts it on the blocking scheduler, as
     * RxJava's {@code ScheduledRunnable} (disposed asynchronously: {@code Future.cancel(true)}) and
     * {@code Schedulers.from(executor, true)} do ({@code ExecutorSchedulerInterruptibleTest
     * .interruptibleWorkerTask}, {@code interruptibleDirectTask}); the compute scheduler, like
     * {@code Schedulers.from(executor)}, lets it finish ({@code nonInterruptibleWorkerTask}). Either
     * way the {@code Disposable} reports disposed at once.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void disposingARunningTaskInterruptsItOnlyOnTheBlockingScheduler(Kind kind) throws Exception {
        Scheduler s = kind.factory.apply(moirai);
        Scheduler.Worker w = s.createWorker();
        for (boolean onWorker : new boolean[] {true, false}) {
            Gate gate = new Gate();
            Disposable d = onWorker ? w.schedule(gate) : s.scheduleDirect(gate);
            gate.awaitStarted();
            d.dispose();
            assertThat(d.isDisposed()).isTrue();
            if (!kind.interrupts) {
                gate.release();
            }
            assertThat(gate.interrupted.get(WAIT, TimeUnit.SECONDS)).as(onWorker ? "worker task" : "direct task")
                    .isEqualTo(kind.interrupts);
        }
        w.dispose();
    }

    /**
     * {@code shutdown()} interrupts the running tasks of the blocking scheduler, on workers and direct,
     * as {@code Schedulers.io()}'s does ({@code IoScheduler.shutdown()} disposes every
     * {@code ThreadWorker}, whose executor's {@code shutdownNow()} interrupts); the compute scheduler's
     * running tasks finish. The {@code Disposable}s of both report disposed, and the interrupt never
     * outlives the task: the thread's next task starts uninterrupted.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void shutdownInterruptsRunningTasksOnlyOnTheBlockingScheduler(Kind kind) throws Exception {
        Scheduler s = kind.factory.apply(moirai);
        Gate onWorker = new Gate();
        Gate direct = new Gate();
        Disposable d1 = s.createWorker().schedule(onWorker);
        Disposable d2 = s.scheduleDirect(direct);
        onWorker.awaitStarted();
        direct.awaitStarted();
        s.shutdown();
        assertThat(d1.isDisposed()).isTrue();
        assertThat(d2.isDisposed()).isTrue();
        if (!kind.interrupts) {
            onWorker.release();
            direct.release();
        }
        assertThat(onWorker.interrupted.get(WAIT, TimeUnit.SECONDS)).as("worker task").isEqualTo(kind.interrupts);
        assertThat(direct.interrupted.get(WAIT, TimeUnit.SECONDS)).as("direct task").isEqualTo(kind.interrupts);
        assertThat(onWorker.ended.await(WAIT, TimeUnit.SECONDS)).isTrue();
        assertThat(direct.ended.await(WAIT, TimeUnit.SECONDS)).isTrue();
        // the scheduler's threads come back clean: work after a restart starts uninterrupted
        s.start();
        CompletableFuture<Boolean> later = new CompletableFuture<>();
        s.createWorker().schedule(() -> later.complete(Thread.currentThread().isInterrupted()));
        assertThat(later.get(WAIT, TimeUnit.SECONDS)).isFalse();
        assertThat(errors).isEmpty();
    }

    // ------------------------------------------------------------------ lifecycle

    /**
     * After {@code shutdown()}, {@code createWorker()} still hands out a worker that is not disposed,
     * and each task given to it is refused: a {@link RejectedExecutionException} reaches
     * {@code RxJavaPlugins.onError} and the call returns the disposed {@code Disposable}; nothing
     * throws and nothing runs. That is what RxJava's {@code ComputationScheduler} does with its
     * {@code SHUTDOWN_WORKER} ({@code ComputationSchedulerTests.shutdownRejects}). Once the worker is
     * disposed, its calls keep returning the disposed {@code Disposable}.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void aWorkerCreatedAfterShutdownIsLiveAndRefusesEachTask(Kind kind) throws Exception {
        Scheduler s = kind.factory.apply(moirai);
        s.shutdown();
        Scheduler.Worker w = s.createWorker();
        assertThat(w.isDisposed()).isFalse();
        AtomicInteger ran = new AtomicInteger();
        assertThat(w.schedule(ran::incrementAndGet)).isSameAs(Disposable.disposed());
        assertThat(w.schedule(ran::incrementAndGet, 1, TimeUnit.MILLISECONDS)).isSameAs(Disposable.disposed());
        assertThat(w.schedulePeriodically(ran::incrementAndGet, 1, 1, TimeUnit.MILLISECONDS)).isSameAs(Disposable.disposed());
        assertThat(errors).hasSize(3).allSatisfy(RxSchedulerContractTest::assertRejected);
        w.dispose();
        assertThat(w.isDisposed()).isTrue();
        assertThat(w.schedule(ran::incrementAndGet)).isSameAs(Disposable.disposed());
        moirai.delay(Duration.ofMillis(20)).join();
        assertThat(ran.get()).isZero();
    }

    /**
     * {@code shutdown()} disposes what is pending: delayed and periodic tasks, direct or on workers,
     * report {@code isDisposed()} and their timers are cancelled, as RxJava's
     * {@code ComputationScheduler.shutdown()} disposes every pool worker and with it each task.
     * Shutting down twice does nothing more, and reports nothing.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void shutdownDisposesEveryPendingTask(Kind kind) {
        Scheduler s = kind.factory.apply(moirai);
        Scheduler.Worker w = s.createWorker();
        Runnable noop = () -> { };
        List<Disposable> pending = List.of(
                s.scheduleDirect(noop, 1, TimeUnit.HOURS),
                s.schedulePeriodicallyDirect(noop, 1, 1, TimeUnit.HOURS),
                w.schedule(noop, 1, TimeUnit.HOURS),
                w.schedulePeriodically(noop, 1, 1, TimeUnit.HOURS));
        awaitCondition(() -> moirai.metrics().pendingTimers() == 4, "four timers pending");
        assertThat(pending).noneMatch(Disposable::isDisposed);
        s.shutdown();
        s.shutdown();
        assertThat(pending).allMatch(Disposable::isDisposed);
        assertThat(w.isDisposed()).isTrue();
        awaitCondition(() -> moirai.metrics().pendingTimers() == 0, "the timers cancelled");
        assertThat(errors).isEmpty();
    }

    /**
     * {@code start()} after {@code shutdown()} serves new work again, while the workers handed out
     * before the shutdown stay shut down, as with RxJava's {@code ComputationScheduler}, whose
     * {@code start()} creates a new pool and leaves old workers on the disposed one.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void startServesNewWorkButOldWorkersStayShutDown(Kind kind) throws Exception {
        Scheduler s = kind.factory.apply(moirai);
        Scheduler.Worker old = s.createWorker();
        s.shutdown();
        s.start();
        s.start();
        CompletableFuture<Boolean> direct = new CompletableFuture<>();
        CompletableFuture<Boolean> onWorker = new CompletableFuture<>();
        s.scheduleDirect(() -> direct.complete(true));
        s.createWorker().schedule(() -> onWorker.complete(true), 1, TimeUnit.MILLISECONDS);
        assertThat(direct.get(WAIT, TimeUnit.SECONDS)).isTrue();
        assertThat(onWorker.get(WAIT, TimeUnit.SECONDS)).isTrue();
        assertThat(old.schedule(() -> { })).isSameAs(Disposable.disposed());
        assertThat(errors).singleElement().satisfies(RxSchedulerContractTest::assertRejected);
    }

    // ------------------------------------------------------------------ periodic tasks

    /**
     * A periodic task whose run throws stops: the error reaches {@code RxJavaPlugins.onError}, no
     * further run happens and its {@code Disposable} reports disposed, direct or on a worker, as with
     * RxJava's {@code ScheduledDirectPeriodicTask} and {@code ComputationSchedulerTests
     * .periodicTaskShouldStopOnError}.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void aPeriodicTaskThatThrowsStopsAndItsErrorReachesOnError(Kind kind) throws Exception {
        Scheduler s = kind.factory.apply(moirai);
        Scheduler.Worker w = s.createWorker();
        AtomicInteger runs = new AtomicInteger();
        Runnable failing = () -> {
            runs.incrementAndGet();
            throw new IllegalStateException("periodic failure");
        };
        Disposable direct = s.schedulePeriodicallyDirect(failing, 0, 1, TimeUnit.MILLISECONDS);
        Disposable onWorker = w.schedulePeriodically(failing, 0, 1, TimeUnit.NANOSECONDS);
        awaitCondition(() -> errors.size() == 2, "both errors reported");
        // RxJavaPlugins.onError passes an IllegalStateException on unwrapped (it counts as a bug)
        assertThat(errors).allSatisfy(e -> assertThat(e).isInstanceOf(IllegalStateException.class)
                .hasMessage("periodic failure"));
        assertThat(direct.isDisposed()).isTrue();
        assertThat(onWorker.isDisposed()).isTrue();
        moirai.delay(Duration.ofMillis(30)).join(); // thirty periods
        assertThat(runs.get()).isEqualTo(2);
        assertThat(errors).hasSize(2);
        w.dispose();
    }

    /**
     * A periodic task keeps a fixed rate: run {@code k} never starts before
     * {@code initialDelay + k * period}, and after a slow run the runs that fell due meanwhile follow
     * at once instead of each waiting a full period, as with {@code scheduleAtFixedRate}, which
     * RxJava's {@code NewThreadWorker.schedulePeriodicallyDirect} uses (and as
     * {@code Scheduler.Worker}'s default periodic task computes each start from the first).
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void aPeriodicTaskKeepsAFixedRateAndCatchesUpAfterASlowRun(Kind kind) throws Exception {
        Scheduler s = kind.factory.apply(moirai);
        long period = TimeUnit.MILLISECONDS.toNanos(100);
        List<Long> starts = new CopyOnWriteArrayList<>();
        CountDownLatch tenRuns = new CountDownLatch(10);
        CountDownLatch slowRunHeld = new CountDownLatch(1);
        long t0 = System.nanoTime();
        Disposable d = s.schedulePeriodicallyDirect(() -> {
            starts.add(System.nanoTime());
            if (starts.size() == 1) {
                // the first run lasts ten periods: runs 1 to 9 fall due meanwhile
                awaitQuietly(slowRunHeld, TimeUnit.NANOSECONDS.toMillis(10 * period));
            }
            tenRuns.countDown();
        }, 0, 100, TimeUnit.MILLISECONDS);
        assertThat(tenRuns.await(WAIT, TimeUnit.SECONDS)).isTrue();
        d.dispose();
        for (int k = 0; k < 10; k++) {
            assertThat(starts.get(k) - t0).as("run %d not early", k).isGreaterThanOrEqualTo(k * period);
        }
        // a fixed delay would need nine more periods (900 ms) after the slow run; a fixed rate none
        assertThat(starts.get(9) - starts.get(1)).as("runs 1 to 9 follow at once").isLessThan(8 * period);
    }

    /**
     * A zero period runs the task again as soon as each run ends, until disposed, direct or on a
     * worker ({@code AbstractSchedulerTests.schedulePeriodicallyDirectZeroPeriod}, RxJava's
     * {@code InstantPeriodicTask}); disposing it from inside a run ends it there.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void aZeroPeriodRepeatsAtOnceUntilDisposed(Kind kind) throws Exception {
        Scheduler s = kind.factory.apply(moirai);
        Scheduler.Worker w = s.createWorker();
        for (boolean onWorker : new boolean[] {true, false}) {
            AtomicInteger runs = new AtomicInteger();
            AtomicReference<Disposable> self = new AtomicReference<>();
            CountDownLatch scheduled = new CountDownLatch(1);
            CountDownLatch tenth = new CountDownLatch(1);
            Runnable task = () -> {
                awaitQuietly(scheduled, WAIT * 1000);
                if (runs.incrementAndGet() == 10) {
                    self.get().dispose();
                    tenth.countDown();
                }
            };
            self.set(onWorker ? w.schedulePeriodically(task, 0, 0, TimeUnit.MILLISECONDS)
                    : s.schedulePeriodicallyDirect(task, 0, 0, TimeUnit.MILLISECONDS));
            scheduled.countDown();
            assertThat(tenth.await(WAIT, TimeUnit.SECONDS)).isTrue();
            assertThat(self.get().isDisposed()).isTrue();
            moirai.delay(Duration.ofMillis(20)).join();
            assertThat(runs.get()).isEqualTo(10);
        }
        w.dispose();
        assertThat(errors).isEmpty();
    }

    // ------------------------------------------------------------------ helpers

    /** A task that waits until released (or interrupted) and reports which. */
    private static final class Gate implements Runnable {
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch released = new CountDownLatch(1);
        final CountDownLatch ended = new CountDownLatch(1);
        final CompletableFuture<Boolean> interrupted = new CompletableFuture<>();

        @Override
        public void run() {
            started.countDown();
            try {
                released.await(WAIT, TimeUnit.SECONDS);
                interrupted.complete(false);
            } catch (InterruptedException e) {
                interrupted.complete(true);
            } finally {
                ended.countDown();
            }
        }

        void awaitStarted() throws InterruptedException {
            assertThat(started.await(WAIT, TimeUnit.SECONDS)).as("the task started").isTrue();
        }

        void release() {
            released.countDown();
        }
    }

    private static void assertNpe(ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOf(NullPointerException.class).hasMessage(message);
    }

    /** A refusal, as RxJavaPlugins.onError delivers it: an UndeliverableException around the cause. */
    private static void assertRejected(Throwable e) {
        assertThat(e).isInstanceOf(UndeliverableException.class).hasCauseInstanceOf(RejectedExecutionException.class);
    }

    private static void awaitQuietly(CountDownLatch latch, long millis) {
        try {
            latch.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
