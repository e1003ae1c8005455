package io.moirai;

/**
 * A snapshot of a runtime's live figures, taken by {@link Moirai#metrics()}. The fields are read
 * without stopping the runtime, so they are each exact at some instant during the call but not
 * necessarily at the same instant. Immutable; safe to share between threads.
 *
 * @param workerThreads the number of compute workers
 * @param parkedWorkers compute workers parked because they found no work
 * @param blockingThreads live threads of the blocking pool (busy or idle)
 * @param tasksSpawned tasks and commands accepted since the runtime started (compute, blocking, async)
 * @param tasksCompleted tasks and commands that ended (succeeded, failed or cancelled)
 * @param steals batches of tasks a compute worker stole from another worker
 * @param queuedTasks tasks waiting in any queue (worker queues, injection queue, blocking queue)
 * @param ioRegistrations channels registered with the I/O driver
 * @param pendingTimers timers scheduled and not yet fired or cancelled
 */
public record RuntimeMetrics(int workerThreads, int parkedWorkers, int blockingThreads,
        long tasksSpawned, long tasksCompleted, long steals, long queuedTasks,
        int ioRegistrations, long pendingTimers) {}
