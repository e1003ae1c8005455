package io.moirai.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.moirai.Moirai;
import io.moirai.internal.scheduler.ComputeScheduler;
import io.moirai.internal.task.ComputeTask;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;
import org.openjdk.jcstress.infra.results.III_Result;
import org.openjdk.jcstress.infra.results.LL_Result;
import org.openjdk.jcstress.infra.results.L_Result;

/**
 * The task state machine ({@code TaskCore}): completion, cancel, subscribe, join and the future view
 * racing each other. Each state holds a fresh {@link ComputeTask} that is never queued: one actor
 * plays the worker by calling {@code run()} itself (claim, call, complete, exactly as a worker does),
 * the other observes or cancels, so the race is exactly the one between a worker and another thread.
 * Proves: the task ends in one terminal state and every observer (cancel's return value,
 * {@code tryJoin}, {@code join}, each subscriber, each {@code CompletableFuture} view) agrees on it;
 * an observer that arrives while the task completes is signalled exactly once (the Dekker pair of the
 * observer stack); a joiner that parks is always woken.
 *
 * <p>The runtime (one compute worker, spins disabled so a joiner parks at once) supplies only the
 * scheduler the task objects need; nothing is submitted to it.
 */
public final class TaskCoreStressTest {

    static {
        StressSupport.disableSpins(true, true);
    }

    static final Moirai RUNTIME = StressSupport.runtime("task", 1);
    static final ComputeScheduler SCHEDULER = StressSupport.scheduler(RUNTIME);

    private TaskCoreStressTest() {}

    static ComputeTask<Integer> task() {
        return new ComputeTask<>(SCHEDULER, () -> 42);
    }

    /** Run (a worker completing the task) against {@code TaskHandle.cancel()}. */
    @JCStressTest
    @Description("run() racing cancel(): one terminal state, and cancel() returns true exactly when it is CANCELLED")
    @Outcome(id = "0, 1, 42", expect = ACCEPTABLE, desc = "the run completed first: cancel() returns false, the task succeeded, join returns 42")
    @Outcome(id = "1, 2, -2", expect = ACCEPTABLE, desc = "the cancel came first (before the claim or while running): cancel() returns true, the task is cancelled, join throws CancellationException")
    @Outcome(expect = FORBIDDEN, desc = "cancel() and the task's outcome disagree, or the task did not end")
    @State
    public static class RunVsCancel {
        final ComputeTask<Integer> task = task();

        @Actor
        public void worker() {
            task.run();
        }

        @Actor
        public void canceller(III_Result r) {
            r.r1 = task.cancel() ? 1 : 0;
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = StressSupport.state(task);
            r.r3 = StressSupport.joinValue(task);
        }
    }

    /** Two {@code cancel()} calls racing: exactly one wins. */
    @JCStressTest
    @Description("cancel() racing cancel(): exactly one call returns true")
    @Outcome(id = {"1, 0", "0, 1"}, expect = ACCEPTABLE, desc = "exactly one cancel() returned true")
    @Outcome(expect = FORBIDDEN, desc = "both or neither returned true")
    @State
    public static class CancelVsCancel {
        final ComputeTask<Integer> task = task();

        @Actor
        public void first(II_Result r) {
            r.r1 = task.cancel() ? 1 : 0;
        }

        @Actor
        public void second(II_Result r) {
            r.r2 = task.cancel() ? 1 : 0;
        }
    }

    /** Completion racing a new subscriber (which requests at once). */
    @JCStressTest
    @Description("run() racing subscribe(): the subscriber receives the result exactly once, whoever came first")
    @Outcome(id = "N42C", expect = ACCEPTABLE, desc = "onNext(42) then onComplete, exactly once")
    @Outcome(expect = FORBIDDEN, desc = "the subscriber missed the result, received it twice, or saw a violation")
    @State
    public static class RunVsSubscribe {
        final ComputeTask<Integer> task = task();
        final Recorder<Integer> subscriber = new Recorder<>(1);

        @Actor
        public void worker() {
            task.run();
        }

        @Actor
        public void subscriber() {
            task.subscribe(subscriber);
        }

        @Arbiter
        public void arbiter(L_Result r) {
            r.r1 = subscriber.text();
        }
    }

    /** Cancel racing a new subscriber. */
    @JCStressTest
    @Description("cancel() racing subscribe(): the subscriber receives onError(CancellationException) exactly once")
    @Outcome(id = "X", expect = ACCEPTABLE, desc = "onError(CancellationException), exactly once")
    @Outcome(expect = FORBIDDEN, desc = "the subscriber missed the cancellation, saw it twice or saw something else")
    @State
    public static class CancelVsSubscribe {
        final ComputeTask<Integer> task = task();
        final Recorder<Integer> subscriber = new Recorder<>(0); // no demand needed for an error

        @Actor
        public void canceller() {
            task.cancel();
        }

        @Actor
        public void subscriber() {
            task.subscribe(subscriber);
        }

        @Arbiter
        public void arbiter(L_Result r) {
            r.r1 = subscriber.text();
        }
    }

