package io.moirai.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.moirai.Moirai;
import io.moirai.task.TaskHandle;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Mode;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.Signal;
import org.openjdk.jcstress.annotations.State;

/**
 * A job a compute worker submits to its own "next" slot runs even when that worker then blocks outside
 * Moirai (here on a {@link CountDownLatch}) waiting for it: the push wakes the other, parked worker,
 * which steals the job. The runtime has two workers whose search spin is disabled, so the other worker
 * parks the moment it finds nothing and every push races with it going to sleep.
 *
 * <p>Termination mode: the actor blocks until the outer task finished, and jcstress reports
 * {@code STALE} (forbidden) if it is still blocked long after (30 s): the inner job then sat in the
 * slot of a blocked worker while the other slept.
 */
public final class LocalSubmitStressTest {

    static {
        StressSupport.disableSpins(true, false);
    }

    static final Moirai RUNTIME = StressSupport.runtime("local-submit", 2);

    private LocalSubmitStressTest() {}

    /** The outer task: submits the inner job from the worker, then blocks on the latch it opens. */
    static void submitThenBlock(Runnable submitInner, CountDownLatch ran) {
        submitInner.run();
        try {
            // bounded far beyond jcstress's STALE verdict, so a lost wake-up never blocks forever
            if (!ran.await(60, TimeUnit.SECONDS)) {
                throw new AssertionError("the inner job did not run within 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void joinInActor(TaskHandle<?> h) {
        try {
            h.join(Duration.ofSeconds(90));
        } catch (TimeoutException e) {
            throw new AssertionError("outer task did not end within 90 s", e);
        }
    }

    @JCStressTest(Mode.Termination)
    @Description("a command a worker passes to execute() runs while that worker blocks on a latch waiting for it")
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "the other worker was woken and ran the command")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "the command sat in the blocked worker's next slot: no wake-up")
    @State
    public static class ExecuteThenBlock {
        @Actor
        public void actor() {
            CountDownLatch ran = new CountDownLatch(1);
            joinInActor(RUNTIME.spawn(() -> {
                submitThenBlock(() -> RUNTIME.execute(ran::countDown), ran);
                return null;
            }));
        }

        @Signal
        public void signal() {
            // nothing to signal: the actor ends by itself unless a wake-up was lost
        }
    }

    @JCStressTest(Mode.Termination)
    @Description("a task a worker spawns runs while that worker blocks on a latch waiting for it")
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "the other worker was woken and ran the task")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "the task sat in the blocked worker's next slot: no wake-up")
    @State
    public static class SpawnThenBlock {
        @Actor
        public void actor() {
            CountDownLatch ran = new CountDownLatch(1);
            joinInActor(RUNTIME.spawn(() -> {
                submitThenBlock(() -> RUNTIME.spawn(() -> {
                    ran.countDown();
                    return null;
                }), ran);
                return null;
            }));
        }

        @Signal
        public void signal() {
            // nothing to signal
        }
    }
}
