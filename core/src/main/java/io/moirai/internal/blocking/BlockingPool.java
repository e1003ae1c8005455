package io.moirai.internal.blocking;

import io.moirai.internal.util.DroppedErrors;
import io.moirai.internal.scheduler.ComputeScheduler;
import io.moirai.internal.scheduler.Job;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The elastic pool for blocking work. It has two modes, chosen by the first thread its factory makes:
 *
 * <ul>
 *   <li><b>Pooled</b> (platform threads: the default factory, or a custom one that makes platform
 *       threads). A thread is started whenever queued jobs outnumber idle threads, up to
 *       {@code maxThreads}; beyond that, jobs queue (nothing is refused before shutdown). A thread runs
 *       job after job; one idle for {@code keepAlive} retires.</li>
 *   <li><b>Thread per task</b> (a factory that makes virtual threads, on JDK 21+). Every job runs on a
 *       new thread of its own, which ends with the job: no thread waits idle and {@code keepAlive} does
 *       not apply. {@code maxThreads} bounds the jobs running at once; the others queue in submission
 *       order, and a thread that ends starts the next queued job's thread.</li>
 * </ul>
 *
 * <p>Blocking jobs are slow by nature, so one lock guards the queue and the thread bookkeeping; idle
 * threads wait on one condition. Between two jobs a pooled thread clears its interrupt status, so the
 * interrupt of a cancelled task never reaches the next one.
 *
 * <p>Threads: {@link #submit}, {@link #shutdown()}, {@link #forceStop()} and the getters may be
 * called from any thread. The methods that take the lock run no other code while they hold it (a
 * compute worker may wait for the lock there; BlockHound's integration allows those waits by name).
 */
public final class BlockingPool {

    private static final int MODE_UNKNOWN = 0;
    private static final int MODE_POOLED = 1;
    private static final int MODE_PER_TASK = 2;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition available = lock.newCondition();
    private final ArrayDeque<Job> queue = new ArrayDeque<>();
    private final Set<Runner> runners = new HashSet<>();
    /** Threads that retired and may still be finishing; pruned of dead ones as it grows. */
    private final List<Thread> retired = new ArrayList<>();
    private final int maxThreads;
    private final long keepAliveNanos;
    private final String namePrefix;
    /** The user's factory, or null for the default daemon threads named {@code <prefix>-blocking-<n>}. */
    private final ThreadFactory factory;
    private final DroppedErrors dropped;
    /** Guarded by the lock; set once, by the first thread made (before it starts). */
    private int mode;
    private int pruneAt = 16;
    private int idle;
    private int nextId;
    private boolean shutdown;
    private volatile int threadCount;

    /**
     * @param maxThreads the thread limit (pooled) or the limit of jobs running at once (thread per task)
     * @param keepAliveNanos how long an idle pooled thread lives
     * @param namePrefix the runtime's thread name prefix (names of the default factory's threads)
     * @param factory the user's thread factory, or null for the default platform threads
     * @param dropped where errors without a handle go
     */
    public BlockingPool(int maxThreads, long keepAliveNanos, String namePrefix, ThreadFactory factory,
            DroppedErrors dropped) {
        this.maxThreads = maxThreads;
        this.keepAliveNanos = keepAliveNanos;
        this.namePrefix = namePrefix;
        this.factory = factory;
        this.dropped = dropped;
        this.mode = factory == null ? MODE_POOLED : MODE_UNKNOWN;
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
                Throwable failed = startThread();
                if (failed != null) {
                    if (runners.isEmpty()) { // no thread at all to run it
                        queue.removeLastOccurrence(job);
                        var rejected = ComputeScheduler.rejected();
                        rejected.initCause(failed);
                        throw rejected;
                    }
                    dropped.report(failed); // the existing threads will run the job
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Holds the lock. Starts a thread that takes its first job from the queue.
     *
     * @return null if it started, else why no thread could be made
     */
    private Throwable startThread() {
        Runner r = new Runner();
        try {
            Thread t = newThread(r);
            if (mode == MODE_UNKNOWN) {
                mode = VirtualThreads.isVirtual(t) ? MODE_PER_TASK : MODE_POOLED;
            }
            r.thread = t;
            t.start();
        } catch (Throwable e) { // OutOfMemoryError: unable to create native thread; a failing factory
            return e;
        }
        runners.add(r);
        threadCount = runners.size();
        return null;
    }

    private Thread newThread(Runner r) {
        if (factory == null) {
            Thread t = new Thread(r, namePrefix + "-blocking-" + nextId++);
            t.setDaemon(true);
            t.setUncaughtExceptionHandler(dropped);
            return t;
        }
        Thread t = factory.newThread(r);
        if (t == null) {
            throw new IllegalStateException("blockingThreadFactory returned null");
        }
        return t;
    }

    private final class Runner implements Runnable {
        Thread thread;
        volatile Job current;

        @Override
        public void run() {
            Job job = take();
            while (job != null) {
                current = job;
                try {
                    job.run();
                } catch (Throwable t) {
                    dropped.report(t);
                } finally {
                    current = null;
                    Thread.interrupted(); // a cancel's interrupt must not reach the next job
                }
                job = perTask() ? handOff() : take();
            }
        }

        /**
         * @return the next job, or null when this thread retires (idle for the keep-alive; in thread
         *     per task mode, at once when nothing is queued) or the pool shut down
         */
        private Job take() {
            lock.lock();
            try {
                for (;;) {
                    Job job = queue.pollFirst();
                    if (job != null) {
                        return job;
                    }
                    if (shutdown || mode == MODE_PER_TASK) {
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

        /**
         * Thread per task: this thread's job ended, so the thread ends; if jobs wait, the first of them
         * gets a thread of its own. Should no thread be made, this one runs it after all.
         *
         * @return null (the thread ends), or the job to run here when no new thread could be made
         */
        private Job handOff() {
            lock.lock();
            try {
                runners.remove(this);
                if (!shutdown && !queue.isEmpty() && runners.size() < maxThreads) {
                    Throwable failed = startThread();
                    if (failed != null) {
                        dropped.report(failed);
                        runners.add(this); // no thread to be had: this one stays on for the next job
                        return queue.pollFirst();
                    }
                }
                retire();
                return null;
            } finally {
                lock.unlock();
            }
        }

        /** Holds the lock. */
        private void retire() {
            runners.remove(this);
            retired.add(thread);
            if (retired.size() >= pruneAt) {
                retired.removeIf(t -> !t.isAlive());
                pruneAt = Math.max(16, 2 * retired.size());
            }
            threadCount = runners.size();
        }
    }

    /** Any thread that ran {@code take()} or {@code handOff()} before (which published the mode). */
    private boolean perTask() {
        return mode == MODE_PER_TASK;
    }

    /** Refuses new jobs, abandons the queued ones and lets idle threads end; running jobs go on. */
    public void shutdown() {
        for (Job j : closeQueue()) {
            j.abandon(); // outside the lock: an abandoned task signals its observers
        }
    }

    private List<Job> closeQueue() {
        lock.lock();
        try {
            shutdown = true;
            List<Job> abandoned = new ArrayList<>(queue);
            queue.clear();
            available.signalAll();
            return abandoned;
        } finally {
            lock.unlock();
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

    /** @return live threads (a snapshot); in thread per task mode, the jobs running or about to */
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
