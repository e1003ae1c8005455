package io.moirai.internal.scheduler;

import io.moirai.internal.util.DroppedErrors;
import java.util.Queue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.jctools.queues.MpmcUnboundedXaddArrayQueue;

/**
 * The work-stealing compute scheduler: {@code n} {@link Worker}s with local queues and "next" slots,
 * one global injection queue (a JCTools MPMC queue) for submissions from other threads, and the
 * {@link Idle} coordination that parks workers with nothing to do and wakes one when work arrives and
 * nobody is searching.
 *
 * <p>Threads: {@link #submit} and the metric getters may be called from any thread. The
 * {@code current worker} methods ({@link #helpOnce}, {@link #beforeBlocking}) act on the calling
 * worker and do nothing on other threads. {@link #shutdown()} may be called from any thread, more
 * than once.
 */
public final class ComputeScheduler {

    private static final ThreadLocal<Worker> CURRENT = new ThreadLocal<>();

    final Worker[] workers;
    final Idle idle;
    final Queue<Job> global = new MpmcUnboundedXaddArrayQueue<>(1024);
    final DroppedErrors dropped;

    private final Thread[] threads;
    private final boolean customThreads;
    private final AtomicInteger live;
    private final LongAdder externalSpawned = new LongAdder();
    private final LongAdder externalCompleted = new LongAdder();
    private volatile boolean shutdown;

    /**
     * Creates the workers and their threads (not started).
     *
     * @param n the number of workers
     * @param namePrefix the prefix of the threads' names
     * @param factory the thread factory, or null for plain daemon threads
     * @param dropped where errors without a handle go
     */
    public ComputeScheduler(int n, String namePrefix, ThreadFactory factory, DroppedErrors dropped) {
        this.dropped = dropped;
        this.workers = new Worker[n];
        this.threads = new Thread[n];
        this.idle = new Idle(n);
        this.customThreads = factory != null;
        this.live = new AtomicInteger(n);
        for (int i = 0; i < n; i++) {
            Worker w = new Worker(this, i);
            workers[i] = w;
            Thread t;
            if (factory == null) {
                t = new WorkerThread(w, namePrefix + "-worker-" + i);
                t.setUncaughtExceptionHandler(dropped);
            } else {
                t = factory.newThread(w);
                if (t == null) {
                    throw new IllegalStateException("threadFactory returned null");
                }
            }
            w.thread = t;
            threads[i] = t;
        }
    }

    /** Starts the worker threads. Called once, by the runtime's constructor. */
    public void start() {
        for (Thread t : threads) {
            t.start();
        }
    }

    void bindCurrentThread(Worker w) {
        if (customThreads) {
            CURRENT.set(w);
        }
    }

    /** @return the calling thread's worker if it is one of this scheduler's workers, else null */
    private Worker currentWorker() {
        Thread t = Thread.currentThread();
        Worker w;
        if (t instanceof WorkerThread wt) {
            w = wt.worker;
        } else if (customThreads) {
            w = CURRENT.get();
        } else {
            return null;
        }
        return w != null && w.scheduler == this ? w : null;
    }

    /**
     * Submits a job: onto the calling worker's "next" slot when called from one of this scheduler's
     * workers, otherwise onto the global queue; either way a parked worker is woken if nobody searches,
     * so the job runs even if the caller then blocks waiting for it.
     *
     * @param job the job
     * @throws RejectedExecutionException if the scheduler is shut down: the job was abandoned (it
     *     ended, a task cancelled) and will never run
     */
    public void submit(Job job) {
        submit(job, false);
    }

    /**
     * Submits a job that yields its worker after a turn of work (a stream's drain or runner that used
     * its budget): from a worker it goes to the FIFO end of that worker's queue, behind the jobs
     * already waiting, so they run first (a plain {@link #submit} would take the "next" slot and run
     * again at once); from other threads it is a plain submission.
     *
     * @param job the job
     * @throws RejectedExecutionException if the scheduler is shut down: the job was abandoned
     */
    public void submitYielded(Job job) {
        submit(job, true);
    }

    private void submit(Job job, boolean yielded) {
        if (shutdown) {
            job.abandon(); // never queued: it ends here (cancelled), as queued jobs do at shutdown
            throw rejected();
        }
        Worker w = currentWorker();
        if (w == null) {
            global.offer(job);
            notifyParked();
        } else if (yielded) {
            w.pushYielded(job);
        } else {
            w.pushLocal(job);
        }
        if (shutdown && job.abandon()) {
            // shutdown raced with this submission and may have drained the queues already
            throw rejected();
        }
    }

