package io.moirai.blockhound;

import io.moirai.internal.io.IoDriver;
import io.moirai.internal.scheduler.ComputeScheduler;
import java.util.List;
import java.util.Map;
import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Moirai's integration with BlockHound ({@code io.projectreactor.tools:blockhound}): with
 * BlockHound installed, a blocking call (such as {@code Thread.sleep}, {@code Object.wait}, a blocking
 * socket read, waiting for a contended lock) on a thread that must not block fails with BlockHound's
 * {@code BlockingOperationError}, thrown where the call was made: a compute task's handle then fails
 * with it, a Reactor pipeline on {@code MoiraiReactor.scheduler} gets it as {@code onError}.
 *
 * <ul>
 *   <li><b>Non-blocking threads</b>: the compute workers of every runtime (those
 *       {@link io.moirai.Moirai#isComputeThread} recognises, so also the tasks of the Reactor and
 *       RxJava adapters' compute schedulers) and the I/O threads, where the subscribers of
 *       {@code TcpConnection.inbound()}/{@code receive()} and {@code TcpListener.connections()} are
 *       signalled. The blocking pool's threads ({@code spawnBlocking}, the adapters' blocking
 *       schedulers) may block, whatever their factory makes.</li>
 *   <li><b>The runtime's own waits are allowed</b>, each in the one method that does it and runs no
 *       other code: a worker's search spin and park, a drain's and a parallel-map runner's short
 *       polls, the blocking pool's lock, the I/O driver's {@code select} (the dispatch of ready keys
 *       inside it, which signals subscribers, is checked again), the socket calls that may wait for
 *       the JDK's channel locks while another thread closes the channel, a listener's wait for its
 *       port on {@code close()}, and the dropped-error handler's default log line.</li>
 *   <li><b>Joins are allowed</b>: {@code TaskHandle.join()} on a compute worker runs the task itself
 *       or helps with queued work first (as {@code ForkJoinTask.join} does), and only its final short
 *       spin and park are allowed; the work it runs meanwhile is checked as usual.</li>
 * </ul>
 *
 * <p><b>Installing.</b> On the class path BlockHound finds this integration by itself
 * ({@code META-INF/services/reactor.blockhound.integration.BlockHoundIntegration} in core's jar):
 * {@code BlockHound.install()} is enough. BlockHound is an optional dependency of core: add
 * {@code io.projectreactor.tools:blockhound} to your tests. On the module path, where a named module's
 * service files are not read, pass it explicitly:
 * {@code BlockHound.install(new MoiraiBlockHoundIntegration())} (module {@code io.moirai.core} reads
 * {@code reactor.blockhound} statically). BlockHound on JDK 13+ needs the JVM flag
 * {@code -XX:+AllowRedefinitionToAddDeleteMethods}.
 *
 * <p>Threads: BlockHound calls {@link #applyTo} once, on the thread that installs it; the predicate it
 * registers is evaluated on the thread being checked.
 */
public final class MoiraiBlockHoundIntegration implements BlockHoundIntegration {

    /**
     * The runtime's own waits, by class and method: each method waits (spins, parks, takes a lock,
     * selects, logs) and runs no user code. {@code MoiraiBlockHoundIntegrationTest} checks that each
     * method exists.
     */
    static final Map<String, List<String>> ALLOWED = Map.of(
            "io.moirai.internal.scheduler.Worker", List.of("search", "park"),
            "io.moirai.internal.task.TaskCore", List.of("spinUntilDone", "parkUntilDone"),
            "io.moirai.internal.stream.SerialDrain", List.of("awaitWork"),
            "io.moirai.internal.stream.ParallelMapSubscription", List.of("awaitItems"),
            "io.moirai.internal.blocking.BlockingPool", List.of("enqueue", "closeQueue", "snapshot", "threads", "queued"),
            "io.moirai.internal.io.SelectorPoller", List.of("poll", "selectNow"),
            "io.moirai.internal.net.SocketConnection",
                    List.of("channelClose", "channelConnect", "channelFinishConnect", "channelRead", "channelWrite"),
            "io.moirai.internal.net.ListenerCore", List.of("channelClose", "channelAccept", "awaitReleased"),
            "io.moirai.internal.util.DroppedErrors", List.of("log"));

    /** Methods inside allowed ones that run user code, so blocking there is reported again. */
    static final Map<String, List<String>> DISALLOWED = Map.of(
            "io.moirai.internal.io.SelectorPoller", List.of("dispatch"));

    /** Made by BlockHound's service loader, or by an application that installs BlockHound explicitly. */
    public MoiraiBlockHoundIntegration() {
        // stateless
    }

    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.nonBlockingThreadPredicate(current -> current.or(MoiraiBlockHoundIntegration::mustNotBlock));
        ALLOWED.forEach((type, methods) -> methods.forEach(m -> builder.allowBlockingCallsInside(type, m)));
        DISALLOWED.forEach((type, methods) -> methods.forEach(m -> builder.disallowBlockingCallsInside(type, m)));
    }

    /** Compute workers and I/O threads; called by BlockHound with the thread it checks (the current one). */
    private static boolean mustNotBlock(Thread t) {
        return ComputeScheduler.isAnyWorkerThread(t) || IoDriver.isLoopThread(t);
    }
}
