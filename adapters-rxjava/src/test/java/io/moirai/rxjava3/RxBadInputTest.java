package io.moirai.rxjava3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.moirai.Moirai;
import io.moirai.stream.Channel;
import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.core.Scheduler;
import io.reactivex.rxjava3.disposables.Disposable;
import io.reactivex.rxjava3.exceptions.UndeliverableException;
import io.reactivex.rxjava3.plugins.RxJavaPlugins;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * Bad input to the RxJava 3 adapter, all at once: one table row per public method of {@link MoiraiRx}
 * and per method of the schedulers it returns, with null arguments, a shut-down runtime and a
 * scheduler that was shut down. Proves: each gets what DESIGN.md names ({@link NullPointerException}
 * naming the parameter at the call, in RxJava's words, such as {@code "run is null"};
 * {@link RejectedExecutionException} once the runtime or scheduler is shut down, which RxJava's
 * scheduler contract delivers to {@code RxJavaPlugins.onError} with a
 * disposed {@code Disposable}, as {@code Schedulers.computation()} does) and that the runtime still
 * works afterwards. Durations follow RxJava's contract: a zero or negative delay means "now"; the
 * rows that pass one check that the task runs at once.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RxBadInputTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Runnable NOOP = () -> { };
    private static final List<Throwable> PLUGIN_ERRORS = new CopyOnWriteArrayList<>();

    private static Moirai live;
    private static Moirai dead;

    record Row(String call, Executable action, Class<? extends Throwable> expected, String messagePart) {}

    @BeforeAll
    static void start() {
        RxJavaPlugins.setErrorHandler(PLUGIN_ERRORS::add);
        live = Moirai.builder().workerThreads(2).threadNamePrefix("rx-bad-live").build();
        dead = Moirai.builder().workerThreads(1).threadNamePrefix("rx-bad-dead").build();
        assertThat(dead.shutdown(WAIT)).isTrue();
    }

    @AfterAll
    static void stop() {
        RxJavaPlugins.reset();
        assertThat(live.shutdown(WAIT)).isTrue();
    }

    @TestFactory
    Stream<DynamicTest> everyPublicMethodRejectsBadInput() {
        List<Row> rows = new ArrayList<>();
        rows.add(npe("MoiraiRx.toFlowable(null)", () -> MoiraiRx.toFlowable(null), "publisher is null"));
        rows.add(npe("MoiraiRx.toSingle(null)", () -> MoiraiRx.toSingle(null), "task is null"));
        rows.add(npe("MoiraiRx.toMaybe(null)", () -> MoiraiRx.toMaybe(null), "task is null"));
        rows.add(npe("MoiraiRx.toCompletable(null)", () -> MoiraiRx.toCompletable(null), "task is null"));
        rows.add(npe("MoiraiRx.scheduler(null)", () -> MoiraiRx.scheduler(null), "moirai is null"));
        rows.add(npe("MoiraiRx.blockingScheduler(null)", () -> MoiraiRx.blockingScheduler(null), "moirai is null"));
        rows.add(npe("MoiraiRx.installDefaultSchedulers(null)", () -> MoiraiRx.installDefaultSchedulers(null), "moirai is null"));
        for (boolean blocking : new boolean[] {false, true}) {
            String name = blocking ? "blockingScheduler" : "scheduler";
            Supplier<Scheduler> s = () -> scheduler(live, blocking);
            rows.add(npe(name + ".scheduleDirect(null)", () -> s.get().scheduleDirect(null), "run is null"));
            rows.add(npe(name + ".scheduleDirect(null, 1 ms)", () -> s.get().scheduleDirect(null, 1, TimeUnit.MILLISECONDS), "run is null"));
            rows.add(npe(name + ".scheduleDirect(task, 1, null)", () -> s.get().scheduleDirect(NOOP, 1, null), "unit is null"));
            rows.add(npe(name + ".schedulePeriodicallyDirect(null, ..)",
                    () -> s.get().schedulePeriodicallyDirect(null, 1, 1, TimeUnit.MILLISECONDS), "run is null"));
            rows.add(npe(name + ".schedulePeriodicallyDirect(task, 1, 1, null)",
                    () -> s.get().schedulePeriodicallyDirect(NOOP, 1, 1, null), "unit is null"));
            rows.add(npe(name + ".createWorker().schedule(null)", () -> s.get().createWorker().schedule(null), "run is null"));
            rows.add(npe(name + ".createWorker().schedule(task, 1, null)", () -> s.get().createWorker().schedule(NOOP, 1, null), "unit is null"));
            rows.add(npe(name + ".createWorker().schedulePeriodically(null, ..)",
                    () -> s.get().createWorker().schedulePeriodically(null, 1, 1, TimeUnit.MILLISECONDS), "run is null"));
            rows.add(rejected("shut down runtime: " + name + ".scheduleDirect(task)", () -> scheduler(dead, blocking).scheduleDirect(NOOP)));
            rows.add(rejected("shut down runtime: " + name + ".scheduleDirect(task, 1 ms)",
                    () -> scheduler(dead, blocking).scheduleDirect(NOOP, 1, TimeUnit.MILLISECONDS)));
            rows.add(rejected("shut down runtime: " + name + ".createWorker().schedule(task)",
                    () -> scheduler(dead, blocking).createWorker().schedule(NOOP)));
            rows.add(rejected("shut down scheduler: " + name + ".scheduleDirect(task)", () -> {
                Scheduler sch = scheduler(live, blocking);
                sch.shutdown();
                return sch.scheduleDirect(NOOP);
            }));
            rows.add(rejected("shut down scheduler: " + name + ".schedulePeriodicallyDirect(task, ..)", () -> {
                Scheduler sch = scheduler(live, blocking);
                sch.shutdown();
                return sch.schedulePeriodicallyDirect(NOOP, 1, 1, TimeUnit.MILLISECONDS);
            }));
            rows.add(runsAtOnce(name + ".scheduleDirect(task, -5 ms) runs at once (RxJava's contract)",
                    latch -> s.get().scheduleDirect(latch::countDown, -5, TimeUnit.MILLISECONDS)));
            rows.add(runsAtOnce(name + ".createWorker().schedule(task, 0) runs at once (RxJava's contract)",
                    latch -> s.get().createWorker().schedule(latch::countDown, 0, TimeUnit.MILLISECONDS)));
        }
        rows.add(new Row("toFlowable(unicast receiver): a second subscriber -> onError", () -> {
            Channel<Integer> c = Channel.bounded(live, 1);
            Disposable first = MoiraiRx.toFlowable(c.receiver()).subscribe(v -> { }, e -> { });
            try {
                MoiraiRx.toFlowable(c.receiver()).timeout(WAIT.toMillis(), TimeUnit.MILLISECONDS).blockingFirst();
            } finally {
                first.dispose();
            }
        }, IllegalStateException.class, null));
        Stream<DynamicTest> table = rows.stream().map(r -> dynamicTest(
                r.call() + " -> " + (r.expected() == null ? "runs" : r.expected().getSimpleName()), () -> check(r)));
        return Stream.concat(table, Stream.of(dynamicTest("afterwards the runtime still works", RxBadInputTest::stillWorks)));
    }

    private static void check(Row r) {
        Throwable t = catchThrowable(r.action()::execute);
        if (r.expected() == null) {
            assertThat(t).as(r.call()).isNull();
            return;
        }
        assertThat(t).as(r.call()).isInstanceOf(r.expected());
        if (r.messagePart() != null) {
            assertThat(t).as(r.call()).hasMessageContaining(r.messagePart());
        }
    }

    private static void stillWorks() {
        Scheduler s = MoiraiRx.scheduler(live);
        try {
            assertThat(Flowable.range(0, 1_000).observeOn(s).map(i -> i * 2).reduce(0, Integer::sum)
                    .timeout(WAIT.toMillis(), TimeUnit.MILLISECONDS).blockingGet()).isEqualTo(999 * 1_000);
            assertThat(MoiraiRx.toSingle(live.spawn(() -> 42)).timeout(WAIT.toMillis(), TimeUnit.MILLISECONDS).blockingGet())
                    .isEqualTo(42);
            assertThat(live.metrics().workerThreads()).isEqualTo(2);
            assertThat(PLUGIN_ERRORS).as("errors delivered to RxJavaPlugins.onError outside the rejection rows").isEmpty();
        } finally {
            s.shutdown();
        }
    }

    private static Scheduler scheduler(Moirai m, boolean blocking) {
        return blocking ? MoiraiRx.blockingScheduler(m) : MoiraiRx.scheduler(m);
    }

    private static Row npe(String call, Executable action, String message) {
        return new Row(call, action, NullPointerException.class, message);
    }

    /**
     * A row whose call, per RxJava's scheduler contract, returns a disposed {@code Disposable} and
     * reports a {@link RejectedExecutionException} (wrapped in {@link UndeliverableException}) to
     * {@code RxJavaPlugins.onError}; the row rethrows that exception so the table checks its type.
     */
    private static Row rejected(String call, Supplier<Disposable> action) {
        return new Row(call, () -> {
            PLUGIN_ERRORS.clear();
            Disposable d = action.get();
            assertThat(d.isDisposed()).as("a rejected call returns a disposed Disposable").isTrue();
            assertThat(PLUGIN_ERRORS).hasSize(1);
            Throwable e = PLUGIN_ERRORS.remove(0);
            throw e instanceof UndeliverableException ? e.getCause() : e;
        }, RejectedExecutionException.class, null);
    }

    /** A row whose call must not throw and whose task must run within the wait. */
    private static Row runsAtOnce(String call, Consumer<CountDownLatch> schedule) {
        return new Row(call, () -> {
            CountDownLatch ran = new CountDownLatch(1);
            schedule.accept(ran);
            if (!ran.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                throw new AssertionError("the task did not run");
            }
        }, null, null);
    }
}
