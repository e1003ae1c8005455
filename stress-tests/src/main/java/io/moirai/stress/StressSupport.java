package io.moirai.stress;

import io.moirai.Moirai;
import io.moirai.internal.runtime.RuntimeAccess;
import io.moirai.internal.scheduler.ComputeScheduler;
import io.moirai.task.TaskFailedException;
import io.moirai.task.TaskHandle;
import io.moirai.task.TaskResult;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the jcstress tests share: runtimes (one per test class, held in a static field, since jcstress
 * creates a great many state objects per test), bounded waits and the codes outcomes are written in.
 *
 * <p>Every wait here is bounded ({@link #WAIT}): a jcstress actor or arbiter must never block forever.
 * A wait that runs out is reported as its own outcome code, which the tests mark FORBIDDEN.
 *
 * <p>Threads: every method may be called from any thread.
 */
public final class StressSupport {

    /**
     * The longest any wait in a test may take. Far above any legitimate delay (a task or a timer is
     * done in well under a millisecond to a few milliseconds, even on a loaded 2-core machine), so a
     * wait that runs out means a lost wake-up or a lost completion.
     */
    public static final Duration WAIT = Duration.ofSeconds(10);

    /** Outcome code: the task succeeded. */
    public static final int SUCCEEDED = 1;
    /** Outcome code: the task ended cancelled. */
    public static final int CANCELLED = 2;
    /** Outcome code: the task failed. */
    public static final int FAILED = 3;
    /** Outcome code: the task has not finished (tryJoin was empty), or a bounded wait ran out. */
    public static final int PENDING = 0;
    /** Outcome code: a bounded wait ran out (a lost wake-up or completion). */
    public static final int TIMED_OUT = -1;

    /** Errors the runtimes of these tests could deliver nowhere else; a test may read it. */
    public static final AtomicLong DROPPED = new AtomicLong();

    private StressSupport() {}

    /**
     * A runtime for one test class, built once per jcstress fork (tests hold it in a static field).
     * Its threads are daemon threads, so the fork's JVM exits without a shutdown.
     *
     * @param name the thread name prefix
     * @param workers the number of compute workers
     * @return a started runtime whose dropped errors are counted in {@link #DROPPED}
     */
    public static Moirai runtime(String name, int workers) {
        return Moirai.builder()
                .threadNamePrefix("stress-" + name)
                .workerThreads(workers)
                .droppedErrorHandler(t -> DROPPED.incrementAndGet())
                .build();
    }

    /**
     * @param moirai a runtime
     * @return its compute scheduler, for tests that build internal task objects themselves
     */
    public static ComputeScheduler scheduler(Moirai moirai) {
        return RuntimeAccess.of(moirai).scheduler();
    }

    /**
     * Disables the runtime's bounded spins (a worker's search before it parks, a joiner's wait before
     * it parks), so that every idle worker and every joiner takes the parking path: the path whose
     * wake-up protocol the tests check. Must run before any Moirai class is initialised in this JVM
     * (a test class's static initialiser, before it builds its runtime); jcstress runs each test in a
     * JVM of its own.
     *
     * @param searchSpin whether to disable the worker's search spin
     * @param joinSpin whether to disable the joiner's spin
     */
    public static void disableSpins(boolean searchSpin, boolean joinSpin) {
        if (searchSpin) {
            System.setProperty("moirai.searchSpinNanos", "0");
        }
        if (joinSpin) {
            System.setProperty("moirai.joinSpinNanos", "0");
        }
    }

    /**
     * @param h a handle
     * @return {@link #SUCCEEDED}, {@link #FAILED}, {@link #CANCELLED}, or {@link #PENDING} if it has
     *     not finished; never blocks
     */
    public static int state(TaskHandle<?> h) {
        Optional<? extends TaskResult<?>> r = h.tryJoin();
        if (r.isEmpty()) {
            return PENDING;
        }
        TaskResult<?> result = r.get();
        if (result instanceof TaskResult.Success<?>) {
            return SUCCEEDED;
        }
        if (result instanceof TaskResult.Failure<?>) {
            return FAILED;
        }
        return CANCELLED;
    }

    /**
     * Joins with the bounded {@link #WAIT} and says how the join ended.
     *
     * @param h a handle
     * @return {@link #SUCCEEDED}, {@link #FAILED}, {@link #CANCELLED} or {@link #TIMED_OUT}
     */
    public static int join(TaskHandle<?> h) {
        try {
            h.join(WAIT);
            return SUCCEEDED;
        } catch (TaskFailedException e) {
            return FAILED;
        } catch (CancellationException e) {
            return CANCELLED;
        } catch (TimeoutException e) {
            return TIMED_OUT;
        }
    }

    /**
     * Joins a handle of an {@code Integer} task with the bounded {@link #WAIT}.
     *
     * @param h a handle
     * @return the value, or {@link #TIMED_OUT}, or -2 if cancelled, -3 if failed
     */
    public static int joinValue(TaskHandle<Integer> h) {
        try {
            Integer v = h.join(WAIT);
            return v == null ? -4 : v;
        } catch (TaskFailedException e) {
            return -3;
        } catch (CancellationException e) {
            return -2;
        } catch (TimeoutException e) {
            return TIMED_OUT;
        }
    }
}
