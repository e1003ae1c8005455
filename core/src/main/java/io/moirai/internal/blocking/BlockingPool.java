package io.moirai.internal.blocking;

import io.moirai.internal.util.DroppedErrors;
import io.moirai.internal.scheduler.ComputeScheduler;
import io.moirai.internal.scheduler.Job;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The elastic pool for blocking work: it starts a thread whenever queued jobs outnumber idle threads,
 * up to {@code maxThreads}; beyond that, jobs queue (nothing is refused before shutdown). A thread
 * idle for {@code keepAlive} retires.
 *
 * <p>Blocking jobs are slow by nature, so one lock guards the queue and the thread bookkeeping; idle
 * threads wait on one condition. Between two jobs a thread clears its interrupt status, so the
 * interrupt of a cancelled task never reaches the next one.
 *
 * <p>Threads: {@link #submit}, {@link #shutdown()}, {@link #forceStop()} and the getters may be
 * called from any thread.
 */
public final class BlockingPool {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition available = lock.newCondition();
    private final ArrayDeque<Job> queue = new ArrayDeque<>();
    private final Set<Runner> runners = new HashSet<>();
    /** Threads that retired and may still be finishing; pruned when they are gone. */
    private final List<Thread> retired = new ArrayList<>();
    private final int maxThreads;
    private final long keepAliveNanos;
    private final String namePrefix;
    private final DroppedErrors dropped;
    private int idle;
    private int nextId;
    private boolean shutdown;
    private volatile int threadCount;

    /**
     * @param maxThreads the thread limit
     * @param keepAliveNanos how long an idle thread lives
     * @param namePrefix the runtime's thread name prefix
     * @param dropped where errors without a handle go
     */
    public BlockingPool(int maxThreads, long keepAliveNanos, String namePrefix, DroppedErrors dropped) {
        this.maxThreads = maxThreads;
        this.keepAliveNanos = keepAliveNanos;
        this.namePrefix = namePrefix;
        this.dropped = dropped;
    }

    /**
     * Queues a job, starting a thread if the queued jobs outnumber the idle threads.
     *
     * @throws java.util.concurrent.RejectedExecutionException after shutdown
     */
    public void submit(Job job) {
        try {
            enqueue(job);
        } catch (RuntimeException refused) {
            job.abandon(); // never queued: it ends here (cancelled), outside the lock
            throw refused;
        }
    }

    private void enqueue(Job job) {
        lock.lock();
        try {
            if (shutdown) {
                throw ComputeScheduler.rejected();
            }
            queue.addLast(job);
            if (idle > 0) {
                available.signal();
            }
            if (queue.size() > idle && runners.size() < maxThreads) {
                startThread(job);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Holds the lock. */
    private void startThread(Job job) {
        retired.removeIf(t -> !t.isAlive());
        Runner r = new Runner();
        Thread t = new Thread(r, namePrefix + "-blocking-" + nextId++);
        t.setDaemon(true);
        t.setUncaughtExceptionHandler(dropped);
        r.thread = t;
        try {
            t.start();
        } catch (Throwable e) { // OutOfMemoryError: unable to create native thread
            if (runners.isEmpty()) {
                queue.removeLastOccurrence(job);
                var rejected = ComputeScheduler.rejected();
                rejected.initCause(e);
                throw rejected;
            }
            dropped.report(e); // the existing threads will run the job
            return;
        }
        runners.add(r);
        threadCount = runners.size();
    }

    private final class Runner implements Runnable {
        Thread thread;
        volatile Job current;

        @Override
        public void run() {
            for (;;) {
                Job job = take();
                if (job == null) {
                    return;
                }
                current = job;
                try {
                    job.run();
                } catch (Throwable t) {
                    dropped.report(t);
                } finally {
                    current = null;
                    Thread.interrupted(); // a cancel's interrupt must not reach the next job
                }
            }
        }

        /** @return the next job, or null when this thread retires or the pool shut down */
        private Job take() {
            lock.lock();
            try {
                for (;;) {
                    Job job = queue.pollFirst();
                    if (job != null) {
                        return job;
                    }
                    if (shutdown) {
                        retire();
                        return null;
                    }
                    idle++;
                    long left;
                    try {
                        left = available.awaitNanos(keepAliveNanos);
                    } catch (InterruptedException e) {
                        left = 1L; // only a forced shutdown interrupts an idle thread: look again
                    } finally {
                        idle--;
                    }
                    if (left <= 0L && queue.isEmpty()) {
                        retire();
                        return null;
                    }
                }
            } finally {
                lock.unlock();
            }
        }

        /** Holds the lock. */
        private void retire() {
            runners.remove(this);
            retired.add(thread);
            threadCount = runners.size();
        }
    }

    /** Refuses new jobs, abandons the queued ones and lets idle threads end; running jobs go on. */
    public void shutdown() {
        List<Job> abandoned;
        lock.lock();
        try {
            shutdown = true;
            abandoned = new ArrayList<>(queue);
            queue.clear();
            available.signalAll();
        } finally {
            lock.unlock();
        }
        for (Job j : abandoned) {
            j.abandon();
        }
    }

    /** After the shutdown deadline: cancels (and so interrupts) the jobs still running. */
    public void forceStop() {
        for (Runner r : snapshot()) {
            Job j = r.current;
            if (j != null) {
                j.forceCancel();
            }
        }
    }

    /** @return the pool's threads that may still be alive, busy, idle or retiring (a snapshot) */
    public List<Thread> threads() {
        lock.lock();
        try {
            List<Thread> out = new ArrayList<>(retired);
            for (Runner r : runners) {
                out.add(r.thread);
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    private List<Runner> snapshot() {
        lock.lock();
        try {
            return new ArrayList<>(runners);
        } finally {
            lock.unlock();
        }
    }

    /** @return live threads (a snapshot) */
    public int threadCount() {
        return threadCount;
    }

    /** @return jobs waiting for a thread */
    public int queued() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }
}
