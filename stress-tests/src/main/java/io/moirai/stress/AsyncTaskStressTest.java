package io.moirai.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.moirai.Moirai;
import io.moirai.internal.scheduler.ComputeScheduler;
import io.moirai.internal.task.AsyncRegistry;
import io.moirai.internal.task.AsyncTask;
import java.util.concurrent.CompletableFuture;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * An async task ({@code spawnAsync}, {@code fromCompletionStage}) racing a cancel or a shutdown. The task
 * holds one {@code source} field (the supplier, then the stage's future) that a cancel takes with a
 * {@code getAndSet} and the runner replaces with a CAS: this proves that a stage the task obtained is
 * cancelled whenever the task ends cancelled, whichever side saw it, and that the task always leaves its
 * registry. Each state holds a fresh task and registry; one actor plays the worker by calling
 * {@code run()}, as in {@link TaskCoreStressTest}.
 */
public final class AsyncTaskStressTest {

    static final Moirai RUNTIME = StressSupport.runtime("async", 1);
    static final ComputeScheduler SCHEDULER = StressSupport.scheduler(RUNTIME);

    private AsyncTaskStressTest() {}

    /** run() (the supplier returns a stage that never completes by itself) against cancel(). */
    @JCStressTest
    @Description("run() racing cancel() on spawnAsync: the stage, once obtained, is cancelled; the task leaves the registry")
    @Outcome(id = "0, 0, 1", expect = ACCEPTABLE, desc = "the cancel came before the claim: the supplier never ran")
    @Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "the supplier ran; the cancel or the runner cancelled its stage")
    @Outcome(expect = FORBIDDEN, desc = "the stage the task obtained still runs (1, 0, _), or the task is not cancelled or still linked (_, _, 0)")
    @State
    public static class RunVsCancel {
        final CompletableFuture<Integer> stage = new CompletableFuture<>();
        final AsyncRegistry registry = new AsyncRegistry();
        volatile boolean supplied;
        final AsyncTask<Integer> task = AsyncTask.supplying(SCHEDULER, registry, () -> {
            supplied = true;
            return stage;
        });

        @Actor
        public void worker() {
            task.run();
        }

        @Actor
        public void canceller() {
            task.cancel();
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r1 = supplied ? 1 : 0;
            r.r2 = stage.isCancelled() ? 1 : 0;
            r.r3 = registry.isEmpty() && task.isCancelled() ? 1 : 0;
        }
    }

    /** run() (the stage is complete already) against cancel(): one outcome, and the stage is left alone when it won. */
    @JCStressTest
    @Description("run() of a completed stage racing cancel(): the task ends once, and leaves the registry")
    @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "the run completed the task first: it succeeded")
    @Outcome(id = "2, 1", expect = ACCEPTABLE, desc = "the cancel came first: the task is cancelled")
    @Outcome(expect = FORBIDDEN, desc = "the task did not end, or it is still linked")
    @State
    public static class CompletedStageVsCancel {
        final AsyncRegistry registry = new AsyncRegistry();
        final AsyncTask<Integer> task = AsyncTask.supplying(SCHEDULER, registry,
                () -> CompletableFuture.completedFuture(42));

        @Actor
        public void worker() {
            task.run();
        }

        @Actor
        public void canceller() {
            task.cancel();
        }

        @Arbiter
        public void arbiter(II_Result r) {
            r.r1 = StressSupport.state(task);
            r.r2 = registry.isEmpty() ? 1 : 0;
        }
    }

    /** An adopted stage: run() against a shutdown's cancelAll(). */
    @JCStressTest
    @Description("run() of an adopted stage racing the registry's cancelAll(): the stage is cancelled and the task ends cancelled")
    @Outcome(id = "2, 1, 1", expect = ACCEPTABLE, desc = "the shutdown cancelled the task and its adopted stage, before or after the run")
    @Outcome(expect = FORBIDDEN, desc = "the adopted stage escaped the shutdown, or the task is still linked")
    @State
    public static class AdoptedVsShutdown {
        final CompletableFuture<Integer> stage = new CompletableFuture<>();
        final AsyncRegistry registry = new AsyncRegistry();
        final AsyncTask<Integer> task = AsyncTask.adopting(SCHEDULER, registry, stage);

        @Actor
        public void worker() {
            task.run();
        }

        @Actor
        public void shutdown() {
            registry.cancelAll();
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r1 = StressSupport.state(task);
            r.r2 = stage.isCancelled() ? 1 : 0;
            r.r3 = registry.isEmpty() ? 1 : 0;
        }
    }
}
