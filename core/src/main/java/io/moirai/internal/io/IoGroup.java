package io.moirai.internal.io;

import io.moirai.internal.util.DroppedErrors;
import io.moirai.internal.scheduler.ComputeScheduler;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The runtime's I/O drivers, started together on first use (a runtime that uses no timer and no
 * socket has no I/O thread and no selector). {@link #next()} hands out drivers in turn, so channels
 * and timers spread over the I/O threads.
 *
 * <p>Threads: every method may be called from any thread.
 */
public final class IoGroup {

    private final int size;
    private final String namePrefix;
    private final DroppedErrors dropped;
    private final int buffersPerDriver;
    private final AtomicInteger turn = new AtomicInteger();
    private final AtomicInteger acceptTurn = new AtomicInteger();
    private volatile IoDriver[] drivers;
    private boolean closed; // guarded by this

    /**
     * @param size the number of I/O threads
     * @param namePrefix the runtime's thread name prefix
     * @param dropped where errors that reach no subscriber go
     * @param buffersPerDriver the pooled read buffers of each driver
     */
    public IoGroup(int size, String namePrefix, DroppedErrors dropped, int buffersPerDriver) {
        this.size = size;
        this.namePrefix = namePrefix;
        this.dropped = dropped;
        this.buffersPerDriver = buffersPerDriver;
    }

    /**
     * @return the next driver in turn, starting the drivers on first use
     * @throws java.util.concurrent.RejectedExecutionException if the group was shut down
     */
    public IoDriver next() {
        IoDriver[] d = drivers;
        if (d == null) {
            d = start();
        }
        return d.length == 1 ? d[0] : d[Math.floorMod(turn.getAndIncrement(), d.length)];
    }

    /**
     * The driver for the next accepted connection: listeners take turns of their own, so accepted
     * connections spread evenly over the drivers even when the same runtime also connects (which
     * would otherwise take every other turn).
     *
     * @return the next driver for an accepted connection
     */
    public IoDriver nextForAccepted() {
        IoDriver[] d = drivers;
        if (d == null) {
            d = start();
        }
        return d.length == 1 ? d[0] : d[Math.floorMod(acceptTurn.getAndIncrement(), d.length)];
    }

    private synchronized IoDriver[] start() {
        if (closed) {
            throw ComputeScheduler.rejected();
        }
        IoDriver[] d = drivers;
        if (d == null) {
            d = new IoDriver[size];
            for (int i = 0; i < size; i++) {
                d[i] = new IoDriver(namePrefix + "-io-" + i, dropped, new ReadBufferPool(buffersPerDriver, dropped));
            }
            for (IoDriver driver : d) {
                driver.start();
            }
            drivers = d;
        }
        return d;
    }

    /** Stops every driver: sockets close, timers and pending registrations end cancelled. */
    public void shutdown() {
        IoDriver[] d;
        synchronized (this) {
            closed = true;
            d = drivers;
        }
        if (d != null) {
            for (IoDriver driver : d) {
                driver.shutdown();
            }
        }
    }

    /** @return the drivers' threads (none if the drivers never started) */
    public List<Thread> threads() {
        IoDriver[] d = drivers;
        if (d == null) {
            return List.of();
        }
        Thread[] t = new Thread[d.length];
        for (int i = 0; i < d.length; i++) {
            t[i] = d[i].thread();
        }
        return List.of(t);
    }

    /** @return channels registered over all drivers */
    public int registrations() {
        int n = 0;
        IoDriver[] d = drivers;
        if (d != null) {
            for (IoDriver driver : d) {
                n += driver.registrations();
            }
        }
        return n;
    }

    /** @return timers pending over all drivers */
    public long pendingTimers() {
        long n = 0;
        IoDriver[] d = drivers;
        if (d != null) {
            for (IoDriver driver : d) {
                n += driver.pendingTimers();
            }
        }
        return n;
    }
}
