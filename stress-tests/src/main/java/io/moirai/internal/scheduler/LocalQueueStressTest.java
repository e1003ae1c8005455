package io.moirai.internal.scheduler;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * The work-stealing deque ({@link LocalQueue}): the owner pushing and popping racing a thief that
 * steals half, and two thieves racing each other. {@code LocalQueue} is package-private, so this test
 * lives in its package (the stress-tests jar shares the package name with core; nothing is sealed).
 * Proves: every pushed job is taken exactly once, by the owner, by a thief's returned job, or through
 * the thief's own queue; no job is lost or duplicated however the CASes on {@code head} interleave.
 * No runtime is involved: the queues and jobs are plain objects.
 */
public final class LocalQueueStressTest {

    private LocalQueueStressTest() {}

    /** A job that does nothing; only its identity matters. */
    static final class Marker extends Job {
        final int id;

        Marker(int id) {
            super(null); // no runtime counts it
            this.id = id;
        }

        @Override
        public void run() {
            // never run: the test only moves jobs between queues
        }

        @Override
        public boolean abandon() {
            return false;
        }
    }

    /** Counts, per job id (0..3), how often a job was taken; index 4 counts unknown results. */
    static void count(int[] counts, Job j) {
        if (j != null) {
            counts[((Marker) j).id]++;
        }
    }

    static void drain(int[] counts, LocalQueue q) {
        for (Job j; (j = q.poll()) != null; ) {
            count(counts, j);
        }
    }

    /** The owner pushes a third job and pops twice while a thief steals half. */
    @JCStressTest
    @Description("owner push + pop + pop racing stealInto: each of the 3 jobs taken exactly once")
    @Outcome(id = "1, 1, 1, 0", expect = ACCEPTABLE, desc = "every job taken exactly once (the unused 4th slot stays 0)")
    @Outcome(expect = FORBIDDEN, desc = "a job was lost (0) or taken twice (2)")
    @State
    public static class OwnerVsThief {
        final LocalQueue owner = new LocalQueue();
        final LocalQueue thiefQueue = new LocalQueue();
        final Marker[] jobs = {new Marker(0), new Marker(1), new Marker(2), new Marker(3)};
        final int[] ownerCounts = new int[4];
        final int[] thiefCounts = new int[4];

        public OwnerVsThief() {
            owner.push(jobs[0]);
            owner.push(jobs[1]);
        }

        @Actor
        public void owner() {
            owner.push(jobs[2]);
            count(ownerCounts, owner.pop());
            count(ownerCounts, owner.pop());
        }

        @Actor
        public void thief() {
            count(thiefCounts, owner.stealInto(thiefQueue));
            count(thiefCounts, thiefQueue.pop()); // the thief owns its own queue
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            int[] total = new int[4];
            drain(total, owner);
            drain(total, thiefQueue);
            for (int i = 0; i < 4; i++) {
                total[i] += ownerCounts[i] + thiefCounts[i];
            }
            r.r1 = total[0];
            r.r2 = total[1];
            r.r3 = total[2];
            r.r4 = total[3];
        }
    }

    /** Two thieves steal from a queue of four jobs at once. */
    @JCStressTest
    @Description("two stealInto calls on the same queue of 4 jobs: each job taken exactly once")
    @Outcome(id = "1, 1, 1, 1", expect = ACCEPTABLE, desc = "every job taken exactly once")
    @Outcome(expect = FORBIDDEN, desc = "a job was lost (0) or taken twice (2)")
    @State
    public static class ThiefVsThief {
        final LocalQueue victim = new LocalQueue();
        final LocalQueue q1 = new LocalQueue();
        final LocalQueue q2 = new LocalQueue();
        final int[] counts1 = new int[4];
        final int[] counts2 = new int[4];

        public ThiefVsThief() {
            for (int i = 0; i < 4; i++) {
                victim.push(new Marker(i));
            }
        }

        @Actor
        public void thief1() {
            count(counts1, victim.stealInto(q1));
        }

        @Actor
        public void thief2() {
            count(counts2, victim.stealInto(q2));
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            int[] total = new int[4];
            drain(total, victim);
            drain(total, q1);
            drain(total, q2);
            for (int i = 0; i < 4; i++) {
                total[i] += counts1[i] + counts2[i];
            }
            r.r1 = total[0];
            r.r2 = total[1];
            r.r3 = total[2];
            r.r4 = total[3];
        }
    }
}
