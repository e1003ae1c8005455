package io.moirai.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.moirai.Moirai;
import io.moirai.task.TaskHandle;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Mode;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.Signal;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Worker parking versus new work: no lost wake-up ({@code Idle}'s protocol: a producer publishes,
 * fences and wakes a parked worker unless one is searching; the last searcher to park looks at every
 * queue once more). The runtime has one compute worker whose search spin is disabled, so it parks the
 * moment it finds nothing: every submission below races with the worker going to sleep.
 *
 * <p>"Eventually runs" is expressed with jcstress's termination mode where one submission decides
 * everything: the actor blocks until its task ran, and jcstress reports {@code STALE} (forbidden) if it
 * is still blocked long after (30 s). There each run stands alone, so no later submission can wake the
 * worker and hide a lost wake-up. The two-submitter test uses a bounded join in its arbiter instead.
 */
public final class WorkerWakeupStressTest {

    static {
        StressSupport.disableSpins(true, false);
    }

    static final Moirai RUNTIME = StressSupport.runtime("wakeup", 1);

    private WorkerWakeupStressTest() {}

    static int join(TaskHandle<Integer> h) {
        return StressSupport.joinValue(h);
    }

    /**
     * Joins in a termination-mode actor: bounded (60 s) far beyond jcstress's 30 s {@code STALE}
     * verdict, so a lost wake-up is reported as {@code STALE} and the actor still never blocks forever.
     */
    static void joinInActor(TaskHandle<?> h) {
        try {
            h.join(java.time.Duration.ofSeconds(60));
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("task did not run within 60 s", e);
        }
    }

    /**
     * The actor's first task makes the worker wake up, run it and go idle; the actor's join returns
     * the moment the task completed (joiners spin briefly), and it submits the second task while the
     * worker is on its way to parking.
     */
    @JCStressTest(Mode.Termination)
    @Description("a task submitted from outside while the only worker goes idle still runs")
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "the second task ran: the worker was woken")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "the second task never ran: lost wake-up, the worker stayed parked")
    @State
    public static class SubmitWhileWorkerParks {
        @Actor
        public void actor() {
            joinInActor(RUNTIME.spawn(() -> 1));
            joinInActor(RUNTIME.spawn(() -> 2));
        }

        @Signal
        public void signal() {
            // nothing to signal: the actor ends by itself unless a wake-up was lost
        }
    }

    /**
     * The submission comes from jcstress's signalling thread, at a moment unrelated to the worker's
     * state, while the actor waits for the command to run.
     */
    @JCStressTest(Mode.Termination)
    @Description("a command passed to execute() from another thread while the worker goes idle still runs")
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "the command ran and released the actor")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "the command never ran: lost wake-up")
    @State
    public static class ExecuteFromAnotherThread {
        final CountDownLatch ran = new CountDownLatch(1);

        @Actor
        public void actor() throws InterruptedException {
            joinInActor(RUNTIME.spawn(() -> 1)); // the worker runs this and goes idle
            ran.await(60, TimeUnit.SECONDS); // bounded far beyond the STALE verdict (30 s)
        }

        @Signal
        public void signal() {
            RUNTIME.execute(ran::countDown);
        }
    }

    /** Two outside threads submit at once while the worker goes idle: both tasks run. */
    @JCStressTest
    @Description("two tasks submitted from two threads while the only worker goes idle both run")
    @Outcome(id = "1, 2", expect = ACCEPTABLE, desc = "both tasks ran")
    @Outcome(expect = FORBIDDEN, desc = "a task did not run within the wait (-1): lost wake-up")
    @State
    public static class TwoSubmitters {
        volatile TaskHandle<Integer> first;
        volatile TaskHandle<Integer> second;

        @Actor
        public void submitter1() {
            first = RUNTIME.spawn(() -> 1);
        }

        @Actor
        public void submitter2() {
            second = RUNTIME.spawn(() -> 2);
        }

        @Arbiter
        public void arbiter(II_Result r) {
            r.r1 = join(first);
            r.r2 = join(second);
        }
    }
}