    /** @return the exception every submission after shutdown gets */
    public static RejectedExecutionException rejected() {
        return new RejectedExecutionException("the Moirai runtime is shut down");
    }

    /** Any thread: wakes a parked worker if work is waiting and nobody searches for it. */
    void notifyParked() {
        Worker w = idle.workerToNotify();
        if (w != null) {
            w.unpark();
        }
    }

    boolean anyWorkVisible() {
        if (!global.isEmpty()) {
            return true;
        }
        for (Worker w : workers) {
            if (w.hasVisibleWork()) {
                return true;
            }
        }
        return false;
    }

    /** @return where errors without a handle go */
    public DroppedErrors dropped() {
        return dropped;
    }

    /** @return whether {@link #shutdown()} was called */
    public boolean isShutdown() {
        return shutdown;
    }

    /**
     * Stops accepting work, abandons every queued job (their handles end cancelled) and wakes every
     * worker; each worker ends after its current job. Jobs that slip into a queue meanwhile are
     * abandoned by their submitter, by the exiting workers or by the last of them.
     */
    public void shutdown() {
        shutdown = true;
        for (Worker w : workers) {
            w.abandonLocal();
        }
        abandonGlobal();
        idle.wakeAll();
    }

    void workerExited(Worker w) {
        if (live.decrementAndGet() == 0) {
            abandonGlobal();
        }
    }

    /** Abandons every job left on the global queue (shutdown). */
    public void abandonGlobal() {
        for (Job j; (j = global.poll()) != null; ) {
            j.abandon();
        }
    }

    /** Any thread, after the shutdown deadline: abandons the jobs the workers are still running. */
    public void abandonRunning() {
        for (Worker w : workers) {
            w.abandonRunning();
        }
    }

    /** @return the worker threads */
    public Thread[] threads() {
        return threads.clone();
    }

    // ------------------------------------------------------------ joins on a worker

    /**
     * @param t a thread
     * @return whether {@code t} is a compute worker of some runtime: a default worker thread, or the
     *     calling thread when it is a worker made by a custom thread factory (those are recognised
     *     only from inside)
     */
    public static boolean isAnyWorkerThread(Thread t) {
        return t instanceof WorkerThread || (t == Thread.currentThread() && CURRENT.get() != null);
    }

    /** @return whether the calling thread is one of this scheduler's workers */
    public boolean isCurrentWorker() {
        return currentWorker() != null;
    }

    /**
     * Runs one queued job of the calling worker, for a join that waits; does nothing on other threads.
     *
     * @return {@code true} if a job ran
     */
    public boolean helpOnce() {
        Worker w = currentWorker();
        return w != null && w.helpOnce();
    }

    /** Called by a worker about to block in a join: lets the others take its queued work. */
    public void beforeBlocking() {
        Worker w = currentWorker();
        if (w != null) {
            w.beforeBlocking();
        }
    }

    // ------------------------------------------------------------ metrics

    /** Counts a job created (see {@link Job}); cheap on a worker, a {@link LongAdder} elsewhere. */
    void countSpawned() {
        Worker w = currentWorker();
        if (w != null) {
            w.countSpawned();
        } else {
            externalSpawned.increment();
        }
    }

    /** Counts a job that ended (see {@link Job}); cheap on a worker, a {@link LongAdder} elsewhere. */
    void countCompleted() {
        Worker w = currentWorker();
        if (w != null) {
            w.countCompleted();
        } else {
            externalCompleted.increment();
        }
    }

    /** @return jobs created so far (see {@link Job}) */
    public long spawned() {
        long s = externalSpawned.sum();
        for (Worker w : workers) {
            s += w.spawned();
        }
        return s;
    }

    /** @return jobs that ended so far (see {@link Job}) */
    public long completed() {
        long s = externalCompleted.sum();
        for (Worker w : workers) {
            s += w.completed();
        }
        return s;
    }

    /** @return steal batches so far */
    public long steals() {
        long s = 0;
        for (Worker w : workers) {
            s += w.steals();
        }
        return s;
    }

    /** @return jobs waiting in local queues, next slots and the global queue */
    public long queued() {
        long s = global.size();
        for (Worker w : workers) {
            s += w.queuedJobs();
        }
        return s;
    }

    /** @return parked workers */
    public int parked() {
        return idle.parked();
    }

    /** @return the number of workers */
    public int size() {
        return workers.length;
    }
}
