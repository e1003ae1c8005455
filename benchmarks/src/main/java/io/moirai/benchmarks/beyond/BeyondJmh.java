package io.moirai.benchmarks.beyond;

import static io.moirai.benchmarks.beyond.HeapProbe.liveAfterGc;
import static io.moirai.benchmarks.beyond.HeapProbe.measure;
import static io.moirai.benchmarks.beyond.HeapProbe.usedAfterGc;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.moirai.Moirai;
import io.moirai.task.TaskHandle;
import io.netty.util.HashedWheelTimer;
import io.netty.util.TimerTask;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * The figures JMH cannot take (issue 8), measured in a JVM of their own and written as a JSON array
 * in JMH's result shape, which {@code io.moirai.benchmarks.report.Report} puts in the same table as
 * the JMH suites. Run by {@code benchmarks/run.sh} as
 * {@code java -Xms4g -Xmx4g -cp benchmarks/target/benchmarks.jar io.moirai.benchmarks.beyond.BeyondJmh --out FILE}.
 *
 * <p><b>Memory per pending task</b> ({@code pendingDelay*}, {@code pendingAsync*}, bytes per pending
 * item): for each row, a fresh runtime or pool is made and warmed (its lazily started threads and
 * structures exist), everything the caller keeps anyway is allocated (the array that holds the
 * handles; for the async rows the user's own incomplete {@code CompletableFuture}s), the live heap is
 * read after {@code System.gc()} (a full collection on every HotSpot collector unless
 * {@code -XX:+ExplicitGCInvokesConcurrent}; see {@link #usedAfterGc()} for why the young generation
 * is left out), {@code --handles} items are made pending, the peer is given time to move them into
 * its final structure, and the heap is read again after {@code System.gc()}. The difference divided
 * by the count is the heap each pending item retains.
 * One discarded warm-up round at a tenth of the size, then {@code --rounds} rounds with the rows
 * interleaved; the figure is the median of the rounds.
 * <ul>
 *   <li>{@code pendingDelayMoirai}: {@code moirai.delay(1 h)}, the handle kept (target: at most 64 B);
 *       the I/O thread has inserted every timer (a 1 ms {@code delay} queued behind them is joined and
 *       {@code metrics().pendingTimers()} is checked) before the heap is read.
 *   <li>{@code pendingDelayScheduledThreadPool}: {@code ScheduledThreadPoolExecutor(n).schedule(noop, 1, HOURS)},
 *       the future kept.
 *   <li>{@code pendingDelayHashedWheelTimer}: Netty's {@code HashedWheelTimer} (1 ms tick, 512
 *       buckets, as in {@code TimerBenchmark}) {@code newTimeout(noop, 1, HOURS)}, the timeout kept;
 *       read after the wheel's thread moved every timeout from its queue into the buckets (at most
 *       100,000 per tick).
 *   <li>{@code pendingAsyncMoirai}: {@code moirai.spawnAsync(() -> future)} on the user's incomplete
 *       future, the handle kept; read once every supplier has run and the workers are parked, so
 *       what remains is the task and its {@code whenComplete} callback on the user's future
 *       (target: at most 128 B beyond the user's future).
 *   <li>{@code pendingAsyncCompletableFuture}: {@code future.thenApplyAsync(f, ForkJoinPool(n))} on the
 *       same kind of user future, the dependent future kept: the JDK's own way to run code when a
 *       future completes.
 * </ul>
 *
 * <p><b>Idle CPU</b> ({@code idleCpu}, % of one core): a default runtime ({@code Moirai.builder()},
 * one I/O thread, one worker per core) holds {@code --connections} accepted loopback connections,
 * each with an inbound subscriber that has requested a buffer (so read interest is registered), and
 * {@code --timers} pending {@code delay}s of one hour. Once the workers are parked and a full GC has
 * run, the process CPU time ({@code com.sun.management.OperatingSystemMXBean.getProcessCpuTime()}:
 * every thread of the JVM, the collector and the JIT included) is read over {@code --windows}
 * windows of {@code --window} seconds; the figure is the median window's CPU time over its wall
 * time. On Linux that clock counts whole clock ticks (the JDK reads it with {@code times(2)}; 10 ms
 * here), so a 10 s window resolves 0.1% of one core and the smoke run's 5 s window 0.2%. The
 * secondary metric {@code runtimeThreads} is the share of the runtime's own threads
 * (thread CPU times), and the output names the threads that used most. The client ends of the
 * connections live in a helper process ({@link IdleClients}): 10,000 connections with both ends in
 * one process need 20,000 descriptors, the limit of this machine ({@code ulimit -n}); the measured
 * process needs {@code --connections} + about 100.
 *
 * <p><b>Scale</b> ({@code scale}, MiB of heap): in the same runtime and after the idle windows (the
 * timers cancelled), {@code --scale-tasks} {@code spawnAsync} tasks, each pending on its own
 * incomplete user future, are held together with the open connections. Reported: the heap used above
 * the runtime's baseline (connections, user futures, handles and tasks together; secondary metrics
 * split it), and whether it held: every task still pending, a byte sent on a sample of the
 * connections arrives, and once the user futures complete every task completes with its value.
 *
 * <p>Options (defaults in brackets): {@code --out FILE} [benchmarks/results/latest-beyond.json],
 * {@code --connections N} [10000], {@code --timers N} [100000], {@code --window SECONDS} [10],
 * {@code --windows N} [3], {@code --handles N} [1000000], {@code --rounds N} [5],
 * {@code --scale-tasks N} [1000000], {@code --workers N} [available processors: the thread count of
 * the memory rows' runtimes and pools], {@code --only memory,idle,scale} [all].
 */
public final class BeyondJmh {

    private BeyondJmh() {}

    static final String PREFIX = "io.moirai.benchmarks.beyond.BeyondJmh.";

    /** The names of the figures this program writes (after {@code BeyondJmh.} in {@code benchmark}). */
    public static final List<String> FIGURES = List.of("idleCpu", "pendingDelayMoirai",
            "pendingDelayScheduledThreadPool", "pendingDelayHashedWheelTimer", "pendingAsyncMoirai",
            "pendingAsyncCompletableFuture", "scale");
    static final Duration ONE_HOUR = Duration.ofHours(1);
    static final Duration AWAIT = Duration.ofSeconds(120);
    static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();
    static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final Runnable NOOP = () -> {};
    static final TimerTask NOOP_TASK = timeout -> {};
    static final Function<Integer, Integer> SAME = x -> x;

    /** The command line. */
    static final class Options {
        Path out = Path.of("benchmarks/results/latest-beyond.json");
        int connections = 10_000;
        int timers = 100_000;
        int windowSeconds = 10;
        int windows = 3;
        int handles = 1_000_000;
        int rounds = 5;
        int scaleTasks = 1_000_000;
        int workers = Runtime.getRuntime().availableProcessors();
        Set<String> only = new LinkedHashSet<>(List.of("memory", "idle", "scale"));

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i += 2) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(args[i] + " needs a value");
                }
                String v = args[i + 1];
                switch (args[i]) {
                    case "--out" -> o.out = Path.of(v);
                    case "--connections" -> o.connections = positive(args[i], v);
                    case "--timers" -> o.timers = positive(args[i], v);
                    case "--window" -> o.windowSeconds = positive(args[i], v);
                    case "--windows" -> o.windows = positive(args[i], v);
                    case "--handles" -> o.handles = positive(args[i], v);
                    case "--rounds" -> o.rounds = positive(args[i], v);
                    case "--scale-tasks" -> o.scaleTasks = positive(args[i], v);
                    case "--workers" -> o.workers = positive(args[i], v);
                    case "--only" -> {
                        o.only = new LinkedHashSet<>(Arrays.asList(v.split(",")));
                        if (!Set.of("memory", "idle", "scale").containsAll(o.only)) {
                            throw new IllegalArgumentException("--only takes memory, idle, scale; got " + v);
                        }
                    }
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            return o;
        }

        static int positive(String option, String v) {
            int n;
            try {
                n = Integer.parseInt(v.replace("_", "").replace(",", ""));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " needs a positive number, got " + v);
            }
            if (n < 1) {
                throw new IllegalArgumentException(option + " needs a positive number, got " + v);
            }
            return n;
        }
    }

    /**
     * @param args see the class documentation
     * @throws Exception if the output cannot be written
     */
    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("BeyondJmh: " + e.getMessage());
            System.exit(2);
            return;
        }
        log("heap max %s MiB, %d cores, file descriptors: %s", MEMORY.getHeapMemoryUsage().getMax() / (1 << 20),
                Runtime.getRuntime().availableProcessors(), fdText());
        ArrayNode out = MAPPER.createArrayNode();
        if (o.only.contains("memory")) {
            memory(o).forEach(out::add);
        }
        if (o.only.contains("idle") || o.only.contains("scale")) {
            idleAndScale(o).forEach(out::add);
        }
        Path parent = o.out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        MAPPER.writeValue(o.out.toFile(), out);
        log("wrote %d figures to %s", out.size(), o.out);
        System.exit(0); // the helper's pipes and any pool thread left must not keep the JVM alive
    }

    // ---------------------------------------------------------------- memory per pending task

    static List<ObjectNode> memory(Options o) throws Exception {
        List<Pending> rows = List.of(new Pending.MoiraiDelay(o.workers), new Pending.ExecutorDelay(o.workers),
                new Pending.WheelDelay(o.workers), new Pending.MoiraiAsync(o.workers), new Pending.FutureAsync(o.workers));
        Map<Pending, List<Double>> bytes = new LinkedHashMap<>();
        rows.forEach(r -> bytes.put(r, new ArrayList<>()));
        int warmup = Math.max(1_000, o.handles / 10);
        for (int round = 0; round <= o.rounds; round++) {
            int n = round == 0 ? warmup : o.handles;
            for (Pending row : rows) {
                double perItem = measure(row, n);
                if (round > 0) {
                    bytes.get(row).add(perItem);
                }
                log("memory %s: %s: %.1f B per pending item, %,d items", round == 0 ? "warm-up" : "round " + round + "/" + o.rounds,
                        row.what, perItem, n);
            }
        }
        List<ObjectNode> results = new ArrayList<>();
        for (Pending row : rows) {
            Map<String, String> params = new LinkedHashMap<>();
            params.put("pending", Integer.toString(o.handles));
            params.put("workers", Integer.toString(o.workers));
            results.add(result(row.name, "B/pending", bytes.get(row), params,
                    o.rounds + " rounds of " + String.format(Locale.ROOT, "%,d", o.handles)
                            + " pending items (after a discarded one of " + String.format(Locale.ROOT, "%,d", warmup)
                            + "), heap used after System.gc() before and after, median",
                    Map.of(), List.of(row.what + ": " + fmtList(bytes.get(row)) + " B per pending item by round")));
            log("memory %s: median %.1f B per pending item", row.what, median(bytes.get(row)));
        }
        return results;
    }

    // ---------------------------------------------------------------- idle CPU and scale

    static List<ObjectNode> idleAndScale(Options o) throws Exception {
        List<ObjectNode> results = new ArrayList<>();
        String prefix = "beyond-idle";
        Moirai moirai = Moirai.builder().threadNamePrefix(prefix).build();
        IdleServer server = null;
        Helper helper = null;
        Map<String, String> scaleParams = new LinkedHashMap<>();
        scaleParams.put("tasks", Integer.toString(o.scaleTasks));
        scaleParams.put("connections", Integer.toString(o.connections));
        scaleParams.put("kind", "capacity");
        String failure = null;
        long heap0 = 0;
        long heap1 = 0;
        try {
            long free = fdFree();
            if (free >= 0 && free < o.connections + 100L) {
                throw new IllegalStateException(o.connections + " connections need " + (o.connections + 100)
                        + " free file descriptors in this process, " + free + " are (" + fdText()
                        + "): raise the limit with ulimit -n, or pass --connections");
            }
            moirai.delay(Duration.ofMillis(1)).join(AWAIT); // starts the I/O thread
            server = new IdleServer(moirai);
            helper = new Helper();
            heap0 = usedAfterGc();
            long start = System.nanoTime();
            int batch = 500;
            for (int done = 0; done < o.connections; done += batch) {
                int k = Math.min(batch, o.connections - done);
                helper.call("connect " + server.address().getAddress().getHostAddress() + " " + server.address().getPort() + " " + k);
                int expected = done + k;
                IdleServer s = server;
                await(expected + " accepted connections", () -> s.accepted.get() >= expected);
            }
            IdleServer s = server;
            await("inbound subscribed on every connection", () -> s.subscribed.get() >= o.connections);
            log("idle: %,d loopback connections open in %.1f s (client ends in the helper process)",
                    o.connections, (System.nanoTime() - start) / 1e9);
            heap1 = usedAfterGc();

            if (o.only.contains("idle")) {
                results.add(idle(o, moirai, prefix, server));
            }
            if (o.only.contains("scale")) {
                failure = scale(o, moirai, server, helper, heap0, heap1, results, scaleParams);
            }
        } catch (Exception | Error e) {
            failure = e.toString();
            log("idle/scale FAILED: %s", e);
            for (StackTraceElement frame : e.getStackTrace()) {
                log("    at %s", frame); // the report keeps the failure; the log shows where it came from
            }
        } finally {
            if (helper != null) {
                helper.close();
            }
            if (server != null) {
                server.close();
            }
            moirai.shutdown(AWAIT);
        }
        if (o.only.contains("scale") && results.stream().noneMatch(r -> r.path("benchmark").asText().endsWith(".scale"))) {
            scaleParams.put("held", "false");
            scaleParams.put("failure", String.valueOf(failure));
            results.add(result("scale", "MiB", List.of(Double.NaN), scaleParams, "one run", Map.of(),
                    List.of("scale: not held: " + failure)));
        }
        return results;
    }

    static ObjectNode idle(Options o, Moirai moirai, String prefix, IdleServer server) throws Exception {
        TaskHandle<?>[] timers = new TaskHandle<?>[o.timers];
        for (int i = 0; i < o.timers; i++) {
            timers[i] = moirai.delay(ONE_HOUR.plusNanos(1_000L * i));
        }
        moirai.delay(Duration.ofMillis(1)).join(AWAIT);
        await("pendingTimers >= " + o.timers, () -> moirai.metrics().pendingTimers() >= o.timers);
        await("ioRegistrations >= " + (o.connections + 1), () -> moirai.metrics().ioRegistrations() >= o.connections + 1);
        await("workers parked", () -> moirai.metrics().parkedWorkers() == moirai.metrics().workerThreads());
        usedAfterGc();
        Thread.sleep(2_000); // let the JIT and the collector's follow-up work finish
        log("idle: %s; measuring %d window(s) of %d s", moirai.metrics(), o.windows, o.windowSeconds);

        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        List<Double> process = new ArrayList<>();
        List<Double> runtime = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (int w = 1; w <= o.windows; w++) {
            Map<Long, Long> threadsBefore = threadCpu();
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            Thread.sleep(o.windowSeconds * 1_000L); // the idle window itself: time is the subject
            long cpu1 = os.getProcessCpuTime();
            long t1 = System.nanoTime();
            Map<Long, Long> threadsAfter = threadCpu();
            double pct = 100.0 * (cpu1 - cpu0) / (t1 - t0);
            Map<String, Long> byThread = new HashMap<>();
            long runtimeNanos = 0;
            for (Map.Entry<Long, Long> e : threadsAfter.entrySet()) {
                long used = e.getValue() - threadsBefore.getOrDefault(e.getKey(), 0L);
                ThreadInfo info = THREADS.getThreadInfo(e.getKey());
                String name = info == null ? "thread " + e.getKey() : info.getThreadName();
                byThread.merge(name, used, Long::sum);
                if (name.startsWith(prefix)) {
                    runtimeNanos += used;
                }
            }
            double runtimePct = 100.0 * runtimeNanos / (t1 - t0);
            process.add(pct);
            runtime.add(runtimePct);
            StringBuilder top = new StringBuilder();
            byThread.entrySet().stream().filter(e -> e.getValue() > 0)
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(6)
                    .forEach(e -> top.append(top.length() == 0 ? "" : ", ").append(e.getKey()).append(' ')
                            .append(String.format(Locale.ROOT, "%.2f ms", e.getValue() / 1e6)));
            String note = String.format(Locale.ROOT, "idle window %d: process %.1f ms CPU in %.1f s = %.3f%% of one core;"
                    + " runtime threads %.3f%%; busiest threads: %s", w, (cpu1 - cpu0) / 1e6, (t1 - t0) / 1e9, pct,
                    runtimePct, top.length() == 0 ? "none measurable" : top);
            notes.add(note);
            log("%s", note);
        }
        for (TaskHandle<?> t : timers) {
            if (t.isFinished()) {
                throw new IllegalStateException("a one-hour timer finished during the idle windows: " + t);
            }
            t.cancel();
        }
        moirai.delay(Duration.ofMillis(1)).join(AWAIT);
        await("timers cancelled", () -> moirai.metrics().pendingTimers() == 0);
        if (server.bytes.sum() != 0 || server.failures.get() != 0) {
            throw new IllegalStateException("idle connections saw traffic or failures: " + server.state());
        }
        Map<String, String> params = new LinkedHashMap<>();
        params.put("connections", Integer.toString(o.connections));
        params.put("timers", Integer.toString(o.timers));
        params.put("window", o.windowSeconds + " s");
        params.put("workerThreads", Integer.toString(moirai.workerThreads()));
        params.put("ioThreads", "1");
        Map<String, ObjectNode> secondary = new LinkedHashMap<>();
        secondary.put("runtimeThreads", metric("% of one core", runtime));
        return result("idleCpu", "% of one core", process, params,
                o.windows + (o.windows == 1 ? " window of " : " windows of ") + o.windowSeconds
                        + " s, process CPU time over wall time" + (o.windows == 1 ? "" : ", median"), secondary, notes);
    }

    static String scale(Options o, Moirai moirai, IdleServer server, Helper helper, long heap0, long heap1,
            List<ObjectNode> results, Map<String, String> params) throws Exception {
        CompletableFuture<Integer>[] user = Pending.newFutures(o.scaleTasks);
        @SuppressWarnings("unchecked")
        TaskHandle<Integer>[] handles = (TaskHandle<Integer>[]) new TaskHandle<?>[o.scaleTasks];
        long heap2 = usedAfterGc();
        long start = System.nanoTime();
        LongAdder supplied = new LongAdder();
        for (int i = 0; i < o.scaleTasks; i++) {
            CompletableFuture<Integer> f = user[i];
            handles[i] = moirai.spawnAsync(() -> {
                supplied.increment();
                return f;
            });
        }
        await("every supplier ran", () -> supplied.sum() == o.scaleTasks);
        await("workers parked", () -> moirai.metrics().parkedWorkers() == moirai.metrics().workerThreads());
        double spawnSeconds = (System.nanoTime() - start) / 1e9;
        long heap3 = usedAfterGc();

        // did it hold? every task pending, every connection open and reading, then every task completes
        String failure = null;
        long pending = Arrays.stream(handles).filter(h -> !h.isFinished()).count();
        if (pending != o.scaleTasks) {
            failure = (o.scaleTasks - pending) + " tasks finished before their futures completed";
        }
        int sample = Math.min(10, o.connections);
        StringBuilder send = new StringBuilder("send");
        for (int i = 0; i < sample; i++) {
            send.append(' ').append((long) i * (o.connections - 1) / Math.max(1, sample - 1));
        }
        helper.call(send.toString());
        try {
            await(sample + " bytes on " + sample + " connections", () -> server.bytes.sum() >= sample && server.touched.get() >= sample);
        } catch (TimeoutException e) {
            failure = (failure == null ? "" : failure + "; ") + e.getMessage();
        }
        if (server.failures.get() != 0 || server.accepted.get() != o.connections) {
            failure = (failure == null ? "" : failure + "; ") + "connections: " + server.state();
        }
        for (int i = 0; i < o.scaleTasks; i++) {
            user[i].complete(i);
        }
        long sum = 0;
        for (TaskHandle<Integer> h : handles) {
            sum += h.join(AWAIT);
        }
        long expected = (long) o.scaleTasks * (o.scaleTasks - 1) / 2;
        if (sum != expected) {
            failure = (failure == null ? "" : failure + "; ") + "task results summed to " + sum + ", expected " + expected;
        }
        double mib = 1024.0 * 1024.0;
        double total = (heap3 - heap0) / mib;
        params.put("held", Boolean.toString(failure == null));
        if (failure != null) {
            params.put("failure", failure);
        }
        Map<String, ObjectNode> secondary = new LinkedHashMap<>();
        secondary.put("connections", metric("MiB", List.of((heap1 - heap0) / mib)));
        secondary.put("userFuturesAndHandleArray", metric("MiB", List.of((heap2 - heap1) / mib)));
        secondary.put("tasks", metric("MiB", List.of((heap3 - heap2) / mib)));
        String note = String.format(Locale.ROOT, "scale: %,d pending spawnAsync tasks (spawned in %.1f s) and %,d open"
                        + " connections held at once: %.1f MiB of heap above the runtime's baseline: connections %.1f MiB"
                        + " (%.0f B each, with their inbound subscribers), the user's futures and the handle array %.1f MiB,"
                        + " the tasks %.1f MiB (%.0f B each); %s",
                o.scaleTasks, spawnSeconds, o.connections, total, (heap1 - heap0) / mib,
                (heap1 - heap0) / (double) o.connections, (heap2 - heap1) / mib, (heap3 - heap2) / mib,
                (heap3 - heap2) / (double) o.scaleTasks, failure == null ? "held, all still working" : "NOT held: " + failure);
        log("%s", note);
        results.add(result("scale", "MiB", List.of(total), params, "one run: heap used after System.gc(), above the"
                + " runtime's baseline", secondary, List.of(note)));
        return failure;
    }

    // ---------------------------------------------------------------- helpers

    static Map<Long, Long> threadCpu() {
        Map<Long, Long> cpu = new HashMap<>();
        for (long id : THREADS.getAllThreadIds()) {
            long nanos = THREADS.getThreadCpuTime(id);
            if (nanos >= 0) {
                cpu.put(id, nanos);
            }
        }
        return cpu;
    }

    static long fdFree() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            return unix.getMaxFileDescriptorCount() - unix.getOpenFileDescriptorCount();
        }
        return -1;
    }

    static String fdText() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            return unix.getOpenFileDescriptorCount() + " open of at most " + unix.getMaxFileDescriptorCount();
        }
        return "unknown";
    }

    static void await(String what, BooleanSupplier condition) throws TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + AWAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("not reached within " + AWAIT + ": " + what);
            }
            Thread.sleep(5); // polls a metric with nothing to wait on; bounded by AWAIT
        }
    }

    static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        int mid = v.length / 2;
        return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
    }

    static String fmtList(List<Double> values) {
        List<String> s = new ArrayList<>();
        values.forEach(v -> s.add(String.format(Locale.ROOT, "%.1f", v)));
        return String.join(", ", s);
    }

    static void log(String format, Object... args) {
        System.out.println("[beyond] " + String.format(Locale.ROOT, format, args));
    }

    // ---------------------------------------------------------------- JSON in JMH's result shape

    /**
     * A metric: the median of {@code values} as the score, each value its own "fork" in
     * {@code rawData}, no confidence interval ({@code "NaN"}, as JMH writes it).
     */
    static ObjectNode metric(String unit, List<Double> values) {
        ObjectNode m = MAPPER.createObjectNode();
        double median = median(values);
        if (Double.isNaN(median)) {
            m.put("score", "NaN");
        } else {
            m.put("score", median);
        }
        m.put("scoreError", "NaN");
        m.putArray("scoreConfidence").add("NaN").add("NaN");
        m.put("scoreUnit", unit);
        ArrayNode raw = m.putArray("rawData");
        for (double v : values) {
            if (Double.isNaN(v)) {
                raw.addArray().add("NaN");
            } else {
                raw.addArray().add(v);
            }
        }
        return m;
    }

    /**
     * One result in JMH's shape: {@code mode} is {@code ss} (a lower figure is better, as for JMH's
     * time modes), {@code forks} the number of rounds or windows; {@code settings} and {@code notes}
     * are fields of this program's own, which JMH's readers ignore.
     */
    static ObjectNode result(String name, String unit, List<Double> values, Map<String, String> params,
            String settings, Map<String, ObjectNode> secondary, List<String> notes) {
        ObjectNode r = MAPPER.createObjectNode();
        r.put("benchmark", PREFIX + name);
        r.put("mode", "ss");
        r.put("threads", 1);
        r.put("forks", values.size());
        r.put("jvm", Path.of(System.getProperty("java.home"), "bin", "java").toString());
        ArrayNode jvmArgs = r.putArray("jvmArgs");
        ManagementFactory.getRuntimeMXBean().getInputArguments().forEach(jvmArgs::add);
        r.put("jdkVersion", System.getProperty("java.version"));
        r.put("vmName", System.getProperty("java.vm.name"));
        r.put("vmVersion", System.getProperty("java.vm.version"));
        r.put("settings", settings);
        ObjectNode p = r.putObject("params");
        params.forEach(p::put);
        r.set("primaryMetric", metric(unit, values));
        ObjectNode s = r.putObject("secondaryMetrics");
        secondary.forEach(s::set);
        ArrayNode n = r.putArray("notes");
        notes.forEach(n::add);
        return r;
    }
}
