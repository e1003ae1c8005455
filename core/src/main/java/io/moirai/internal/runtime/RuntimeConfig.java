package io.moirai.internal.runtime;

import java.time.Duration;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The validated settings of one runtime, as the public builder collected them. Immutable.
 *
 * @param workerThreads compute workers
 * @param maxBlockingThreads the blocking pool's thread limit
 * @param blockingKeepAlive how long an idle blocking thread lives
 * @param ioThreads I/O driver threads
 * @param threadNamePrefix the prefix of every runtime thread's name
 * @param threadFactory the factory of compute worker threads, or null for the default
 * @param shutdownTimeout the timeout {@code close()} uses
 * @param droppedErrorHandler where errors without a handle go, or null for the default logger
 * @param ioBuffers the pooled read buffers of each I/O thread (see {@code TcpConnection.receive()})
 * @param blockingThreadFactory the factory of the blocking pool's threads, or null for the default
 * @param taskDecorator what wraps every task body (see {@code Builder.taskDecorator}), or null for none
 */
public record RuntimeConfig(int workerThreads, int maxBlockingThreads, Duration blockingKeepAlive,
        int ioThreads, String threadNamePrefix, ThreadFactory threadFactory, Duration shutdownTimeout,
        Consumer<? super Throwable> droppedErrorHandler, int ioBuffers, ThreadFactory blockingThreadFactory,
        UnaryOperator<Runnable> taskDecorator) {

    /** The most compute workers a runtime may have (the idle state packs counts in 16 bits). */
    public static final int MAX_WORKERS = (1 << 15) - 1;
}
