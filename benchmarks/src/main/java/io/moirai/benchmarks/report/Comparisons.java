package io.moirai.benchmarks.report;

import io.moirai.benchmarks.report.Comparison.Better;
import io.moirai.benchmarks.report.Comparison.Peer;
import io.moirai.benchmarks.report.Comparison.Row;
import io.moirai.benchmarks.report.Comparison.Target;
import io.moirai.benchmarks.report.Comparison.Target.AtLeast;
import io.moirai.benchmarks.report.Comparison.Target.AtLeastWithinLimit;
import io.moirai.benchmarks.report.Comparison.Target.AtMost;
import io.moirai.benchmarks.report.Comparison.Target.Held;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The comparison table: every line of {@code benchmarks/results/latest.md} and every bar of
 * {@code latest.png}, in order. This is the one place that says which Moirai row is compared with
 * which peer rows, which peer is the reference, and what target the issues set.
 *
 * <p>How to read an entry: {@code cmp(id, measure, unit, better, moirai, peers, target, source)}.
 * <ul>
 *   <li>{@code moirai}/{@code ref}/{@code peer}: a row is a JMH benchmark ({@code Class.method}),
 *       optionally narrowed by parameters ({@code "ioThreads=1"}) and a secondary metric
 *       ({@code timer}). {@code ref(..)} marks a reference peer: the target is judged against the
 *       strongest reference (the lowest Moirai / peer ratio); {@code peer(..)} rows are shown for
 *       context only. The reference is the one each suite's javadoc and METHOD.md name (the
 *       peer's best idiomatic form, with the same thread count as Moirai).
 *   <li>{@code better}: {@link Better#HIGHER} for throughput, {@link Better#LOWER} for time, space
 *       or CPU per operation. Moirai / peer is reported so that higher is always better for Moirai:
 *       Moirai's score over the peer's for {@code HIGHER}, the peer's over Moirai's for {@code LOWER}.
 *       For JMH rows the mode decides when the two disagree (a suite run with {@code -bm thrpt}).
 *   <li>{@code target}: {@link AtLeast} a ratio against the best reference; {@link AtLeastWithinLimit}
 *       the same, capped by the machine's physical limit (METHOD.md); {@link AtMost} an absolute
 *       bound on Moirai's figure; {@link Held} a load the measuring program held and checked;
 *       {@link #NONE} an informational line.
 *   <li>{@code source}: the issue that set the target.
 * </ul>
 * Rows prefixed {@code BeyondJmh.} are the figures of {@code io.moirai.benchmarks.beyond.BeyondJmh},
 * written in JMH's JSON shape.
 */
final class Comparisons {

    private Comparisons() {}

    static final Target NONE = new Target.None();

    private static final Better HIGHER = Better.HIGHER;
    private static final Better LOWER = Better.LOWER;

    private static final Row SEQUENTIAL = row("plain loop on 1 thread", "ParallelMapBenchmark.sequential");

    /** Every comparison, in report order. */
    static final List<Comparison> ALL = List.of(
            // ------------------------------------------------------------ tasks (issue 2)
            cmp("round trip", "One task's round trip: spawned from a thread outside the pool, joined",
                    "µs per round trip", LOWER,
                    row("spawn(..).join()", "TaskRoundTripBenchmark.moirai"),
                    List.of(ref(row("CompletableFuture.supplyAsync on ForkJoinPool(n)", "TaskRoundTripBenchmark.completableFutureForkJoinPool")),
                            peer(row("ThreadPoolExecutor(n) submit().get()", "TaskRoundTripBenchmark.threadPoolExecutor")),
                            peer(row("Reactor subscribeOn(parallel()).block()", "TaskRoundTripBenchmark.reactor")),
                            peer(row("RxJava subscribeOn(computation()).blockingGet()", "TaskRoundTripBenchmark.rxjava"))),
                    new AtLeast(1.25), "issue 2"),
            cmp("fan-out", "Fan-out: one task spawns 10,000 small tasks and joins them all",
                    "M subtasks/s", HIGHER,
                    row("flat spawn + join", "FanOutBenchmark.moirai"),
                    List.of(ref(row("ForkJoinTask flat fork/join on ForkJoinPool(n)", "FanOutBenchmark.forkJoinFlat")),
                            peer(row("CompletableFuture.allOf on ForkJoinPool(n)", "FanOutBenchmark.completableFutureAllOf"))),
                    new AtLeast(1.25), "issue 2"),
            cmp("fan-out split", "Fan-out by recursive binary split (extra rows, 9,999 forks)",
                    "M subtasks/s", HIGHER,
                    row("spawn/join binary split", "FanOutBenchmark.moiraiBinarySplit"),
                    List.of(ref(row("ForkJoinTask binary split on ForkJoinPool(n)", "FanOutBenchmark.forkJoinBinarySplit"))),
                    NONE, "—"),

            // ------------------------------------------------------------ TCP and timers (issue 3)
            cmp("echo 1 thread", "TCP echo, 64 MiB in 64 KiB writes, one loopback connection; both ends on one I/O thread / event loop",
                    "MiB/s", HIGHER,
                    row("ioThreads=1", "TcpEchoBenchmark.moirai", "ioThreads=1"),
                    List.of(ref(row("reactor-netty, 1 event loop", "TcpEchoBenchmark.reactorNetty", "nettyLoops=1")),
                            peer(row("blocking sockets, thread per connection", "TcpEchoBenchmark.blockingSockets"))),
                    new AtLeast(1.0), "issue 3"),
            cmp("echo default", "TCP echo, as above; each library's default placement",
                    "MiB/s", HIGHER,
                    row("ioThreads=2", "TcpEchoBenchmark.moirai", "ioThreads=2"),
                    List.of(ref(row("reactor-netty, default loops", "TcpEchoBenchmark.reactorNetty", "nettyLoops=default"))),
                    new AtLeast(1.0), "issue 3"),
            cmp("ping-pong 1 thread", "TCP ping-pong, 64-byte messages, one loopback connection; both ends on one I/O thread / event loop",
                    "round trips/s", HIGHER,
                    row("ioThreads=1", "TcpPingPongBenchmark.moirai", "ioThreads=1"),
                    List.of(ref(row("reactor-netty, 1 event loop", "TcpPingPongBenchmark.reactorNetty", "nettyLoops=1")),
                            peer(row("blocking sockets, thread per connection", "TcpPingPongBenchmark.blockingSockets"))),
                    new AtLeast(1.0), "issue 3"),
            cmp("ping-pong default", "TCP ping-pong, as above; each library's default placement",
                    "round trips/s", HIGHER,
                    row("ioThreads=2", "TcpPingPongBenchmark.moirai", "ioThreads=2"),
                    List.of(ref(row("reactor-netty, default loops", "TcpPingPongBenchmark.reactorNetty", "nettyLoops=default"))),
                    new AtLeast(1.0), "issue 3"),
            cmp("timers fire", "Timers: schedule 1,000,000 timers of 1 ms and wait until all fired",
                    "ns per timer", LOWER,
                    metricRow("schedule(1 ms, task)", "TimerBenchmark.fireMoirai", "timer"),
                    List.of(ref(metricRow("ScheduledThreadPoolExecutor(n)", "TimerBenchmark.fireScheduledThreadPool", "timer")),
                            peer(metricRow("Netty HashedWheelTimer, 1 ms tick", "TimerBenchmark.fireHashedWheelTimer", "timer"))),
                    new AtLeast(2.0), "issue 3"),
            cmp("timers cancel", "Timers: schedule a 1 h timer and cancel it at once (no target; the wheel is the peer to beat)",
                    "ns per schedule + cancel", LOWER,
                    row("delay(1 h).cancel()", "TimerBenchmark.cancelMoirai"),
                    List.of(ref(row("Netty HashedWheelTimer", "TimerBenchmark.cancelHashedWheelTimer")),
                            peer(row("ScheduledThreadPoolExecutor(n), removeOnCancel", "TimerBenchmark.cancelScheduledThreadPool"))),
                    NONE, "—"),

            // ------------------------------------------------------------ streams (issue 4)
            cmp("handoff push", "Handoff of 1,000,000 items from a producer thread to a consumer through a buffer of 256",
                    "M items/s", HIGHER,
                    row("Channel trySend, else send(..).join()", "ChannelHandoffBenchmark.moiraiTrySend"),
                    List.of(ref(row("Reactor unicast sink + hide().publishOn", "ChannelHandoffBenchmark.reactorSink")),
                            ref(row("Reactor unicast sink + publishOn (async-fused)", "ChannelHandoffBenchmark.reactorSinkAsyncFused")),
                            ref(row("RxJava MulticastProcessor + hide().observeOn", "ChannelHandoffBenchmark.rxjavaProcessor"))),
                    new AtLeast(1.2), "issue 4"),
            cmp("handoff vs JDK", "Handoff as above, against the JDK's SubmissionPublisher",
                    "M items/s", HIGHER,
                    row("Channel trySend, else send(..).join()", "ChannelHandoffBenchmark.moiraiTrySend"),
                    List.of(ref(row("SubmissionPublisher on ThreadPoolExecutor(n)", "ChannelHandoffBenchmark.submissionPublisher"))),
                    new AtLeast(3.0), "issue 4"),
            cmp("handoff source", "Handoff of a 1,000,000-item range through a buffer of 256 to a consumer on a worker",
                    "M items/s", HIGHER,
                    row("Flux.range into Channel.asSubscriber()", "ChannelHandoffBenchmark.moiraiFluxRange"),
                    List.of(ref(row("Reactor range.hide().publishOn", "ChannelHandoffBenchmark.reactorRange")),
                            ref(row("RxJava range.hide().observeOn", "ChannelHandoffBenchmark.rxjavaRange"))),
                    new AtLeast(1.2), "issue 4"),
            cmp("handoff source, adapters", "As above, fed through MoiraiReactor.toSubscriber / MoiraiRx.toSubscriber",
                    "M items/s", HIGHER,
                    row("Flux.range into MoiraiReactor.toSubscriber(channel)", "ChannelHandoffBenchmark.moiraiFluxRangeAdapter"),
                    List.of(ref(row("Reactor range.hide().publishOn", "ChannelHandoffBenchmark.reactorRange")),
                            ref(row("RxJava range.hide().observeOn", "ChannelHandoffBenchmark.rxjavaRange")),
                            peer(row("Flowable.range into MoiraiRx.toSubscriber(channel)", "ChannelHandoffBenchmark.moiraiFlowableRangeAdapter"))),
                    new AtLeast(1.0), "issue 13"),
            cmp("parallel map", "Ordered parallel map of 1,000,000 items, ~1 µs CPU-bound mapper",
                    "M items/s", HIGHER,
                    row("Streams.parallelMap, parallelism n", "ParallelMapBenchmark.moirai"),
                    List.of(ref(row("Reactor flatMapSequential per item", "ParallelMapBenchmark.reactorPerItem")),
                            ref(row("Reactor buffer(1024).flatMapSequential", "ParallelMapBenchmark.reactorBatched")),
                            ref(row("RxJava concatMapEager per item", "ParallelMapBenchmark.rxjavaPerItem")),
                            ref(row("RxJava buffer(1024).concatMapEager", "ParallelMapBenchmark.rxjavaBatched")),
                            peer(row("parallel stream on ForkJoinPool(n)", "ParallelMapBenchmark.parallelStream")),
                            peer(row("Reactor parallel().runOn(), unordered", "ParallelMapBenchmark.reactorParallelUnordered")),
                            peer(SEQUENTIAL)),
                    new AtLeastWithinLimit(1.2, SEQUENTIAL, 0.95, 1.0), "issue 4, METHOD.md"),
            cmp("parallel map scaling", "Ordered parallel map as above: parallelism n against parallelism 1 (on 2 cores)",
                    "M items/s", HIGHER,
                    row("Streams.parallelMap, parallelism n", "ParallelMapBenchmark.moirai"),
                    List.of(ref(row("Streams.parallelMap, parallelism 1", "ParallelMapBenchmark.moiraiParallelism1"))),
                    new AtLeast(1.8), "issue 4"),

            // ------------------------------------------------------------ adapters (issues 5, 6)
            cmp("Reactor publishOn", "Reactor: Flux.range(0, 1,000,000).hide().publishOn(s)",
                    "M items/s", HIGHER,
                    row("s = MoiraiReactor.scheduler", "ReactorSchedulerBenchmark.publishOnMoirai"),
                    List.of(ref(row("s = Schedulers.newParallel(n)", "ReactorSchedulerBenchmark.publishOnParallel"))),
                    new AtLeast(1.0), "issue 5"),
            cmp("Reactor subscribeOn", "Reactor: Mono.fromCallable(..).subscribeOn(s).block()",
                    "µs per round trip", LOWER,
                    row("s = MoiraiReactor.scheduler", "ReactorSchedulerBenchmark.subscribeOnMoirai"),
                    List.of(ref(row("s = Schedulers.newParallel(n)", "ReactorSchedulerBenchmark.subscribeOnParallel"))),
                    new AtLeast(1.0), "issue 5"),
            cmp("RxJava observeOn", "RxJava: Flowable.range(0, 1,000,000).hide().observeOn(s)",
                    "M items/s", HIGHER,
                    row("s = MoiraiRx.scheduler", "RxSchedulerBenchmark.observeOnMoirai"),
                    List.of(ref(row("s = Schedulers.computation()", "RxSchedulerBenchmark.observeOnComputation")),
                            peer(row("s = Schedulers.from(fixed pool of n)", "RxSchedulerBenchmark.observeOnExecutor"))),
                    new AtLeast(1.0), "issue 6"),
            cmp("RxJava subscribeOn", "RxJava: Single.fromCallable(..).subscribeOn(s).blockingGet()",
                    "µs per round trip", LOWER,
                    row("s = MoiraiRx.scheduler", "RxSchedulerBenchmark.subscribeOnMoirai"),
                    List.of(ref(row("s = Schedulers.computation()", "RxSchedulerBenchmark.subscribeOnComputation")),
                            peer(row("s = Schedulers.from(fixed pool of n)", "RxSchedulerBenchmark.subscribeOnExecutor"))),
                    new AtLeast(1.0), "issue 6"),

            // ------------------------------------------------------------ adapters: more operators (issue 13)
            cmp("Reactor publishOn 16", "Reactor: Flux.range(0, 1,000,000).hide().publishOn(s, 16), a queue of 16",
                    "M items/s", HIGHER,
                    row("s = MoiraiReactor.scheduler", "ReactorSchedulerBenchmark.publishOnSmallBufferMoirai"),
                    List.of(ref(row("s = Schedulers.newParallel(n)", "ReactorSchedulerBenchmark.publishOnSmallBufferParallel"))),
                    new AtLeast(1.0), "issue 13"),
            cmp("Reactor flatMap", "Reactor fan-out: Flux.range(0, 10,000).flatMap(i -> Mono.fromCallable(..).subscribeOn(s)).count().block()",
                    "M tasks/s", HIGHER,
                    row("s = MoiraiReactor.scheduler", "ReactorSchedulerBenchmark.flatMapMoirai"),
                    List.of(ref(row("s = Schedulers.newParallel(n)", "ReactorSchedulerBenchmark.flatMapParallel"))),
                    new AtLeast(1.0), "issue 13"),
            cmp("Reactor interval", "Reactor timers: 256 concurrent Flux.interval(1 ms, s).take(100); CPU of every thread per tick (above the period's floor)",
                    "ns CPU per tick", LOWER,
                    metricRow("s = MoiraiReactor.scheduler", "ReactorSchedulerBenchmark.intervalMoirai", "cpuTick"),
                    List.of(ref(metricRow("s = Schedulers.newParallel(n)", "ReactorSchedulerBenchmark.intervalParallel", "cpuTick")),
                            ref(metricRow("s = Schedulers.newSingle", "ReactorSchedulerBenchmark.intervalSingle", "cpuTick"))),
                    new AtLeast(1.0), "issue 13"),
            cmp("Reactor delayElements", "Reactor timers: 256 concurrent Flux.range(0, 100).delayElements(1 ms, s); CPU of every thread per item (above the delay's floor)",
                    "ns CPU per item", LOWER,
                    metricRow("s = MoiraiReactor.scheduler", "ReactorSchedulerBenchmark.delayElementsMoirai", "cpuTick"),
                    List.of(ref(metricRow("s = Schedulers.newParallel(n)", "ReactorSchedulerBenchmark.delayElementsParallel", "cpuTick")),
                            ref(metricRow("s = Schedulers.newSingle", "ReactorSchedulerBenchmark.delayElementsSingle", "cpuTick"))),
                    new AtLeast(1.0), "issue 13"),
            cmp("RxJava observeOn 16", "RxJava: Flowable.range(0, 1,000,000).hide().observeOn(s, false, 16), a buffer of 16",
                    "M items/s", HIGHER,
                    row("s = MoiraiRx.scheduler", "RxSchedulerBenchmark.observeOnSmallBufferMoirai"),
                    List.of(ref(row("s = Schedulers.computation()", "RxSchedulerBenchmark.observeOnSmallBufferComputation")),
                            peer(row("s = Schedulers.from(fixed pool of n)", "RxSchedulerBenchmark.observeOnSmallBufferExecutor"))),
                    new AtLeast(1.0), "issue 13"),
            cmp("RxJava flatMapSingle", "RxJava fan-out: Flowable.range(0, 10,000).flatMapSingle(i -> Single.fromCallable(..).subscribeOn(s)).count()",
                    "M tasks/s", HIGHER,
                    row("s = MoiraiRx.scheduler", "RxSchedulerBenchmark.flatMapSingleMoirai"),
                    List.of(ref(row("s = Schedulers.computation()", "RxSchedulerBenchmark.flatMapSingleComputation")),
                            peer(row("s = Schedulers.from(fixed pool of n)", "RxSchedulerBenchmark.flatMapSingleExecutor"))),
                    new AtLeast(1.0), "issue 13"),
            cmp("RxJava interval", "RxJava timers: 256 concurrent Flowable.interval(1, ms, s).take(100); CPU of every thread per tick (above the period's floor)",
                    "ns CPU per tick", LOWER,
                    metricRow("s = MoiraiRx.scheduler", "RxSchedulerBenchmark.intervalMoirai", "cpuTick"),
                    List.of(ref(metricRow("s = Schedulers.computation()", "RxSchedulerBenchmark.intervalComputation", "cpuTick"))),
                    new AtLeast(1.0), "issue 13"),

            // ------------------------------------------------------------ RSocket transport (issue 16)
            cmp("RSocket req-resp 1 thread", "RSocket request-response, 64 B each way, 1,000 sequential round trips, one loopback connection; both ends on one I/O thread / event loop",
                    "µs per round trip", LOWER,
                    row("MoiraiRSocket, ioThreads=1", "RSocketBenchmark.requestResponseMoirai", "ioThreads=1"),
                    List.of(ref(row("rsocket-transport-netty, 1 event loop", "RSocketBenchmark.requestResponseNetty", "nettyLoops=1"))),
                    new AtLeast(1.0), "issue 16"),
            cmp("RSocket req-resp default", "RSocket request-response, as above; two I/O threads against reactor-netty's default loops",
                    "µs per round trip", LOWER,
                    row("MoiraiRSocket, ioThreads=2", "RSocketBenchmark.requestResponseMoirai", "ioThreads=2"),
                    List.of(ref(row("rsocket-transport-netty, default loops", "RSocketBenchmark.requestResponseNetty", "nettyLoops=default"))),
                    new AtLeast(1.0), "issue 16"),
            cmp("RSocket stream 64 B 1 thread", "RSocket request-stream of 250,000 x 64 B payloads, limitRate(256), one loopback connection; both ends on one I/O thread / event loop",
                    "M payloads/s", HIGHER,
                    row("MoiraiRSocket, ioThreads=1", "RSocketBenchmark.stream64Moirai", "ioThreads=1"),
                    List.of(ref(row("rsocket-transport-netty, 1 event loop", "RSocketBenchmark.stream64Netty", "nettyLoops=1"))),
                    new AtLeast(1.0), "issue 16"),
            cmp("RSocket stream 64 B default", "RSocket request-stream of 64 B payloads, as above; two I/O threads against reactor-netty's default loops",
                    "M payloads/s", HIGHER,
                    row("MoiraiRSocket, ioThreads=2", "RSocketBenchmark.stream64Moirai", "ioThreads=2"),
                    List.of(ref(row("rsocket-transport-netty, default loops", "RSocketBenchmark.stream64Netty", "nettyLoops=default"))),
                    new AtLeast(1.0), "issue 16"),
            cmp("RSocket stream 1 KiB 1 thread", "RSocket request-stream of 64 MiB in 1 KiB payloads, limitRate(256); both ends on one I/O thread / event loop",
                    "MiB/s", HIGHER,
                    row("MoiraiRSocket, ioThreads=1", "RSocketBenchmark.streamLargeMoirai", "ioThreads=1", "payloadSize=1024"),
                    List.of(ref(row("rsocket-transport-netty, 1 event loop", "RSocketBenchmark.streamLargeNetty", "nettyLoops=1", "payloadSize=1024"))),
                    new AtLeast(1.0), "issue 16"),
            cmp("RSocket stream 1 KiB default", "RSocket request-stream of 1 KiB payloads, as above; two I/O threads against reactor-netty's default loops",
                    "MiB/s", HIGHER,
                    row("MoiraiRSocket, ioThreads=2", "RSocketBenchmark.streamLargeMoirai", "ioThreads=2", "payloadSize=1024"),
                    List.of(ref(row("rsocket-transport-netty, default loops", "RSocketBenchmark.streamLargeNetty", "nettyLoops=default", "payloadSize=1024"))),
                    new AtLeast(1.0), "issue 16"),
            cmp("RSocket stream 64 KiB 1 thread", "RSocket request-stream of 64 MiB in 64 KiB payloads, limitRate(256); both ends on one I/O thread / event loop",
                    "MiB/s", HIGHER,
                    row("MoiraiRSocket, ioThreads=1", "RSocketBenchmark.streamLargeMoirai", "ioThreads=1", "payloadSize=65536"),
                    List.of(ref(row("rsocket-transport-netty, 1 event loop", "RSocketBenchmark.streamLargeNetty", "nettyLoops=1", "payloadSize=65536"))),
                    new AtLeast(1.0), "issue 16"),
            cmp("RSocket stream 64 KiB default", "RSocket request-stream of 64 KiB payloads, as above; two I/O threads against reactor-netty's default loops",
                    "MiB/s", HIGHER,
                    row("MoiraiRSocket, ioThreads=2", "RSocketBenchmark.streamLargeMoirai", "ioThreads=2", "payloadSize=65536"),
                    List.of(ref(row("rsocket-transport-netty, default loops", "RSocketBenchmark.streamLargeNetty", "nettyLoops=default", "payloadSize=65536"))),
                    new AtLeast(1.0), "issue 16"),

            // ------------------------------------------------------------ beyond JMH (issue 8)
            cmp("idle CPU", "Idle CPU: a runtime holding 10,000 idle loopback connections and 100,000 pending 1 h timers; process CPU time over 10 s",
                    "% of one core", LOWER,
                    row("default runtime", "BeyondJmh.idleCpu"),
                    List.of(),
                    new AtMost(0.5), "issue 8"),
            cmp("pending delay", "Heap retained per pending 1 h timer, 1,000,000 pending",
                    "bytes per timer", LOWER,
                    row("delay(1 h) handle", "BeyondJmh.pendingDelayMoirai"),
                    List.of(ref(row("ScheduledThreadPoolExecutor.schedule(1 h)", "BeyondJmh.pendingDelayScheduledThreadPool")),
                            peer(row("Netty HashedWheelTimer.newTimeout(1 h)", "BeyondJmh.pendingDelayHashedWheelTimer"))),
                    new AtMost(64), "issue 8"),
            cmp("pending async", "Heap retained per pending async task beyond the user's own incomplete CompletableFuture, 1,000,000 pending",
                    "bytes per task", LOWER,
                    row("spawnAsync(() -> future)", "BeyondJmh.pendingAsyncMoirai"),
                    List.of(ref(row("future.thenApplyAsync(f, ForkJoinPool(n))", "BeyondJmh.pendingAsyncCompletableFuture"))),
                    new AtMost(128), "issue 8"),
            cmp("scale", "Scale: 1,000,000 pending spawnAsync tasks and 10,000 open loopback connections held at once",
                    "MiB of heap", LOWER,
                    row("default runtime", "BeyondJmh.scale"),
                    List.of(),
                    new Held("held at once, all still working"), "issue 8"));

    // ---------------------------------------------------------------- vocabulary

    private static Comparison cmp(String id, String measure, String unit, Better better, Row moirai,
            List<Peer> peers, Target target, String source) {
        return new Comparison(id, measure, unit, better, moirai, peers, target, source);
    }

    /** A row on the primary metric; {@code params} are {@code "name=value"} strings. */
    static Row row(String label, String benchmark, String... params) {
        return new Row(label, benchmark, params(params), null);
    }

    /** A row on a secondary metric. */
    static Row metricRow(String label, String benchmark, String metric, String... params) {
        return new Row(label, benchmark, params(params), metric);
    }

    private static Map<String, String> params(String... params) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String p : params) {
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("a parameter is name=value, got " + p);
            }
            map.put(p.substring(0, eq), p.substring(eq + 1));
        }
        return map;
    }

    static Peer ref(Row row) {
        return new Peer(row, true);
    }

    static Peer peer(Row row) {
        return new Peer(row, false);
    }
}
