package io.moirai.internal.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LocalQueueTest {

    /** A job that claims itself once and records how often it ran. */
    static final class CountingJob extends Job {
        private static final int TAKEN = 1;
        final int id;
        final AtomicIntegerArray runs;

        CountingJob(int id, AtomicIntegerArray runs) {
            super(null); // no runtime counts it
            this.id = id;
            this.runs = runs;
        }

        @Override
        public void run() {
            if (casState(NEW, TAKEN)) {
                runs.incrementAndGet(id);
            }
        }

        @Override
        public boolean abandon() {
            return casState(NEW, TAKEN);
        }
    }

    @Test
    void ownerPopsInFifoOrderAndReportsTheSizeBeforeEachPush() {
        AtomicIntegerArray runs = new AtomicIntegerArray(3);
        LocalQueue q = new LocalQueue();
        assertThat(q.push(new CountingJob(0, runs))).isZero();
        assertThat(q.push(new CountingJob(1, runs))).isEqualTo(1);
        assertThat(q.push(new CountingJob(2, runs))).isEqualTo(2);
        assertThat(((CountingJob) q.pop()).id).isZero();
        assertThat(((CountingJob) q.pop()).id).isEqualTo(1);
        assertThat(((CountingJob) q.pop()).id).isEqualTo(2);
        assertThat(q.pop()).isNull();
        assertThat(q.isEmpty()).isTrue();
    }

    @Test
    void popSkipsJobsAlreadyClaimedElsewhere() {
        AtomicIntegerArray runs = new AtomicIntegerArray(4);
        LocalQueue q = new LocalQueue();
        List<CountingJob> jobs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            CountingJob j = new CountingJob(i, runs);
            jobs.add(j);
            q.push(j);
        }
        jobs.get(0).run(); // a joiner ran these inline
        jobs.get(1).run();
        jobs.get(3).run();
        assertThat(((CountingJob) q.pop()).id).isEqualTo(2);
        assertThat(q.pop()).isNull();
        assertThat(q.size()).isZero();
    }

    @Test
    void aFullQueueRefusesAndOverflowMovesHalfToTheGlobalQueue() {
        AtomicIntegerArray runs = new AtomicIntegerArray(LocalQueue.CAPACITY + 1);
        LocalQueue q = new LocalQueue();
        for (int i = 0; i < LocalQueue.CAPACITY; i++) {
            assertThat(q.push(new CountingJob(i, runs))).isGreaterThanOrEqualTo(0);
        }
        CountingJob extra = new CountingJob(LocalQueue.CAPACITY, runs);
        assertThat(q.push(extra)).isEqualTo(-1);
        Queue<Job> global = new ArrayDeque<>();
        q.overflowInto(global, extra);
        assertThat(global).hasSize(LocalQueue.CAPACITY / 2 + 1);
        assertThat(((CountingJob) global.peek()).id).isZero(); // the older half went out
        assertThat(q.size()).isEqualTo(LocalQueue.CAPACITY / 2);
        assertThat(q.push(new CountingJob(0, runs))).isGreaterThanOrEqualTo(0);
    }

    @Test
    void aThiefTakesAboutHalfAndRunsTheFirst() {
        AtomicIntegerArray runs = new AtomicIntegerArray(10);
        LocalQueue victim = new LocalQueue();
        LocalQueue thief = new LocalQueue();
        for (int i = 0; i < 10; i++) {
            victim.push(new CountingJob(i, runs));
        }
        Job first = victim.stealInto(thief);
        assertThat(((CountingJob) first).id).isZero();
        assertThat(thief.size()).isEqualTo(4); // 5 stolen: one to run, four queued
        assertThat(victim.size()).isEqualTo(5);
        assertThat(((CountingJob) victim.pop()).id).isEqualTo(5);
        assertThat(((CountingJob) thief.pop()).id).isEqualTo(1);
        assertThat(new LocalQueue().stealInto(thief)).isNull();
    }

    /**
     * One owner pushes and pops while two thieves steal: every job runs exactly once (a job may be
     * taken twice only through the next slot, which this test does not use, so here each job is
     * handed out once and runs once).
     */
    @Test
    void ownerAndThievesRacingLoseAndDuplicateNothing() throws Exception {
        int total = 2_000_000;
        AtomicIntegerArray runs = new AtomicIntegerArray(total);
        AtomicInteger handedOut = new AtomicInteger();
        LocalQueue owner = new LocalQueue();
        AtomicBoolean producing = new AtomicBoolean(true);
        CountDownLatch thievesDone = new CountDownLatch(2);
        for (int t = 0; t < 2; t++) {
            Thread thief = new Thread(() -> {
                LocalQueue mine = new LocalQueue();
                while (producing.get() || !owner.isEmpty()) {
                    runCounted(owner.stealInto(mine), handedOut);
                    drain(mine, handedOut);
                }
                thievesDone.countDown();
            });
            thief.setDaemon(true);
            thief.start();
        }
        Queue<Job> overflow = new ArrayDeque<>();
        for (int i = 0; i < total; i++) {
            CountingJob j = new CountingJob(i, runs);
            if (owner.push(j) < 0) {
                owner.overflowInto(overflow, j);
            }
            if ((i & 3) == 0) {
                runCounted(owner.pop(), handedOut);
            }
        }
        drain(owner, handedOut);
        producing.set(false);
        assertThat(thievesDone.await(30, TimeUnit.SECONDS)).isTrue();
        for (Job p; (p = overflow.poll()) != null; ) {
            runCounted(p, handedOut);
        }
        assertThat(handedOut.get()).isEqualTo(total);
        for (int i = 0; i < total; i++) {
            if (runs.get(i) != 1) {
                throw new AssertionError("job " + i + " ran " + runs.get(i) + " times");
            }
        }
    }

    /** Counts a job handed out by a queue, then runs it; null (nothing handed out) is ignored. */
    private static void runCounted(Job job, AtomicInteger handedOut) {
        if (job != null) {
            handedOut.incrementAndGet();
            job.run();
        }
    }

    /** The queue's owner takes and runs everything left in it. */
    private static void drain(LocalQueue queue, AtomicInteger handedOut) {
        for (Job j; (j = queue.pop()) != null; ) {
            runCounted(j, handedOut);
        }
    }
}
