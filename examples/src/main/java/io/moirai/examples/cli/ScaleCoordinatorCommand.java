package io.moirai.examples.cli;

import io.moirai.Moirai;
import io.moirai.examples.scale.ScaleCoordinator;
import io.moirai.examples.scale.WorkerFailedException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.LongConsumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code scale-coordinator}: the coordinator of the scale-out example ({@link ScaleCoordinator}):
 * streams records to the workers given by {@code --worker} (round-robin in batches), merges their
 * results back in source order and ends in a slow sink ({@code --sink-delay} per record), whose
 * demand reaches the source two hops away as RSocket REQUEST_N frames. Prints the plan, progress
 * with {@code --progress}, and a summary: throughput, order, how far the source ran ahead of the sink,
 * the heap of every process. Exits 0 when every record came back in order, 1 when a worker failed
 * (the message names it) or the results were wrong.
 */
@Command(name = "scale-coordinator", mixinStandardHelpOptions = true,
        description = "Scale-out coordinator: streams records to scale-worker processes over RSocket, merges the "
                + "results in order into a slow sink whose demand slows the source.")
public final class ScaleCoordinatorCommand implements Callable<Integer> {

    @Option(names = "--worker", required = true, paramLabel = "HOST:PORT", converter = HostPortConverter.class,
            description = "A worker's address; repeat for each worker (they get batches in turn, in this order).")
    List<InetSocketAddress> workers;

    @Option(names = "--records", defaultValue = "200000", description = "Records to stream (default: ${DEFAULT-VALUE}).")
    long records;

    @Option(names = "--batch", defaultValue = "" + ScaleCoordinator.DEFAULT_BATCH,
            description = "Records per round-robin batch (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--sink-delay", defaultValue = "10us", converter = DurationConverter.class,
            description = "The sink's time per record (default: ${DEFAULT-VALUE}), e.g. 1ms, 10us.")
    Duration sinkDelay;

    @Option(names = "--progress", arity = "0..1", fallbackValue = "1s", paramLabel = "PERIOD",
            converter = DurationConverter.class,
            description = "Print produced, consumed, in flight and heap every PERIOD (1s when given alone).")
    Duration progress;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        check(spec, records, batch);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (Moirai moirai = Moirai.builder().threadNamePrefix("scale-coordinator").build()) {
            return coordinate(moirai, workers, records, batch, sinkDelay, progress, count -> { }, out, err);
        }
    }

    /** Refuses counts out of range, as a usage error naming the option. */
    static void check(CommandSpec spec, long records, int batch) {
        if (records < 1) {
            throw new ParameterException(spec.commandLine(), "--records must be at least 1, got " + records);
        }
        if (batch < 1) {
            throw new ParameterException(spec.commandLine(), "--batch must be at least 1, got " + batch);
        }
    }

    /**
     * Runs a coordinator and prints its summary (or the failure, naming the worker, to {@code err}).
     *
     * @return the exit code: 0 every record back in order, 1 otherwise
     */
    static int coordinate(Moirai moirai, List<InetSocketAddress> workers, long records, int batch, Duration sinkDelay,
            Duration progress, LongConsumer onConsumed, PrintWriter out, PrintWriter err) {
        ScaleCoordinator coordinator = new ScaleCoordinator(moirai, workers, records, batch, sinkDelay).onConsumed(onConsumed);
        if (progress != null) {
            coordinator.progress(out, progress);
        }
        ScaleCoordinator.Summary summary;
        try {
            summary = coordinator.run(out);
        } catch (WorkerFailedException e) {
            out.println(coordinator.progressLine());
            out.flush();
            err.println("scale-coordinator: " + e.getMessage());
            err.flush();
            return 1;
        }
        summary.print(out);
        if (!summary.ok()) {
            err.println("scale-coordinator: the results are wrong: "
                    + (summary.inOrder() ? "the source ran further ahead than the demand allows" : "not every record came back in order"));
            err.flush();
            return 1;
        }
        return 0;
    }
}
