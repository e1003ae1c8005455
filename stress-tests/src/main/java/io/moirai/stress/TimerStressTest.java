package io.moirai.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.moirai.Moirai;
import io.moirai.task.TaskHandle;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;
import org.openjdk.jcstress.infra.results.LL_Result;

/**
 * Timers ({@code TimerTask} in the driver's wheel): schedule racing cancel racing fire. Each state
 * schedules a timer due at the next wheel tick (about 1 ms), so the actors' cancels land before, while
 * and after the driver fires it. Proves: a timer ends exactly one way (fired: the handle succeeded;
 * cancelled: the handle is cancelled, exactly one {@code cancel()} returned true), a cancelled
 * {@code schedule} whose callable had not started never runs it, and observers see the same outcome
 * as {@code cancel()} reported.
 */
public final class TimerStressTest {

    static final Moirai RUNTIME = StressSupport.runtime("timer", 1);
    static final Duration NEXT_TICK = Duration.ofNanos(1);

    private TimerStressTest() {}

    /** {@code schedule} fired by the driver racing two {@code cancel()} calls. */
    @JCStressTest
    @Description("schedule(1 ns, task) racing two cancel() calls: exactly one of fired / cancelled")
    @Outcome(id = {"1, 0, 2, 0", "0, 1, 2, 0"}, expect = ACCEPTABLE, desc = "cancelled before it fired: one cancel() won, the task never ran")
    @Outcome(id = {"1, 0, 2, 1", "0, 1, 2, 1"}, expect = ACCEPTABLE_INTERESTING, desc = "cancelled while its callable ran on a worker: one cancel() won, the result is discarded")
    @Outcome(id = "0, 0, 1, 1", expect = ACCEPTABLE, desc = "fired first: both cancels returned false, the task ran once and succeeded")
    @Outcome(expect = FORBIDDEN, desc = "both or no cancel won with a cancelled handle, a cancelled timer that had not started ran anyway, a task ran twice, or the handle never finished (-1)")
    @State
    public static class ScheduleCancelVsFire {
        final AtomicInteger runs = new AtomicInteger();
        final TaskHandle<Integer> timer = RUNTIME.schedule(NEXT_TICK, () -> runs.incrementAndGet());

        @Actor
        public void canceller1(IIII_Result r) {
            r.r1 = timer.cancel() ? 1 : 0;
        }

        @Actor
        public void canceller2(IIII_Result r) {
            r.r2 = timer.cancel() ? 1 : 0;
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            r.r3 = StressSupport.join(timer);
            r.r4 = runs.get();
        }
    }

    /**
     * A plain {@code delay} racing {@code cancel()} while an observer attaches: the driver completes a
     * delay nobody observes on its own thread, and hands one with observers to a worker, so the
     * observer's arrival races with that choice too.
     */
    @JCStressTest
    @Description("delay(1 ns) racing cancel() and toCompletableFuture(): the view agrees with the handle and with cancel()")
    @Outcome(id = "true, cancelled", expect = ACCEPTABLE, desc = "the cancel won: handle and view are cancelled")
    @Outcome(id = "false, fired", expect = ACCEPTABLE, desc = "the timer fired first: cancel() returned false, handle and view completed")
    @Outcome(expect = FORBIDDEN, desc = "the view and the handle disagree, cancel() disagrees with them, or the view never completed")
    @State
    public static class DelayCancelVsObserve {
        final TaskHandle<Void> timer = RUNTIME.delay(NEXT_TICK);
        volatile CompletableFuture<Void> view;

        @Actor
        public void canceller(LL_Result r) {
            r.r1 = String.valueOf(timer.cancel());
        }

        @Actor
        public void observer() {
            view = timer.toCompletableFuture();
        }

        @Arbiter
        public void arbiter(LL_Result r) {
            int handle = StressSupport.join(timer);
            String v;
            try {
                view.get(StressSupport.WAIT.toNanos(), TimeUnit.NANOSECONDS);
                v = "fired";
            } catch (java.util.concurrent.CancellationException e) {
                v = "cancelled";
            } catch (java.util.concurrent.ExecutionException e) {
                v = e.getCause() instanceof java.util.concurrent.CancellationException ? "cancelled" : "failed";
            } catch (Exception e) {
                v = "view-timed-out";
            }
            String h = handle == StressSupport.SUCCEEDED ? "fired" : handle == StressSupport.CANCELLED ? "cancelled" : "handle-" + handle;
            r.r2 = h.equals(v) ? h : "handle " + h + " view " + v;
        }
    }
}
