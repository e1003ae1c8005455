package io.moirai.examples.cli;

import io.moirai.Moirai;
import io.moirai.RuntimeMetrics;
import io.moirai.net.TcpConnection;
import io.moirai.net.TcpListener;
import io.moirai.reactor.MoiraiReactor;
import io.moirai.task.TaskHandle;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * {@code demo}, the default command: a tour of Moirai's capabilities on loopback, 10 to 30 seconds
 * ({@code --quick}: a few), printing what each step measured and a summary table at the end. Exits 0
 * when every step did what it should, 1 otherwise.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "A tour: tasks, timers, TCP backpressure through Reactor, parallelMap through RxJava, interval.")
public final class DemoCommand implements Callable<Integer> {

    private static final String TASKS = "tasks";
    private static final String TIMER = "timer";
    private static final String TCP = "tcp";
    private static final String PIPELINE = "pipeline";
    private static final String TICKER = "ticker";

    @Option(names = "--quick", description = "A shorter tour (a few seconds), for tests and smoke runs.")
    boolean quick;

    @Spec
    CommandSpec spec;

    /** One line of the summary table. */
    record Step(String name, String result, boolean ok) {}

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Report report = new Report(out, TASKS, TIMER, TCP, PIPELINE, TICKER);
        List<Step> steps = new ArrayList<>();
        long start = System.nanoTime();
        try (Moirai moirai = Moirai.builder().threadNamePrefix("demo").build()) {
            out.println("Moirai tour on " + Report.count(moirai.workerThreads(), "compute worker") + (quick ? " (quick)" : ""));
            out.println();
            steps.add(tasks(moirai, report));
            steps.add(timer(moirai, report));
            steps.add(tcpBackpressure(moirai, report));
            steps.add(pipeline(moirai, report));
            steps.add(ticker(moirai, report));
            RuntimeMetrics m = moirai.metrics();
            steps.add(new Step("runtime", Report.text("%s spawned, %s completed, %s, %s",
                    Report.count(m.tasksSpawned(), "task"), Report.count(m.tasksCompleted()), Report.count(m.steals(), "steal"),
                    Report.count(m.blockingThreads(), "blocking thread")), true));
        }
        out.println();
        out.println(Report.text("%-22s %-4s %s", "step", "ok", "result"));
        out.println("-".repeat(100));
        boolean allOk = true;
        for (Step s : steps) {
            out.println(Report.text("%-22s %-4s %s", s.name(), s.ok() ? "yes" : "NO", s.result()));
            allOk &= s.ok();
        }
        out.println();
        out.println(Report.text("tour took %.1fs", (System.nanoTime() - start) / 1e9));
        out.flush();
        return allOk ? 0 : 1;
    }

    private static Step tasks(Moirai moirai, Report out) throws Exception {
        TaskHandle<Long> sum = moirai.spawn(() -> {
            List<TaskHandle<Long>> parts = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                long from = i * 10_000L;
                parts.add(moirai.spawn(() -> {
                    long s = 0;
                    for (long x = from; x < from + 10_000; x++) {
                        s += x;
                    }
                    return s;
                }));
            }
            long total = 0;
            for (TaskHandle<Long> p : parts) {
                total += p.join();
            }
            return total;
        });
        long value = sum.join(Duration.ofSeconds(10));
        out.line(TASKS, "sum of 0..999,999 in 100 subtasks = %s", Report.count(value));
        String slept = moirai.spawnBlocking(() -> {
            TimeUnit.MILLISECONDS.sleep(50);
            return Thread.currentThread().getName();
        }).join(Duration.ofSeconds(10));
        out.line(TASKS, "a blocking task slept 50ms on %s", slept);
        CompletableFuture<String> later = new CompletableFuture<>();
        TaskHandle<String> async = moirai.spawnAsync(() -> later);
        moirai.delay(Duration.ofMillis(30)).toCompletableFuture().thenRun(() -> later.complete("completed by a timer"));
        String asyncValue = async.join(Duration.ofSeconds(10));
        out.line(TASKS, "an async task held no thread until its stage was %s", asyncValue);
        Long viaMono = MoiraiReactor.toMono(sum).block(Duration.ofSeconds(10));
        out.line(TASKS, "the sum's handle, subscribed as a Mono, gave %s", viaMono == null ? "nothing" : Report.count(viaMono));
        boolean ok = value == 499_999_500_000L && viaMono != null && viaMono == value && "completed by a timer".equals(asyncValue);
        return new Step("tasks", "fan-out sum " + Report.count(value) + ", blocking on " + slept + ", async " + asyncValue, ok);
    }

    private static Step timer(Moirai moirai, Report out) throws Exception {
        Duration delay = Duration.ofMillis(20);
        long start = System.nanoTime();
        moirai.delay(delay).join(Duration.ofSeconds(10));
        double ms = (System.nanoTime() - start) / 1e6;
        out.line(TIMER, "delay(%s) completed after %.1fms", Durations.format(delay), ms);
        return new Step("timer", Report.text("delay(%s) fired after %.1fms (never early)", Durations.format(delay), ms),
                ms >= delay.toMillis());
    }

    private Step tcpBackpressure(Moirai moirai, Report out) throws Exception {
        int chunk = 64 * 1024;
        int chunks = quick ? 64 : 512; // 4 MiB or 32 MiB
        long total = (long) chunks * chunk;
        Duration pace = Duration.ofMillis(quick ? 1 : 4);
        Scheduler timers = MoiraiReactor.scheduler(moirai);
        AtomicLong sent = new AtomicLong();
        AtomicLong received = new AtomicLong();
        AtomicLong maxInFlight = new AtomicLong();
        try (TcpListener listener = TcpListener.bind(moirai, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            MoiraiReactor.toFlux(listener.connections()).subscribe(conn -> EchoServerCommand.echo(conn, new AtomicLong()));
            TcpConnection client = TcpConnection.connect(moirai, listener.localAddress()).join(Duration.ofSeconds(10));
            long start = System.nanoTime();
            client.outbound(Flux.range(0, chunks).map(i -> ByteBuffer.allocate(chunk)).doOnNext(b -> sent.addAndGet(chunk)));
            Long echoed = MoiraiReactor.toFlux(client.inbound())
                    .concatMap(b -> Mono.just(b).delayElement(pace, timers), 1) // a slow subscriber: one buffer at a time
                    .map(b -> {
                        long r = received.addAndGet(b.remaining());
                        maxInFlight.accumulateAndGet(sent.get() - r, Math::max);
                        return (long) b.remaining();
                    })
                    .reduce(0L, Long::sum)
                    .block(Duration.ofMinutes(2));
            double seconds = (System.nanoTime() - start) / 1e9;
            client.close();
            long inFlightKiB = maxInFlight.get() / 1024;
            out.line(TCP, "echoed %s MiB through a Reactor pipeline whose subscriber takes %s per buffer (%.1fs);",
                    Report.count(total >> 20), Durations.format(pace), seconds);
            out.line(TCP, "at most %s KiB were sent but not yet received: the sender was held back by TCP flow control",
                    Report.count(inFlightKiB));
            boolean ok = echoed != null && echoed == total && maxInFlight.get() < total;
            return new Step("tcp backpressure", Report.text("%s MiB echoed, at most %s KiB in flight (bounded by socket buffers)",
                    Report.count(total >> 20), Report.count(inFlightKiB)), ok);
        } finally {
            timers.dispose();
        }
    }

    private Step pipeline(Moirai moirai, Report out) {
        long items = quick ? 200_000 : 6_000_000;
        int parallelism = moirai.workerThreads();
        PipelineCommand.Result r = PipelineCommand.run(moirai, items, parallelism, Work.DEFAULT_ROUNDS, out, PIPELINE,
                Progress.stdoutIsTerminal(), new CompletableFuture<>());
        String result = Report.text("%s via RxJava, parallelism %d, %.2f M records/s, in order: %s",
                Report.count(items, "record"), parallelism, items / r.seconds() / 1e6, r.inOrder() ? "yes" : "NO");
        out.line(PIPELINE, "%s", result);
        return new Step("parallelMap (RxJava)", result, r.inOrder());
    }

    private Step ticker(Moirai moirai, Report out) {
        Duration period = Duration.ofMillis(quick ? 20 : 100);
        int count = quick ? 5 : 12;
        Duration work = period.multipliedBy(5).dividedBy(2);
        long dropped = TickerCommand.run(moirai, period, count, work, out, TICKER, new CompletableFuture<>()).dropped();
        String result = Report.text("%s every %s to a consumer taking %s each: %s dropped, none buffered",
                Report.count(count, "tick"), Durations.format(period), Durations.format(work), Report.count(dropped));
        out.line(TICKER, "%s", result);
        return new Step("interval (Reactor)", result, dropped > 0);
    }
}
