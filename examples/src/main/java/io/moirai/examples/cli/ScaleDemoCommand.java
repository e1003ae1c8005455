package io.moirai.examples.cli;

import io.moirai.Moirai;
import io.moirai.examples.scale.WorkerProcesses;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code scale-demo}: the scale-out example on one machine in one command. Starts {@code --workers}
 * {@code scale-worker} processes (child JVMs on loopback, this JVM's class path, port 0 and port
 * files, each with a small heap, the serial collector and the C1 compiler alone, so that they start
 * and warm up quickly on a small machine), runs the coordinator in this JVM against them, prints its summary
 * (and the workers' output, prefixed {@code [worker N]}), then stops the children. With
 * {@code --kill-worker-after N} the last worker is killed ({@code kill -9}) once the sink has taken
 * N records, to show the coordinator's error. Exits as the coordinator does: 0 when every record came
 * back in order, 1 otherwise.
 */
@Command(name = "scale-demo", mixinStandardHelpOptions = true,
        description = "Scale-out on one machine: starts scale-worker JVMs, runs the coordinator against them, stops them.")
public final class ScaleDemoCommand implements Callable<Integer> {

    private static final Pattern HEAP = Pattern.compile("[1-9][0-9]*[kKmMgG]?");

    @Option(names = "--workers", defaultValue = "2", description = "Worker processes to start (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--records", defaultValue = "200000", description = "Records to stream (default: ${DEFAULT-VALUE}).")
    long records;

    @Option(names = "--batch", defaultValue = "256", description = "Records per round-robin batch (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--sink-delay", defaultValue = "10us", converter = DurationConverter.class,
            description = "The sink's time per record (default: ${DEFAULT-VALUE}), e.g. 1ms, 10us.")
    Duration sinkDelay;

    @Option(names = "--rounds", defaultValue = "" + Work.DEFAULT_ROUNDS,
            description = "The workers' work per record, in mixing rounds (default: ${DEFAULT-VALUE}, about 1 µs).")
    int rounds;

    @Option(names = "--parallelism", description = "Each worker's mapper calls in flight (default: its compute workers).")
    Integer parallelism;

    @Option(names = "--worker-heap", defaultValue = "64m", description = "Each worker JVM's -Xmx (default: ${DEFAULT-VALUE}).")
    String workerHeap;

    @Option(names = "--progress", arity = "0..1", fallbackValue = "1s", paramLabel = "PERIOD",
            converter = DurationConverter.class,
            description = "Print progress of the coordinator and the workers every PERIOD (1s when given alone).")
    Duration progress;

    @Option(names = "--kill-worker-after", paramLabel = "N",
            description = "Kill the last worker (kill -9) once the sink has taken N records, to see the coordinator's error.")
    Long killAfter;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (workers < 1 || workers > 16) {
            throw new ParameterException(spec.commandLine(), "--workers must be from 1 to 16, got " + workers);
        }
        ScaleCoordinatorCommand.check(spec, records, batch);
        if (rounds < 0) {
            throw new ParameterException(spec.commandLine(), "--rounds must not be negative, got " + rounds);
        }
        if (parallelism != null && parallelism < 1) {
            throw new ParameterException(spec.commandLine(), "--parallelism must be at least 1, got " + parallelism);
        }
        if (!HEAP.matcher(workerHeap).matches()) {
            throw new ParameterException(spec.commandLine(), "--worker-heap must be a -Xmx size such as 64m, got '" + workerHeap + "'");
        }
        if (killAfter != null && (killAfter < 1 || killAfter >= records)) {
            throw new ParameterException(spec.commandLine(), "--kill-worker-after must be from 1 to --records - 1, got " + killAfter);
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        // a small heap to show the bound; serial GC and C1 alone: quick to start and warm on a small machine
        List<String> jvm = List.of("-Xmx" + workerHeap, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
        List<String> options = new ArrayList<>(List.of("--rounds=" + rounds, "--io-threads=1"));
        if (parallelism != null) {
            options.add("--parallelism=" + parallelism);
        }
        if (progress != null) {
            options.add("--progress=" + Math.max(1, progress.toMillis()) + "ms");
        }
        int code;
        try (WorkerProcesses children = WorkerProcesses.start(workers, jvm, options, out, Duration.ofSeconds(60))) {
            out.println("scale-demo: " + workers + " worker(s) listening; the coordinator runs in this JVM (pid "
                    + ProcessHandle.current().pid() + ")");
            out.flush();
            LongConsumer onConsumed = killer(children, out);
            try (Moirai moirai = Moirai.builder().threadNamePrefix("scale-coordinator").build()) {
                code = ScaleCoordinatorCommand.coordinate(moirai, children.addresses(), records, batch, sinkDelay, progress,
                        onConsumed, out, err);
            }
            out.println("scale-demo: stopping the workers");
            out.flush();
        }
        out.println("scale-demo: done");
        out.flush();
        return code;
    }

    /** @return the sink's hook: kills the last worker once the sink has taken {@code --kill-worker-after} records */
    private LongConsumer killer(WorkerProcesses children, PrintWriter out) {
        if (killAfter == null) {
            return count -> { };
        }
        long at = killAfter;
        AtomicBoolean killed = new AtomicBoolean();
        return count -> {
            if (count >= at && killed.compareAndSet(false, true)) {
                out.printf(Locale.ROOT, "scale-demo: the sink has taken %,d records: killing worker %d (pid %d) with kill -9%n",
                        count, workers, children.pid(workers));
                out.flush();
                children.kill(workers);
            }
        };
    }
}
