package io.moirai.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * CPU time per tick, the figure of the timer rows ({@code interval*}, {@code delayElements*}) of
 * {@link ReactorSchedulerBenchmark} and {@link RxSchedulerBenchmark}: the secondary score
 * {@code :cpuTick}, in nanoseconds of CPU per tick.
 *
 * <p>Why CPU and not the wall clock: a batch of {@code M} ticks at a 1 ms period cannot end before
 * {@code M} ms, whatever a tick costs, so with {@code K} concurrent subscriptions the wall time per
 * tick is pinned at 1 ms / {@code K} (the primary score of those rows shows that floor); and a load
 * heavy enough to saturate the cores instead makes every periodic task overdue, so a fixed-rate
 * scheduler no longer arms a timer per tick (it runs the late task at once) and the row would stop
 * measuring timers. Under a load well below the cores' capacity, the CPU every thread of the process
 * spends per tick is the tick's cost above the floor: arming the timer, expiring it, waking a thread,
 * the hand-off to the scheduler's thread, the operator's {@code onNext}, and the parks and wake-ups
 * in between (spinning before a park included).
 *
 * <p>How: {@link #begin()} snapshots the CPU time of every live Java thread
 * ({@code ThreadMXBean.getThreadCpuTime}, nanosecond resolution) and the wall clock; {@link #end(long)}
 * takes the difference per thread (a thread started meanwhile counts from zero) and adds it to the
 * iteration's totals. The collector's and the JIT compiler's native threads have no Java thread and
 * are not counted (run with {@code -prof gc} to see the allocation per tick); the JMH thread is (it
 * subscribes and waits). JMH reports an {@link AuxCounters.Type#OPERATIONS OPERATIONS} counter in
 * average-time mode as the iteration's measured time divided by the counter; the counter
 * {@link #cpuTick} is therefore kept at ticks x (wall time / CPU time) of the iteration's invocations,
 * so that the quotient is CPU time per tick. The invocations fill the measured time (JMH's own loop adds
 * nanoseconds to batches of 100 ms and more), so the quotient is exact to well within the noise. That
 * holds with one JMH thread, the default: with {@code -t 2} or more JMH also runs invocations outside
 * the measured loop while the threads line up, and the counter would count them.
 *
 * <p>Every row counts every thread of the process, including the idle threads of the peers that row
 * does not use (parked, they cost nothing measurable) and the snapshots themselves (a few dozen
 * threads: tens of microseconds per batch of tens of thousands of ticks, about 1 ns per tick, the same
 * in every row).
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class TickCpu {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /**
     * The secondary score: ticks x (wall time / CPU time) of the iteration so far, which JMH turns
     * into CPU nanoseconds per tick (see the class comment). Reset by JMH at each iteration.
     */
    public double cpuTick;

    private long wallNanos;
    private long cpuNanos;
    private long ticks;
    private long startWall;
    private long[] startIds = new long[0];
    private long[] startCpu = new long[0];

    @Setup(Level.Trial)
    public void enable() {
        if (!THREADS.isThreadCpuTimeSupported()) {
            throw new IllegalStateException("this JVM cannot measure thread CPU time");
        }
        if (!THREADS.isThreadCpuTimeEnabled()) {
            THREADS.setThreadCpuTimeEnabled(true);
        }
    }

    @Setup(Level.Iteration)
    public void reset() {
        wallNanos = 0;
        cpuNanos = 0;
        ticks = 0;
        cpuTick = 0;
    }

    /** Starts a batch: the wall clock and every live thread's CPU time. */
    void begin() {
        startWall = System.nanoTime();
        long[] ids = THREADS.getAllThreadIds();
        Arrays.sort(ids);
        long[] cpu = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            cpu[i] = THREADS.getThreadCpuTime(ids[i]); // -1 if the thread has ended meanwhile
        }
        startIds = ids;
        startCpu = cpu;
    }

    /**
     * Ends a batch of {@code n} ticks begun by {@link #begin()}.
     *
     * @param n ticks delivered in the batch
     */
    void end(long n) {
        long cpu = 0;
        for (long id : THREADS.getAllThreadIds()) {
            long now = THREADS.getThreadCpuTime(id);
            if (now < 0) {
                continue; // ended meanwhile
            }
            int i = Arrays.binarySearch(startIds, id);
            long before = i >= 0 ? Math.max(0, startCpu[i]) : 0; // started during the batch: from zero
            cpu += now - before;
        }
        wallNanos += System.nanoTime() - startWall;
        cpuNanos += Math.max(1, cpu);
        ticks += n;
        cpuTick = (double) ticks * wallNanos / cpuNanos;
    }

    /**
     * {@code K} subscriptions of one timer batch, each ending with its tick count: counts them down,
     * checks every count and keeps the first error.
     */
    static final class Batch {
        private static final long AWAIT_SECONDS = 60;

        private final long expected;
        private final CountDownLatch done;
        private final AtomicReference<Throwable> error = new AtomicReference<>();

        /**
         * @param subscriptions concurrent subscriptions
         * @param ticks ticks each of them must deliver
         */
        Batch(int subscriptions, long ticks) {
            this.expected = ticks;
            this.done = new CountDownLatch(subscriptions);
        }

        /** A subscription ended after {@code count} ticks. */
        void done(Long count) {
            if (count != expected) {
                error.compareAndSet(null, new IllegalStateException(count + " ticks instead of " + expected));
            }
            done.countDown();
        }

        /** A subscription failed. */
        void failed(Throwable t) {
            error.compareAndSet(null, t);
            done.countDown();
        }

        /** Waits until every subscription ended; throws if one failed or miscounted. */
        void await() throws InterruptedException {
            if (!done.await(AWAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException(done.getCount() + " subscriptions had not ended after "
                        + AWAIT_SECONDS + " s");
            }
            Throwable t = error.get();
            if (t != null) {
                throw new IllegalStateException("a timer subscription failed", t);
            }
        }
    }
}
