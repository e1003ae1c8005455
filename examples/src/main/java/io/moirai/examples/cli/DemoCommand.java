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
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "A tour: tasks, timers, TCP backpressure through Reactor, parallelMap through RxJava, interval.")
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--quick", description = "A shorter tour (a few seconds), for tests and smoke runs.")
    boolean quick;

    @Spec
    CommandSpec spec;

    /** One line of the summary table. */
    record Step(String name, String result, boolean ok) {}

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<Step> steps = new ArrayList<>();
        long start = System.nanoTime();
        try (Moirai moirai = Moirai.builder().threadNamePrefix("demo").build()) {
            out.println("Moirai tour on " + moirai.workerThreads() + " compute workers" + (quick ? " (quick)" : ""));
            out.println();
            steps.add(tasks(moirai, out));
            steps.add(timer(moirai, out));
            steps.add(tcpBackpressure(moirai, out));
            steps.add(pipeline(moirai, out));
            steps.add(ticker(moirai, out));
            RuntimeMetrics m = moirai.metrics();
            steps.add(new Step("runtime", String.format("%,d tasks spawned, %,d completed, %,d steals, %d blocking thread(s)",
                    m.tasksSpawned(), m.tasksCompleted(), m.steals(), m.blockingThreads()), true));
        }
        out.println();
        out.printf("%-22s %-4s %s%n", "step", "ok", "result");
        out.println("-".repeat(100));
        boolean allOk = true;
        for (Step s : steps) {
            out.printf("%-22s %-4s %s%n", s.name(), s.ok() ? "yes" : "NO", s.result());
            allOk &= s.ok();
        }
        out.printf("%ntour took %.1f s%n", (System.nanoTime() - start) / 1e9);
        out.flush();
        return allOk ? 0 : 1;
    }

    private static Step tasks(Moirai moirai, PrintWriter out) throws Exception {
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
        out.println("tasks   : sum of 0..999,999 in 100 subtasks = " + value);
        String slept = moirai.spawnBlocking(() -> {
            TimeUnit.MILLISECONDS.sleep(50);
            return Thread.currentThread().getName();
        }).join(Duration.ofSeconds(10));
        out.println("tasks   : a blocking task slept 50 ms on " + slept);
        CompletableFuture<String> later = new CompletableFuture<>();
        TaskHandle<String> async = moirai.spawnAsync(() -> later);
        moirai.delay(Duration.ofMillis(30)).toCompletableFuture().thenRun(() -> later.complete("completed by a timer"));
        String asyncValue = async.join(Duration.ofSeconds(10));
        out.println("tasks   : an async task held no thread until its stage was " + asyncValue);
        Long viaMono = MoiraiReactor.toMono(sum).block(Duration.ofSeconds(10));
        out.println("tasks   : the sum's handle, subscribed as a Mono, gave " + viaMono);
        boolean ok = value == 499_999_500_000L && viaMono != null && viaMono == value && "completed by a timer".equals(asyncValue);
        return new Step("tasks", "fan-out sum " + value + ", blocking on " + slept + ", async " + asyncValue, ok);
    }

    private static Step timer(Moirai moirai, PrintWriter out) throws Exception {
        long start = System.nanoTime();
        moirai.delay(Duration.ofMillis(20)).join(Duration.ofSeconds(10));
        double ms = (System.nanoTime() - start) / 1e6;
        out.printf("timer   : delay(20 ms) completed after %.1f ms%n", ms);
        return new Step("timer", String.format("delay(20 ms) fired after %.1f ms (never early)", ms), ms >= 20.0);
    }

    private Step tcpBackpressure(Moirai moirai, PrintWriter out) throws Exception {
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
            out.printf("tcp     : echoed %d MiB through a Reactor pipeline whose subscriber takes %d ms per buffer (%.1f s);%n",
                    total >> 20, pace.toMillis(), seconds);
            out.printf("tcp     : at most %,d KiB were sent but not yet received: the sender was held back by TCP flow control%n",
                    inFlightKiB);
            boolean ok = echoed != null && echoed == total && maxInFlight.get() < total;
            return new Step("tcp backpressure", String.format("%d MiB echoed, at most %,d KiB in flight (bounded by socket buffers)",
                    total >> 20, inFlightKiB), ok);
        } finally {
            timers.dispose();
        }
    }

    private Step pipeline(Moirai moirai, PrintWriter out) {
        long items = quick ? 200_000 : 6_000_000;
        int parallelism = moirai.workerThreads();
        PipelineCommand.Result r = PipelineCommand.run(moirai, items, parallelism, Work.DEFAULT_ROUNDS, out,
                Progress.stdoutIsTerminal());
        String result = String.format("%,d records via RxJava, parallelism %d, %.2f M records/s, in order: %s",
                items, parallelism, items / r.seconds() / 1e6, r.inOrder() ? "yes" : "NO");
        out.println("pipeline: " + result);
        return new Step("parallelMap (RxJava)", result, r.inOrder());
    }

    private Step ticker(Moirai moirai, PrintWriter out) {
        Duration period = Duration.ofMillis(quick ? 20 : 100);
        int count = quick ? 5 : 12;
        Duration work = period.multipliedBy(5).dividedBy(2);
        long dropped = TickerCommand.run(moirai, period, count, work, out);
        String result = String.format("%d ticks every %d ms to a consumer taking %d ms each: %d dropped, none buffered",
                count, period.toMillis(), work.toMillis(), dropped);
        out.println("ticker  : " + result);
        return new Step("interval (Reactor)", result, dropped > 0);
    }
}
