package io.moirai.reactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.moirai.Moirai;
import io.moirai.stream.Channel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;

/**
 * Bad input to the Reactor adapter, all at once: one table row per public method of
 * {@link MoiraiReactor} and per method of the schedulers it returns, with null arguments, a shut-down
 * runtime, a disposed scheduler and a disposed worker. Proves: each gets the exception DESIGN.md
 * names ({@link NullPointerException} naming the parameter; {@link RejectedExecutionException} once
 * the runtime is shut down or the scheduler or worker disposed, as Reactor's own schedulers throw) and
 * the runtime and a fresh scheduler still work afterwards. Durations passed to a Reactor
 * {@code Scheduler} follow Reactor's contract rather than DESIGN.md's: a zero or negative delay means
 * "now", as on Reactor's own schedulers; the last rows check that they run at once.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ReactorBadInputTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Runnable NOOP = () -> { };

    private static Moirai live;
    private static Moirai dead;

    record Row(String call, Executable action, Class<? extends Throwable> expected, String messagePart) {}

    @BeforeAll
    static void start() {
        live = Moirai.builder().workerThreads(2).threadNamePrefix("reactor-bad-live").build();
        dead = Moirai.builder().workerThreads(1).threadNamePrefix("reactor-bad-dead").build();
        assertThat(dead.shutdown(WAIT)).isTrue();
    }

    @AfterAll
    static void stop() {
        assertThat(live.shutdown(WAIT)).isTrue();
    }

    @TestFactory
    Stream<DynamicTest> everyPublicMethodRejectsBadInput() {
        List<Row> rows = new ArrayList<>();
        rows.add(npe("MoiraiReactor.toMono(null)", () -> MoiraiReactor.toMono(null), "task"));
        rows.add(npe("MoiraiReactor.toFlux(null)", () -> MoiraiReactor.toFlux(null), "publisher"));
        rows.add(npe("MoiraiReactor.scheduler(null)", () -> MoiraiReactor.scheduler(null), "moirai"));
        rows.add(npe("MoiraiReactor.blockingScheduler(null)", () -> MoiraiReactor.blockingScheduler(null), "moirai"));
        for (boolean blocking : new boolean[] {false, true}) {
            String name = blocking ? "blockingScheduler" : "scheduler";
            rows.add(ree("shut down runtime: " + name + ".schedule(task)", () -> scheduler(dead, blocking).schedule(NOOP)));
            rows.add(ree("shut down runtime: " + name + ".schedule(task, 1 ms)",
                    () -> scheduler(dead, blocking).schedule(NOOP, 1, TimeUnit.MILLISECONDS)));
            rows.add(ree("shut down runtime: " + name + ".schedulePeriodically",
                    () -> scheduler(dead, blocking).schedulePeriodically(NOOP, 1, 1, TimeUnit.MILLISECONDS)));
            rows.add(ree("shut down runtime: " + name + ".createWorker().schedule(task, 1 ms)",
                    () -> scheduler(dead, blocking).createWorker().schedule(NOOP, 1, TimeUnit.MILLISECONDS)));
            rows.add(ree("shut down runtime: " + name + ".createWorker().schedulePeriodically",
                    () -> scheduler(dead, blocking).createWorker().schedulePeriodically(NOOP, 1, 1, TimeUnit.MILLISECONDS)));
            rows.add(ree("disposed: " + name + ".schedule(task)", () -> {
                Scheduler s = scheduler(live, blocking);
                s.dispose();
                s.schedule(NOOP);
            }));
            rows.add(ree("disposed: " + name + ".createWorker().schedule(task)", () -> {
                Scheduler s = scheduler(live, blocking);
                s.dispose();
                s.createWorker().schedule(NOOP);
            }));
            rows.add(ree("disposed worker: " + name + ".createWorker().schedule(task, 1 ms)", () -> {
                Scheduler.Worker w = scheduler(live, blocking).createWorker();
                w.dispose();
                w.schedule(NOOP, 1, TimeUnit.MILLISECONDS);
            }));
            rows.add(runsAtOnce(name + ".schedule(task, -5 ms) runs at once (Reactor's contract)",
                    latch -> scheduler(live, blocking).schedule(latch::countDown, -5, TimeUnit.MILLISECONDS)));
            rows.add(runsAtOnce(name + ".createWorker().schedule(task, 0) runs at once (Reactor's contract)",
                    latch -> scheduler(live, blocking).createWorker().schedule(latch::countDown, 0, TimeUnit.MILLISECONDS)));
        }
        rows.add(new Row("toFlux(unicast receiver): a second subscriber -> onError", () -> {
            Channel<Integer> c = Channel.bounded(live, 1);
            reactor.core.Disposable first = MoiraiReactor.toFlux(c.receiver()).subscribe();
            try {
                MoiraiReactor.toFlux(c.receiver()).blockFirst(WAIT);
            } finally {
                first.dispose();
            }
        }, IllegalStateException.class, null));
        Stream<DynamicTest> table = rows.stream().map(r -> dynamicTest(
                r.call() + " -> " + (r.expected() == null ? "runs" : r.expected().getSimpleName()), () -> check(r)));
        return Stream.concat(table, Stream.of(dynamicTest("afterwards the runtime still works", ReactorBadInputTest::stillWorks)));
    }

    /**
     * Reactor's own schedulers accept a null task and fail only when it runs; DESIGN.md asks for a
     * {@code NullPointerException} naming the parameter at the call, which the adapter gives.
     */
    @Test
    void aNullTaskIsRejectedAtTheCall() throws Exception {
        for (boolean blocking : new boolean[] {false, true}) {
            Scheduler s = scheduler(live, blocking);
            check(npe("schedule(null)", () -> s.schedule(null), "task"));
            check(npe("schedule(null, 1 ms)", () -> s.schedule(null, 1, TimeUnit.MILLISECONDS), "task"));
            check(npe("schedule(task, 1, null unit)", () -> s.schedule(NOOP, 1, null), "unit"));
            check(npe("schedulePeriodically(null, ..)", () -> s.schedulePeriodically(null, 1, 1, TimeUnit.MILLISECONDS), "task"));
            check(npe("createWorker().schedule(null)", () -> s.createWorker().schedule(null), "task"));
            s.dispose();
        }
    }

    /**
     * A worker of a runtime that was shut down must refuse an immediate task at the call, as its
     * delayed and periodic {@code schedule} calls and the scheduler's own {@code schedule} do.
     */
    @Test
    void aWorkerOfAShutDownRuntimeRejectsAnImmediateTaskAtTheCall() throws Exception {
        for (boolean blocking : new boolean[] {false, true}) {
            CountDownLatch ran = new CountDownLatch(1);
            Scheduler.Worker w = scheduler(dead, blocking).createWorker();
            Throwable t = catchThrowable(() -> w.schedule(ran::countDown));
            assertThat(ran.await(100, TimeUnit.MILLISECONDS)).as("the task ran").isFalse();
            assertThat(t).as("createWorker().schedule(task) on a shut-down runtime (blocking=%s)", blocking)
                    .isInstanceOf(RejectedExecutionException.class);
        }
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
        Scheduler s = MoiraiReactor.scheduler(live);
        try {
            assertThat(Flux.range(0, 1_000).publishOn(s).map(i -> i * 2).reduce(0, Integer::sum).block(WAIT))
                    .isEqualTo(999 * 1_000);
            assertThat(MoiraiReactor.toMono(live.spawn(() -> 42)).block(WAIT)).isEqualTo(42);
            assertThat(MoiraiReactor.toMono(live.spawnBlocking(() -> 7)).subscribeOn(MoiraiReactor.blockingScheduler(live))
                    .block(WAIT)).isEqualTo(7);
            assertThat(live.metrics().workerThreads()).isEqualTo(2);
        } finally {
            s.dispose();
        }
    }

    private static Scheduler scheduler(Moirai m, boolean blocking) {
        return blocking ? MoiraiReactor.blockingScheduler(m) : MoiraiReactor.scheduler(m);
    }

    private static Row npe(String call, Executable action, String parameter) {
        return new Row(call, action, NullPointerException.class, parameter);
    }

    private static Row ree(String call, Executable action) {
        return new Row(call, action, RejectedExecutionException.class, null);
    }

    /** A row whose call must not throw and whose task must run within the wait. */
    private static Row runsAtOnce(String call, java.util.function.Consumer<CountDownLatch> schedule) {
        return new Row(call, () -> {
            CountDownLatch ran = new CountDownLatch(1);
            schedule.accept(ran);
            if (!ran.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                throw new AssertionError("the task did not run");
            }
        }, null, null);
    }
}
