package io.moirai.examples.cli;

import io.moirai.Moirai;
import io.moirai.examples.scale.Heap;
import io.moirai.examples.scale.ScaleWorker;
import io.moirai.examples.scale.WorkerStats;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/**
 * {@code scale-worker}: a worker of the scale-out example ({@link ScaleWorker}): an RSocket server
 * on Moirai TCP that maps the records of each request-channel with {@code Streams.parallelMap} and
 * streams the results back in order, holding at most one window of records per stream. Prints its
 * address (and writes its port to {@code --port-file}), serves until {@code --duration} passes or it
 * is interrupted, then prints what it mapped, the most records it held at once and its heap.
 */
@Command(name = "scale-worker", mixinStandardHelpOptions = true,
        description = "Scale-out worker: an RSocket server that maps streamed records with parallelMap, in order.")
public final class ScaleWorkerCommand implements Callable<Integer> {

    @Mixin
    ServeOptions serve;

    @Option(names = "--parallelism", description = "Mapper calls in flight per stream (default: the compute workers).")
    Integer parallelism;

    @Option(names = "--rounds", defaultValue = "" + Work.DEFAULT_ROUNDS,
            description = "Work per record, in mixing rounds (default: ${DEFAULT-VALUE}, about 1 µs).")
    int rounds;

    @Option(names = "--progress", arity = "0..1", fallbackValue = "1s", paramLabel = "PERIOD",
            converter = DurationConverter.class,
            description = "Print the counters and the heap every PERIOD (1s when given alone).")
    Duration progress;

    /** Set by {@code scale-demo}: stop when standard input closes, so a worker never outlives its parent. */
    @Option(names = "--exit-on-stdin-eof", hidden = true)
    boolean exitOnStdinEof;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (parallelism != null && parallelism < 1) {
            throw new ParameterException(spec.commandLine(), "--parallelism must be at least 1, got " + parallelism);
        }
        if (rounds < 0) {
            throw new ParameterException(spec.commandLine(), "--rounds must not be negative, got " + rounds);
        }
        PrintWriter out = spec.commandLine().getOut();
        try (Moirai moirai = serve.runtime("scale-worker").build();
                ScaleWorker worker = ScaleWorker.start(moirai, serve.address(),
                        parallelism != null ? parallelism : moirai.workerThreads(), rounds, out)) {
            Disposable ticks = progress == null ? null : Flux.from(moirai.interval(progress)).subscribe(tick -> {
                out.println(progressLine(worker.stats()));
                out.flush();
            }, stopped -> { }); // ends with the runtime, or when disposed below
            if (exitOnStdinEof) {
                stopWhenStdinCloses(Thread.currentThread());
            }
            try {
                serve.serve(new Report(out, "scale-worker"), "scale-worker", worker.address());
            } finally {
                Thread.interrupted(); // the stop request was the interrupt; closing the worker below waits
                if (ticks != null) {
                    ticks.dispose();
                }
            }
            out.println("scale-worker: " + worker.stats().describe());
            out.flush();
        }
        return 0;
    }

    private static String progressLine(WorkerStats s) {
        return String.format(Locale.ROOT, "scale-worker: received %,d, sent %,d, in flight %,d (at most %,d), heap %s",
                s.received(), s.sent(), s.received() - s.sent(), s.maxInFlight(), Heap.mib(s.heapUsed()));
    }

    /** Interrupts {@code serving} once standard input reaches its end (the parent closed it or died). */
    private static void stopWhenStdinCloses(Thread serving) {
        Thread watcher = new Thread(() -> {
            InputStream in = System.in;
            byte[] sink = new byte[256];
            try {
                while (in.read(sink) >= 0) {
                    // nothing is sent on stdin: wait for its end
                }
            } catch (IOException e) {
                // a broken stdin is an end too
            }
            serving.interrupt();
        }, "scale-worker-stdin");
        watcher.setDaemon(true);
        watcher.start();
    }
}
