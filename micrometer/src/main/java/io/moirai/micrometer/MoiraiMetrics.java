package io.moirai.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.moirai.Moirai;
import io.moirai.RuntimeMetrics;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * Binds a runtime's live figures ({@link Moirai#metrics()}, a {@link RuntimeMetrics}) to a Micrometer
 * {@link MeterRegistry}: one meter per figure, each carrying the tags given to the constructor.
 *
 * <pre>{@code
 * new MoiraiMetrics(moirai, Tags.of("runtime", "main")).bindTo(registry);
 * }</pre>
 *
 * <table>
 * <caption>The meters</caption>
 * <tr><th>name</th><th>kind</th><th>base unit</th><th>what it counts</th></tr>
 * <tr><td>{@code moirai.workers}</td><td>gauge</td><td>threads</td>
 *     <td>compute workers (fixed for the runtime's life)</td></tr>
 * <tr><td>{@code moirai.workers.parked}</td><td>gauge</td><td>threads</td>
 *     <td>compute workers parked because they found no work; all of them on an idle runtime</td></tr>
 * <tr><td>{@code moirai.blocking.threads}</td><td>gauge</td><td>threads</td>
 *     <td>live threads of the blocking pool, busy or idle; it grows with queued blocking work and
 *     shrinks as idle threads retire</td></tr>
 * <tr><td>{@code moirai.tasks.spawned}</td><td>function counter</td><td>tasks</td>
 *     <td>tasks and jobs created since the runtime started: task handles of every kind, delays and
 *     scheduled tasks, channel sends that had to wait, connection handles, commands and the
 *     internal jobs of streams</td></tr>
 * <tr><td>{@code moirai.tasks.completed}</td><td>function counter</td><td>tasks</td>
 *     <td>those of them that ended, however they ended (a value, an error, a cancel, a shutdown);
 *     spawned minus completed is the number in flight</td></tr>
 * <tr><td>{@code moirai.tasks.queued}</td><td>gauge</td><td>tasks</td>
 *     <td>tasks waiting in any queue: the workers' queues, the injection queue, the blocking
 *     pool's queue</td></tr>
 * <tr><td>{@code moirai.steals}</td><td>function counter</td><td>batches</td>
 *     <td>batches of tasks a compute worker stole from another one</td></tr>
 * <tr><td>{@code moirai.io.registrations}</td><td>gauge</td><td>channels</td>
 *     <td>channels (listeners and connections) registered with the I/O driver</td></tr>
 * <tr><td>{@code moirai.timers.pending}</td><td>gauge</td><td>timers</td>
 *     <td>timers scheduled and not yet fired or cancelled</td></tr>
 * </table>
 *
 * <p>Monotonic counts are {@link FunctionCounter}s, the rest {@link Gauge}s. Each meter reads a
 * fresh {@link Moirai#metrics()} snapshot when the registry asks for its value, so the figures are
 * each exact at some instant of a scrape, not necessarily at the same one; the read neither stops nor
 * slows the runtime's threads.
 *
 * <p><b>Threads.</b> {@link #bindTo} may be called from any thread, once per registry; the meters
 * are read on whatever thread scrapes or publishes the registry. Nothing runs on the runtime's
 * threads.
 *
 * <p><b>Lifetime.</b> The meters refer to the runtime weakly, as Micrometer's function-based meters
 * do: they never keep a runtime alive, and once the application drops its runtime and it is
 * collected they read {@code NaN}. A closed runtime still answers, so a scrape never fails on it:
 * its counters keep their last values, {@code moirai.workers} its configured size, and the gauges of
 * live state (parked workers, blocking threads, queued tasks, registrations, pending timers) read zero
 * once its threads have ended. Remove the meters from the registry when a closed runtime should no
 * longer be reported.
 *
 * <p><b>Several runtimes.</b> Micrometer identifies a meter by its name and tags, so bind each
 * runtime of an application with a tag that tells it apart (for example {@code runtime=<name>});
 * with equal tags the registry keeps the meters of the first runtime bound.
 */
public final class MoiraiMetrics implements MeterBinder {

    private static final String BATCHES = "batches";
    private static final String CHANNELS = "channels";
    private static final String TIMERS = "timers";

    private final Moirai moirai;
    private final Tags tags;

    /**
     * A binder for one runtime.
     *
     * @param moirai the runtime whose figures the meters report
     * @param tags tags put on every meter (for example the runtime's name); may be empty
     * @throws NullPointerException if {@code moirai} or {@code tags} is null, or {@code tags}
     *     holds a null tag
     */
    public MoiraiMetrics(Moirai moirai, Iterable<Tag> tags) {
        this.moirai = Objects.requireNonNull(moirai, "moirai");
        Objects.requireNonNull(tags, "tags");
        for (Tag tag : tags) {
            Objects.requireNonNull(tag, "tags must not hold a null tag");
        }
        this.tags = Tags.of(tags);
    }

    /**
     * Registers the runtime's meters with {@code registry} (see the class documentation for the list).
     *
     * @param registry the registry to register the meters with
     * @throws NullPointerException if {@code registry} is null
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        gauge(registry, "moirai.workers", "Compute workers of the runtime",
                BaseUnits.THREADS, RuntimeMetrics::workerThreads);
        gauge(registry, "moirai.workers.parked", "Compute workers parked because they found no work",
                BaseUnits.THREADS, RuntimeMetrics::parkedWorkers);
        gauge(registry, "moirai.blocking.threads", "Live threads of the blocking pool, busy or idle",
                BaseUnits.THREADS, RuntimeMetrics::blockingThreads);
        counter(registry, "moirai.tasks.spawned", "Tasks and jobs the runtime created",
                BaseUnits.TASKS, RuntimeMetrics::tasksSpawned);
        counter(registry, "moirai.tasks.completed",
                "Tasks and jobs that ended, however they ended (value, error, cancel, shutdown)",
                BaseUnits.TASKS, RuntimeMetrics::tasksCompleted);
        gauge(registry, "moirai.tasks.queued",
                "Tasks waiting in a queue (worker queues, injection queue, blocking queue)",
                BaseUnits.TASKS, RuntimeMetrics::queuedTasks);
        counter(registry, "moirai.steals", "Batches of tasks a compute worker stole from another",
                BATCHES, RuntimeMetrics::steals);
        gauge(registry, "moirai.io.registrations", "Channels registered with the I/O driver",
                CHANNELS, RuntimeMetrics::ioRegistrations);
        gauge(registry, "moirai.timers.pending", "Timers scheduled and not yet fired or cancelled",
                TIMERS, RuntimeMetrics::pendingTimers);
    }

    private void gauge(MeterRegistry registry, String name, String description, String unit,
            ToDoubleFunction<RuntimeMetrics> figure) {
        Gauge.builder(name, moirai, runtime -> figure.applyAsDouble(runtime.metrics()))
                .tags(tags)
                .description(description)
                .baseUnit(unit)
                .register(registry);
    }

    private void counter(MeterRegistry registry, String name, String description, String unit,
            ToDoubleFunction<RuntimeMetrics> figure) {
        FunctionCounter.builder(name, moirai, runtime -> figure.applyAsDouble(runtime.metrics()))
                .tags(tags)
                .description(description)
                .baseUnit(unit)
                .register(registry);
    }

    @Override
    public String toString() {
        return "MoiraiMetrics[" + moirai + ", tags=" + tags + "]";
    }
}
