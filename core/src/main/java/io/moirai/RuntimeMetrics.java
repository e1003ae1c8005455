package io.moirai;

/**
 * A snapshot of a runtime's live figures, taken by {@link Moirai#metrics()}. The fields are read
 * without stopping the runtime, so they are each exact at some instant during the call but not
 * necessarily at the same instant. Immutable; safe to share between threads.
 *
 * <p><b>Tasks.</b> {@code tasksSpawned} and {@code tasksCompleted} count every task handle and every
 * job the runtime makes: spawned tasks of each kind, delays and scheduled tasks, sends that had to
 * wait for room in a channel, connection handles, commands, and the internal jobs of streams (drain
 * turns, mapping runs). Each is counted spawned when it is created and completed
 * when it ends, however it ends (a value, an error, a cancel, a shutdown), each in one place (the
 * job itself), so {@code tasksSpawned - tasksCompleted} is the number in flight: queued, running, or
 * waiting for a timer or an event. An idle runtime with no pending timer or connection reports them
 * equal.
 *
 * @param workerThreads the number of compute workers
 * @param parkedWorkers compute workers parked because they found no work
 * @param blockingThreads live threads of the blocking pool (busy or idle)
 * @param tasksSpawned tasks and jobs created since the runtime started (see above)
 * @param tasksCompleted tasks and jobs that ended since (succeeded, failed or cancelled; see above)
 * @param steals batches of tasks a compute worker stole from another worker
 * @param queuedTasks tasks waiting in any queue (worker queues, injection queue, blocking queue)
 * @param ioRegistrations channels registered with the I/O driver
 * @param pendingTimers timers scheduled and not yet fired or cancelled
 */
public record RuntimeMetrics(int workerThreads, int parkedWorkers, int blockingThreads,
        long tasksSpawned, long tasksCompleted, long steals, long queuedTasks,
        int ioRegistrations, long pendingTimers) {}