    /** Completion racing a subscriber's first {@code request} (the subscriber subscribed before). */
    @JCStressTest
    @Description("run() racing Subscription.request(1): the value is delivered once, only after the request")
    @Outcome(id = "N42C", expect = ACCEPTABLE, desc = "onNext(42) then onComplete, exactly once")
    @Outcome(expect = FORBIDDEN, desc = "lost, duplicated or early (before the request) delivery")
    @State
    public static class RunVsRequest {
        final ComputeTask<Integer> task = task();
        final Recorder<Integer> subscriber = new Recorder<>(0);

        public RunVsRequest() {
            task.subscribe(subscriber);
        }

        @Actor
        public void worker() {
            task.run();
        }

        @Actor
        public void requester() {
            subscriber.request(1);
        }

        @Arbiter
        public void arbiter(L_Result r) {
            r.r1 = subscriber.text();
        }
    }

    /** A finished task's subscription: {@code request} racing {@code Subscription.cancel()}. */
    @JCStressTest
    @Description("Subscription.request(1) racing Subscription.cancel() on a finished task: all or nothing")
    @Outcome(id = "N42C", expect = ACCEPTABLE, desc = "the request won: onNext(42) then onComplete")
    @Outcome(id = "nothing", expect = ACCEPTABLE, desc = "the cancel won: no signal at all (§3.7)")
    @Outcome(expect = FORBIDDEN, desc = "a partial or duplicated delivery, or a signal after the cancel won")
    @State
    public static class RequestVsCancel {
        final ComputeTask<Integer> task = task();
        final Recorder<Integer> subscriber = new Recorder<>(0);

        public RequestVsCancel() {
            task.run();
            task.subscribe(subscriber);
        }

        @Actor
        public void requester() {
            subscriber.request(1);
        }

        @Actor
        public void canceller() {
            subscriber.cancel();
        }

        @Arbiter
        public void arbiter(L_Result r) {
            r.r1 = subscriber.text();
        }
    }

    /** Completion racing a joiner that parks (join spin disabled). */
    @JCStressTest
    @Description("run() racing join(): a joiner is always woken and sees the value")
    @Outcome(id = "42", expect = ACCEPTABLE, desc = "join returned 42")
    @Outcome(id = "-1", expect = FORBIDDEN, desc = "the joiner was never woken (lost wake-up): join timed out")
    @Outcome(expect = FORBIDDEN, desc = "join returned something else")
    @State
    public static class RunVsJoin {
        final ComputeTask<Integer> task = task();

        @Actor
        public void worker() {
            task.run();
        }

        @Actor
        public void joiner(org.openjdk.jcstress.infra.results.I_Result r) {
            r.r1 = StressSupport.joinValue(task);
        }
    }

    /** Cancel racing a joiner that parks. */
    @JCStressTest
    @Description("cancel() racing join(): a joiner is always woken and sees the cancellation")
    @Outcome(id = "-2", expect = ACCEPTABLE, desc = "join threw CancellationException")
    @Outcome(id = "-1", expect = FORBIDDEN, desc = "the joiner was never woken (lost wake-up): join timed out")
    @Outcome(expect = FORBIDDEN, desc = "join returned something else")
    @State
    public static class CancelVsJoin {
        final ComputeTask<Integer> task = task();

        @Actor
        public void canceller() {
            task.cancel();
        }

        @Actor
        public void joiner(org.openjdk.jcstress.infra.results.I_Result r) {
            r.r1 = StressSupport.joinValue(task);
        }
    }

    /** Completion racing {@code toCompletableFuture()}, and a cancel of the view (which must not cancel the task). */
    @JCStressTest
    @Description("run() racing toCompletableFuture() and that future's own cancel(): the task is unaffected, a view that was not cancelled completes with 42")
    @Outcome(id = "42, SUCCEEDED", expect = ACCEPTABLE, desc = "the view completed with 42, the task succeeded")
    @Outcome(id = "cancelled-view, SUCCEEDED", expect = ACCEPTABLE_INTERESTING, desc = "the view was cancelled by its owner before the task completed it; the task still succeeded")
    @Outcome(expect = FORBIDDEN, desc = "the view never completed, or the task did not succeed")
    @State
    public static class RunVsFutureView {
        final ComputeTask<Integer> task = task();
        volatile CompletableFuture<Integer> view;

        @Actor
        public void worker() {
            task.run();
        }

        @Actor
        public void viewer() {
            CompletableFuture<Integer> f = task.toCompletableFuture();
            view = f;
            if ((System.identityHashCode(f) & 7) == 0) {
                f.cancel(false); // a view's own cancel must not reach the task
            }
        }

        @Arbiter
        public void arbiter(LL_Result r) {
            CompletableFuture<Integer> f = view;
            try {
                r.r1 = String.valueOf(f.get(StressSupport.WAIT.toNanos(), TimeUnit.NANOSECONDS));
            } catch (java.util.concurrent.CancellationException e) {
                r.r1 = "cancelled-view";
            } catch (TimeoutException e) {
                r.r1 = "timed-out";
            } catch (ExecutionException e) {
                r.r1 = "failed:" + e.getCause();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                r.r1 = "interrupted";
            }
            int s = StressSupport.state(task);
            r.r2 = s == StressSupport.SUCCEEDED ? "SUCCEEDED" : "state-" + s;
        }
    }
}
