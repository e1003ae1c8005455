package io.moirai.examples.cli;

import io.moirai.Moirai;
import io.moirai.rxjava3.MoiraiRx;
import io.moirai.stream.Streams;
import io.reactivex.rxjava3.core.Flowable;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.LongStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pipeline}: {@code N} synthetic records through {@code Streams.parallelMap} (ordered, at most
 * {@code P} mapper calls in flight) consumed as an RxJava {@code Flowable}, with progress on the way
 * and the throughput at the end. Checks that the results arrive complete and in source order. A stop
 * (Ctrl-C, SIGTERM: {@link #stop()}) cancels the mapping and prints how far it got.
 */
@Command(name = "pipeline", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Maps N synthetic records with Streams.parallelMap and prints the throughput.")
public final class PipelineCommand implements Callable<Integer>, LongRunning {

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

    private final CompletableFuture<Boolean> stopRequested = new CompletableFuture<>();

    /** Stops mapping: the command prints how far it got and returns 0 (Ctrl-C and SIGTERM call this). */
    @Override
    public void stop() {
        stopRequested.complete(true);
    }

    @Override
    public Integer call() {
        int p = parallelism == null ? Runtime.getRuntime().availableProcessors() : parallelism;
        Report report = new Report(spec.commandLine().getOut(), NAME);
        try (Moirai moirai = Moirai.builder().threadNamePrefix("pipeline").build()) {
            Result r = run(moirai, items, p, rounds, report, NAME, Progress.stdoutIsTerminal(), stopRequested);
            if (r.stopped()) {
                report.line(NAME, "stopping");
            }
            report.line(NAME, "%s%s, parallelism %d, %.2fs, %.2f M records/s, in order: %s",
                    r.stopped() ? Report.count(r.done()) + " of " : "", Report.count(items, "record"), p, r.seconds(),
                    r.done() / r.seconds() / 1e6, r.inOrder() ? "yes" : "NO");
            return r.inOrder() ? 0 : 1;
        }
    }

    /**
     * What a run measured.
     *
     * @param done the records that came out
     * @param seconds how long it took
     * @param inOrder whether they came out in source order, all of them unless stopped
     * @param stopped whether a stop ended it before the last record
     */
    record Result(long done, double seconds, boolean inOrder, boolean stopped) {}

    /**
     * Runs the pipeline on {@code moirai}, drawing progress under {@code label}, until every record
     * came out or {@code stop} completes.
     */
    static Result run(Moirai moirai, long items, int parallelism, int rounds, Report report, String label,
            boolean terminal, CompletionStage<Boolean> stop) {
        Progress progress = new Progress(report, label, items, terminal);
        long[] expected = {0};
        boolean[] inOrder = {true};
        long step = Math.max(1, items / 200);
        long start = System.nanoTime();
        MoiraiRx.toFlowable(Streams.parallelMap(moirai,
                        Streams.fromIterable(moirai, () -> LongStream.range(0, items).iterator()),
                        (Long x) -> new long[] {x, Work.transform(x, rounds)}, parallelism))
                .takeUntil(Flowable.fromCompletionStage(stop)) // cancels the mapping
                .doOnNext(pair -> {
                    if (pair[0] != expected[0]) {
                        inOrder[0] = false;
                    }
                    if (++expected[0] % step == 0) {
                        progress.update(expected[0]);
                    }
                })
                .ignoreElements()
                .blockingAwait(); // until the last record or a stop
        double seconds = (System.nanoTime() - start) / 1e9;
        long done = expected[0];
        progress.finish(done);
        boolean stopped = done < items && stop.toCompletableFuture().isDone();
        return new Result(done, seconds, inOrder[0] && (done == items || stopped), stopped);
    }
}
