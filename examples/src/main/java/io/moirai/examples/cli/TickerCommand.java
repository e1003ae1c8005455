package io.moirai.examples.cli;

import io.moirai.Moirai;
import io.moirai.reactor.MoiraiReactor;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * {@code ticker}: {@code Moirai.interval} through Reactor with a consumer slower than the period. The
 * consumer asks for one tick at a time ({@code publishOn(.., 1)} on the blocking pool, where it may
 * sleep), so ticks that come while it is busy find no demand and are dropped, never buffered: the tick
 * numbers it prints have gaps, and memory stays flat however long it runs. A stop (Ctrl-C, SIGTERM:
 * {@link #stop()}) ends it early with the ticks received so far.
 */
@Command(name = "ticker", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "interval() through Reactor with a slow consumer, showing dropped ticks.")
public final class TickerCommand implements Callable<Integer>, LongRunning {

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

    private final CompletableFuture<Boolean> stopRequested = new CompletableFuture<>();

    /** Stops receiving: the command prints the ticks received so far and returns 0 (Ctrl-C and SIGTERM call this). */
    @Override
    public void stop() {
        stopRequested.complete(true);
    }

    @Override
    public Integer call() {
        Duration perTick = work != null ? work : period.multipliedBy(5).dividedBy(2);
        Report report = new Report(spec.commandLine().getOut(), NAME);
        try (Moirai moirai = Moirai.builder().threadNamePrefix("ticker").build()) {
            Ticks t = run(moirai, period, count, perTick, report, NAME, stopRequested);
            if (t.received() < count) {
                report.line(NAME, "stopping");
            }
            report.line(NAME, "received %s, %s dropped while the consumer was busy",
                    Report.count(t.received(), "tick"), Report.count(t.dropped()));
        }
        return 0;
    }

    /**
     * What a run saw.
     *
     * @param received the ticks the consumer received
     * @param dropped the ticks dropped in between, while it was busy
     */
    record Ticks(long received, long dropped) {}

    /**
     * Receives {@code count} ticks with a consumer that takes {@code perTick} for each, printing each
     * under {@code label}, until the last or until {@code stop} completes (which also cuts short the
     * consumer's work on the tick at hand).
     *
     * @return the ticks received and dropped
     */
    static Ticks run(Moirai moirai, Duration period, int count, Duration perTick, Report report, String label,
            CompletionStage<Boolean> stop) {
        CompletableFuture<Boolean> stopped = stop.toCompletableFuture();
        Scheduler blocking = MoiraiReactor.blockingScheduler(moirai);
        long[] last = {-1};
        long[] dropped = {0};
        long[] received = {0};
        try {
            Flux.from(moirai.interval(period))
                    .publishOn(blocking, 1) // one tick of demand at a time
                    .take(count)
                    .takeUntilOther(Mono.fromCompletionStage(stop))
                    .doOnNext(tick -> {
                        long gap = tick - last[0] - 1;
                        dropped[0] += gap;
                        last[0] = tick;
                        received[0]++;
                        report.line(label, "tick %s%s", Report.count(tick), gap > 0 ? " (" + Report.count(gap) + " dropped)" : "");
                        work(perTick, stopped);
                    })
                    .blockLast(bound(period, perTick, count));
        } finally {
            blocking.dispose();
        }
        return new Ticks(received[0], dropped[0]);
    }

    /** The consumer's work on one tick: {@code perTick} on its (blocking) thread, or until a stop. */
    private static void work(Duration perTick, CompletableFuture<Boolean> stopped) {
        try {
            stopped.get(perTick.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException workDone) {
            // the usual end: the tick's work took perTick
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException impossible) {
            throw new IllegalStateException(impossible);
        }
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
