package io.moirai.internal.scheduler;

import io.moirai.internal.util.VarHandles;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * One compute worker: its run loop, its local queue and its "next task" slot.
 *
 * <p><b>Who may call what.</b> The owning thread runs {@link #run()} and every method not marked
 * otherwise. Other workers steal from {@link #queue} and may take the {@code next} slot with a CAS;
 * {@link Idle} and shutdown write {@link #sleeping} and unpark the thread. Metric counters are written
 * by the owner only (opaque) and read by anyone.
 *
 * <p><b>Order of work.</b> The "next" slot first (at most {@value #MAX_LIFO_RUNS} times in a row, so a
 * spawn chain cannot starve the queue), then the local queue (FIFO), then the global queue; every
 * {@value #GLOBAL_CHECK_INTERVAL} jobs the global queue goes first, for fairness to outside
 * submitters. With nothing local, the worker searches (steals half of a victim's queue) for at most
 * its {@link SpinBudget} window (5 to 50 µs, adapted to how soon work came back after its last park),
 * then parks.
 *
 * <p><b>Progress.</b> A push that fills the empty "next" slot, and one that makes the queue non-empty,
 * notify a parked worker unless one is searching: a job this worker spawned must not depend on this
 * worker coming back for it, since the job that spawned it may block outside Moirai (a latch, a plain
 * future) waiting for exactly that job. A push onto work already visible needs no notification: that
 * work had its own when it appeared, and the last searcher to park, or to stop searching, looks at
 * every slot and queue once more. So a fan-out of thousands of spawns notifies about once, not once
 * per spawn.
 */
final class Worker implements Runnable {

    static final int GLOBAL_CHECK_INTERVAL = 61;
    static final int MAX_LIFO_RUNS = 3;
    /** How deep a joining worker may nest other jobs on its stack while it waits. */
    static final int MAX_HELP_DEPTH = 32;

    private static final VarHandle NEXT = VarHandles.field(MethodHandles.lookup(), "next", Job.class);
    private static final VarHandle SPAWNED = VarHandles.field(MethodHandles.lookup(), "spawned", long.class);
    private static final VarHandle COMPLETED = VarHandles.field(MethodHandles.lookup(), "completed", long.class);
    private static final VarHandle STEALS = VarHandles.field(MethodHandles.lookup(), "steals", long.class);
    private static final VarHandle RUNNING = MethodHandles.arrayElementVarHandle(Job[].class);

    final ComputeScheduler scheduler;
    final int index;
    final LocalQueue queue = new LocalQueue();
    /** Written by {@link Idle} under its lock and by the owner; true while on the sleeper stack. */
    volatile boolean sleeping;
    Thread thread;

    /** The "next task" slot: written by the owner (release), taken by the owner or a thief's CAS. */
    @SuppressWarnings("unused") // accessed through NEXT
    private Job next;
    @SuppressWarnings("unused") private long spawned;
    @SuppressWarnings("unused") private long completed;
    @SuppressWarnings("unused") private long steals;

    /** Jobs on this worker's stack (a joining job helps by running others on top of itself). */
    private final Job[] running = new Job[MAX_HELP_DEPTH + 2];
    private int depth;
    private boolean searching;
    private final SpinBudget spin = new SpinBudget();
    private int tick;
    private int lifoRuns;

    Worker(ComputeScheduler scheduler, int index) {
        this.scheduler = scheduler;
        this.index = index;
    }

    @Override
    public void run() {
        scheduler.bindCurrentThread(this);
        try {
            while (!scheduler.isShutdown()) {
                Job job = nextLocal();
                if (job == null) {
                    job = search();
                    if (job == null) {
                        park();
                        continue;
                    }
                } else if (searching) {
                    foundWork(); // woken as a searcher and found work without stealing
                }
                runJob(job);
            }
        } finally {
            if (searching) {
                searching = false;
                scheduler.idle.stopSearching();
            }
            abandonLocal();
            scheduler.workerExited(this);
        }
    }

    // ---------------------------------------------------------------- owner: local work

    /**
     * Owner only: a job spawned on this worker goes to the next slot; the one it displaces is queued.
     *
     * <p>When the slot was empty (or the queue was), a parked worker is then woken unless one is
     * searching already: the job the current one just spawned is usually run by this worker a moment
     * later, but the current job may instead block outside Moirai (on a latch, a plain future, a lock)
     * waiting for it, and then only a thief can run it. Without the wake-up it would sit in the slot
     * while the others sleep. (The notification costs a fence and a read when a worker is searching or
     * none is parked.)
     */
    void pushLocal(Job job) {
        Job prev = (Job) NEXT.get(this);
        NEXT.setRelease(this, job);
        if (prev == null || enqueue(prev)) {
            // the slot, or the queue, went from empty to holding work: the same rule as for the queue
            scheduler.notifyParked();
        }
    }

    /**
     * Queues a job that yielded: at the FIFO end of the local queue, behind the "next" slot and the
     * jobs already waiting, so that what it let go of runs first. Owner thread.
     */
    void pushYielded(Job job) {
        pushToQueue(job);
    }

    private void pushToQueue(Job job) {
        if (enqueue(job)) {
            scheduler.notifyParked();
        }
    }

    /**
     * Owner only: puts a job at the FIFO end of the local queue, or moves half of a full queue and the
     * job to the global queue.
     *
     * @return whether the caller must notify a parked worker (the queue was empty, or it overflowed)
     */
    private boolean enqueue(Job job) {
        int before = queue.push(job);
        if (before < 0) {
            queue.overflowInto(scheduler.global, job);
            return true;
        }
        return before == 0;
    }

    private Job nextLocal() {
        if (++tick % GLOBAL_CHECK_INTERVAL == 0) {
            Job g = scheduler.global.poll();
            if (g != null) {
                return g;
            }
        }
        if (lifoRuns < MAX_LIFO_RUNS) {
            Job n = takeNext();
            if (n != null) {
                lifoRuns++;
                return n;
            }
        }
        lifoRuns = 0;
        Job job = queue.pop();
        if (job == null) {
            job = takeNext();
            if (job == null) {
                job = scheduler.global.poll();
            }
        }
        return job;
    }

    /**
     * Owner only. Plain reads and writes: a thief's CAS may take the same job concurrently, which is
     * harmless because a job runs only for the first thread that claims it.
     */
    private Job takeNext() {
        Job n = (Job) NEXT.get(this);
        if (n != null) {
            NEXT.set(this, (Job) null);
        }
        return n;
    }

    void runJob(Job job) {
        int d = depth++;
        RUNNING.setOpaque(running, d, job);
        try {
            job.run();
        } catch (Throwable t) {
            // jobs report their own errors; this is the last line of defence for the thread
            scheduler.dropped.report(t);
        } finally {
            RUNNING.setOpaque(running, d, (Job) null);
            depth = d;
        }
    }

    /**
     * Owner only, while it waits for a task it joined: runs one other job of its own, unless its
     * stack is already {@value #MAX_HELP_DEPTH} jobs deep.
     *
     * @return {@code true} if a job ran
     */
    boolean helpOnce() {
        if (depth > MAX_HELP_DEPTH) {
            return false;
        }
        Job job = nextLocal();
        if (job == null) {
            return false;
        }
        runJob(job);
        return true;
    }

    /** Owner only, before it blocks in a join: lets others take what it could not run itself. */
    void beforeBlocking() {
        if (hasVisibleWork()) {
            scheduler.notifyParked();
        }
    }

    // ---------------------------------------------------------------- owner: searching and parking

    private Job search() {
        if (!searching) {
            if (!scheduler.idle.tryStartSearching()) {
                return null;
            }
            searching = true;
        }
        Worker[] all = scheduler.workers;
        int n = all.length;
        long deadline = 0L;
        for (int round = 0; ; round++) {
            int start = n > 1 ? ThreadLocalRandom.current().nextInt(n) : 0;
            for (int i = 0; i < n; i++) {
                Worker victim = all[(start + i) % n];
                if (victim == this) {
                    continue;
                }
                Job job = victim.queue.stealInto(queue);
                if (job == null) {
                    job = victim.stealNext();
                }
                if (job != null) {
                    STEALS.setOpaque(this, (long) STEALS.getOpaque(this) + 1);
                    foundWork();
                    return job;
                }
            }
            Job job = scheduler.global.poll();
            if (job != null) {
                foundWork();
                return job;
            }
            if (scheduler.isShutdown()) {
                return null;
            }
            // bounded spin: at most the budget's window (5 to 50 µs by default) of rounds, then the caller parks
            if (round == 0) {
                deadline = System.nanoTime() + spin.window(scheduler.idle.unparked() <= 1);
            } else if (System.nanoTime() - deadline > 0) {
                return null;
            }
            Thread.onSpinWait();
        }
    }

    /** Any thread: takes this worker's next slot, if it holds a job (see {@link #takeNext}). */
    private Job stealNext() {
        Job n = (Job) NEXT.getAcquire(this);
        if (n != null && NEXT.compareAndSet(this, n, (Job) null)) {
            return n;
        }
        return null;
    }

    private void foundWork() {
        searching = false;
        if (scheduler.idle.stopSearching() && scheduler.anyWorkVisible()) {
            // the last searcher leaves: if work remains, make sure somebody searches for it
            scheduler.notifyParked();
        }
    }

    private void park() {
        scheduler.idle.transitionToParked(this, searching);
        searching = false;
        // Every parking worker looks once more, not only the last searcher: a worker that could not
        // become a searcher (half the workers were) parks while counted unparked until its transition,
        // so a producer whose fence and read came before that transition skipped the wake-up, taking it
        // for a busy worker that would find the work itself. The transition is a full barrier: either
        // the producer reads the state after it (and wakes a sleeper, this one included), or this read
        // sees the work (jcstress LocalSubmitStressTest.ExecuteThenBlock found the lost wake-up).
        if (scheduler.anyWorkVisible()) {
            scheduler.notifyParked();
        }
        spin.parking();
        while (sleeping) {
            if (scheduler.isShutdown()) {
                return;
            }
            LockSupport.park(scheduler);
        }
        spin.woken();
        searching = true; // whoever woke us counted us as a searcher
    }

    void unpark() {
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    // ---------------------------------------------------------------- shutdown and metrics

    /** Any thread (shutdown): abandons this worker's queued jobs and its next slot. */
    void abandonLocal() {
        Job n = stealNext();
        if (n != null) {
            n.abandon();
        }
        for (Job j; (j = queue.poll()) != null; ) {
            j.abandon();
        }
    }

    /** Any thread, after the shutdown deadline: abandons the jobs this worker is still running. */
    void abandonRunning() {
        for (int i = 0; i < running.length; i++) {
            Job j = (Job) RUNNING.getOpaque(running, i);
            if (j != null) {
                j.forceCancel();
            }
        }
    }

    /** Owner only: counts a job created on this worker. */
    void countSpawned() {
        SPAWNED.setOpaque(this, (long) SPAWNED.getOpaque(this) + 1);
    }

    /** Owner only: counts a job that ended on this worker. */
    void countCompleted() {
        COMPLETED.setOpaque(this, (long) COMPLETED.getOpaque(this) + 1);
    }

    boolean hasVisibleWork() {
        return NEXT.getAcquire(this) != null || !queue.isEmpty();
    }

    int queuedJobs() {
        return queue.size() + (NEXT.getAcquire(this) != null ? 1 : 0);
    }

    long spawned() {
        return (long) SPAWNED.getOpaque(this);
    }

    long completed() {
        return (long) COMPLETED.getOpaque(this);
    }

    long steals() {
        return (long) STEALS.getOpaque(this);
    }
}
