package io.moirai.examples.cli;

import io.moirai.Moirai;
import io.moirai.rxjava3.MoiraiRx;
import io.moirai.stream.Streams;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pipeline}: {@code N} synthetic records through {@code Streams.parallelMap} (ordered, at most
 * {@code P} mapper calls in flight) consumed as an RxJava {@code Flowable}, with progress on the way
 * and the throughput at the end. Checks that the results arrive complete and in source order.
 */
@Command(name = "pipeline", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Maps N synthetic records with Streams.parallelMap and prints the throughput.")
public final class PipelineCommand implements Callable<Integer> {

    private static final String NAME = "pipeline";

    @Option(names = "--items", defaultValue = "1000000", converter = Bounded.PositiveLong.class,
            description = "Records to map, at least 1 (default: 1,000,000).")
    long items;

    @Option(names = "--parallelism", converter = Bounded.Parallelism.class,
            description = "Mapper calls in flight, 1 to 10,000 (default: available processors).")
    Integer parallelism;

    @Option(names = "--rounds", defaultValue = "" + Work.DEFAULT_ROUNDS, converter = Bounded.NonNegativeInt.class,
            description = "Work per record, in mixing rounds, at least 0 (default: ${DEFAULT-VALUE}, about 1 µs).")
    int rounds;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        int p = parallelism == null ? Runtime.getRuntime().availableProcessors() : parallelism;
        Report report = new Report(spec.commandLine().getOut(), NAME);
        try (Moirai moirai = Moirai.builder().threadNamePrefix("pipeline").build()) {
            Result r = run(moirai, items, p, rounds, report, NAME, Progress.stdoutIsTerminal());
            report.line(NAME, "%s, parallelism %d, %.2fs, %.2f M records/s, in order: %s",
                    Report.count(items, "record"), p, r.seconds(), items / r.seconds() / 1e6, r.inOrder() ? "yes" : "NO");
            return r.inOrder() ? 0 : 1;
        }
    }

    /** What a run measured. */
    record Result(double seconds, boolean inOrder) {}

    /** Runs the pipeline on {@code moirai}, drawing progress under {@code label}. */
    static Result run(Moirai moirai, long items, int parallelism, int rounds, Report report, String label,
            boolean terminal) {
        Progress progress = new Progress(report, label, items, terminal);
        long[] expected = {0};
        boolean[] inOrder = {true};
        long step = Math.max(1, items / 200);
        long start = System.nanoTime();
        MoiraiRx.toFlowable(Streams.parallelMap(moirai,
                        Streams.fromIterable(moirai, () -> LongStream.range(0, items).iterator()),
                        (Long x) -> new long[] {x, Work.transform(x, rounds)}, parallelism))
                .doOnNext(pair -> {
                    if (pair[0] != expected[0]) {
                        inOrder[0] = false;
                    }
                    if (++expected[0] % step == 0) {
                        progress.update(expected[0]);
                    }
                })
                .ignoreElements()
                .blockingAwait(10, TimeUnit.MINUTES);
        double seconds = (System.nanoTime() - start) / 1e9;
        progress.finish();
        return new Result(seconds, inOrder[0] && expected[0] == items);
    }
}
