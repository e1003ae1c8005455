package io.moirai.examples.cli;

import io.moirai.Moirai;
import io.moirai.reactor.MoiraiReactor;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;

/**
 * {@code ticker}: {@code Moirai.interval} through Reactor with a consumer slower than the period. The
 * consumer asks for one tick at a time ({@code publishOn(.., 1)} on the blocking pool, where it may
 * sleep), so ticks that come while it is busy find no demand and are dropped, never buffered: the tick
 * numbers it prints have gaps, and memory stays flat however long it runs.
 */
@Command(name = "ticker", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "interval() through Reactor with a slow consumer, showing dropped ticks.")
public final class TickerCommand implements Callable<Integer> {

    private static final String NAME = "ticker";

    @Option(names = "--period", defaultValue = "100ms", converter = DurationConverter.class,
            description = "Time between ticks (default: ${DEFAULT-VALUE}).")
    Duration period;

    @Option(names = "--count", defaultValue = "10", converter = Bounded.PositiveInt.class,
            description = "Ticks to receive, at least 1 (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--work", converter = DurationConverter.class,
            description = "How long the consumer takes per tick (default: 2.5 periods).")
    Duration work;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Duration perTick = work != null ? work : period.multipliedBy(5).dividedBy(2);
        Report report = new Report(spec.commandLine().getOut(), NAME);
        try (Moirai moirai = Moirai.builder().threadNamePrefix("ticker").build()) {
            long dropped = run(moirai, period, count, perTick, report, NAME);
            report.line(NAME, "received %s, %s dropped while the consumer was busy",
                    Report.count(count, "tick"), Report.count(dropped));
        }
        return 0;
    }

    /**
     * Receives {@code count} ticks with a consumer that takes {@code perTick} for each, printing each
     * under {@code label}.
     *
     * @return how many ticks were dropped in between
     */
    static long run(Moirai moirai, Duration period, int count, Duration perTick, Report report, String label) {
        Scheduler blocking = MoiraiReactor.blockingScheduler(moirai);
        long[] last = {-1};
        long[] dropped = {0};
        try {
            Flux.from(moirai.interval(period))
                    .publishOn(blocking, 1) // one tick of demand at a time
                    .take(count)
                    .doOnNext(tick -> {
                        long gap = tick - last[0] - 1;
                        dropped[0] += gap;
                        last[0] = tick;
                        report.line(label, "tick %s%s", Report.count(tick), gap > 0 ? " (" + Report.count(gap) + " dropped)" : "");
                        try {
                            Thread.sleep(perTick.toMillis());
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    })
                    .blockLast(bound(period, perTick, count));
        } finally {
            blocking.dispose();
        }
        return dropped[0];
    }

    /** How long {@code count} ticks may take at most (a safety net), at most {@code Long.MAX_VALUE} ns. */
    private static Duration bound(Duration period, Duration perTick, int count) {
        try {
            return Duration.ofNanos(period.plus(perTick).multipliedBy(count).plusSeconds(10).toNanos());
        } catch (ArithmeticException beyondNanos) {
            return Duration.ofNanos(Long.MAX_VALUE);
        }
    }
}
