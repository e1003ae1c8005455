package io.moirai.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.moirai.Moirai;
import io.moirai.RuntimeMetrics;
import io.moirai.net.TcpListener;
import io.moirai.task.TaskHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MoiraiMetricsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final AtomicInteger RUNTIMES = new AtomicInteger();

    /** name, kind, base unit and figure of every meter the binder registers (DESIGN.md's list). */
    private record Expected(String name, Class<? extends Meter> kind, String unit, ToLongFunction<RuntimeMetrics> figure) {}

    private static final List<Expected> METERS = List.of(
            new Expected("moirai.workers", Gauge.class, "threads", RuntimeMetrics::workerThreads),
            new Expected("moirai.workers.parked", Gauge.class, "threads", RuntimeMetrics::parkedWorkers),
            new Expected("moirai.blocking.threads", Gauge.class, "threads", RuntimeMetrics::blockingThreads),
            new Expected("moirai.tasks.spawned", FunctionCounter.class, "tasks", RuntimeMetrics::tasksSpawned),
            new Expected("moirai.tasks.completed", FunctionCounter.class, "tasks", RuntimeMetrics::tasksCompleted),
            new Expected("moirai.tasks.queued", Gauge.class, "tasks", RuntimeMetrics::queuedTasks),
            new Expected("moirai.steals", FunctionCounter.class, "batches", RuntimeMetrics::steals),
            new Expected("moirai.io.registrations", Gauge.class, "channels", RuntimeMetrics::ioRegistrations),
            new Expected("moirai.timers.pending", Gauge.class, "timers", RuntimeMetrics::pendingTimers));

    private static Moirai runtime() {
        return Moirai.builder().workerThreads(2).threadNamePrefix("metrics-" + RUNTIMES.incrementAndGet()).build();
    }

    @Test
    void everyFigureIsAMeterWithTheTagsADescriptionAndABaseUnit() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Tags tags = Tags.of("runtime", "main", "team", "core");
        try (Moirai moirai = runtime()) {
            new MoiraiMetrics(moirai, tags).bindTo(registry);

            List<String> names = new ArrayList<>();
            for (Meter meter : registry.getMeters()) {
                names.add(meter.getId().getName());
                assertThat(meter.getId().getTags()).as(meter.getId().getName()).containsAll(tags);
            }
            assertThat(names).containsExactlyInAnyOrderElementsOf(METERS.stream().map(Expected::name).toList());

            for (Expected expected : METERS) {
                Meter meter = registry.get(expected.name()).tags(tags).meter();
                assertThat(meter).as(expected.name()).isInstanceOf(expected.kind());
                assertThat(meter.getId().getDescription()).as(expected.name()).isNotBlank();
                assertThat(meter.getId().getBaseUnit()).as(expected.name()).isEqualTo(expected.unit());
            }
        }
    }

    @Test
    void eachMeterReadsItsFigureOfTheRuntime() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Moirai moirai = runtime()) {
            new MoiraiMetrics(moirai, Tags.empty()).bindTo(registry);
            for (int i = 0; i < 1_000; i++) {
                moirai.spawn(() -> 1);
            }
            // monotonic figures: the meter's value lies between a snapshot before and one after;
            // the others are compared once the runtime is idle, when they hold still
            eventually(() -> idle(moirai.metrics()), () -> "not idle: " + moirai.metrics());
            for (Expected expected : METERS) {
                long before = expected.figure().applyAsLong(moirai.metrics());
                double value = value(registry.get(expected.name()).meter());
                long after = expected.figure().applyAsLong(moirai.metrics());
                assertThat(value).as(expected.name()).isBetween((double) Math.min(before, after),
                        (double) Math.max(before, after));
            }
        }
    }

    @Test
    void valuesMoveAsTasksRun() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Moirai moirai = runtime()) {
            new MoiraiMetrics(moirai, Tags.of("runtime", "moving")).bindTo(registry);
            FunctionCounter spawned = registry.get("moirai.tasks.spawned").functionCounter();
            FunctionCounter completed = registry.get("moirai.tasks.completed").functionCounter();
            Gauge workers = registry.get("moirai.workers").gauge();
            Gauge parked = registry.get("moirai.workers.parked").gauge();
            Gauge queued = registry.get("moirai.tasks.queued").gauge();
            Gauge blocking = registry.get("moirai.blocking.threads").gauge();
            Gauge timers = registry.get("moirai.timers.pending").gauge();
            Gauge registrations = registry.get("moirai.io.registrations").gauge();

            assertThat(workers.value()).isEqualTo(2.0);
            eventually(() -> parked.value() == 2.0, () -> "parked " + parked.value());
            double spawnedBefore = spawned.count();

            List<TaskHandle<Integer>> handles = new ArrayList<>();
            for (int i = 0; i < 1_000; i++) {
                handles.add(moirai.spawn(() -> 1));
            }
            for (TaskHandle<Integer> handle : handles) {
                handle.join(WAIT);
            }
            assertThat(spawned.count()).isGreaterThanOrEqualTo(spawnedBefore + 1_000);
            eventually(() -> completed.count() >= spawnedBefore + 1_000, () -> "completed " + completed.count());

            // both workers held: tasks spawned now wait in a queue, and no worker is parked
            CountDownLatch running = new CountDownLatch(2);
            CountDownLatch release = new CountDownLatch(1);
            List<TaskHandle<Boolean>> holders = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                holders.add(moirai.spawn(() -> {
                    running.countDown();
                    return release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                }));
            }
            assertThat(running.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
            List<TaskHandle<Integer>> waiting = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                waiting.add(moirai.spawn(() -> 2));
            }
            assertThat(queued.value()).isGreaterThanOrEqualTo(1.0);
            assertThat(parked.value()).isZero();

            // a blocking task holds a thread of the blocking pool while it runs
            CountDownLatch blockingRuns = new CountDownLatch(1);
            TaskHandle<Boolean> blocked = moirai.spawnBlocking(() -> {
                blockingRuns.countDown();
                return release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            });
            assertThat(blockingRuns.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
            assertThat(blocking.value()).isGreaterThanOrEqualTo(1.0);

            // a pending timer and a registered listener
            TaskHandle<Void> later = moirai.delay(Duration.ofHours(1));
            eventually(() -> timers.value() >= 1.0, () -> "pending timers " + timers.value());
            try (TcpListener listener = TcpListener.bind(moirai, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                eventually(() -> registrations.value() >= 1.0,
                        () -> "registrations " + registrations.value() + " with " + listener.localAddress() + " bound");
            }
            later.cancel();

            release.countDown();
            for (TaskHandle<Boolean> holder : holders) {
                assertThat(holder.join(WAIT)).isTrue();
            }
            assertThat(blocked.join(WAIT)).isTrue();
            for (TaskHandle<Integer> handle : waiting) {
                assertThat(handle.join(WAIT)).isEqualTo(2);
            }
            eventually(() -> queued.value() == 0.0 && parked.value() == 2.0,
                    () -> "queued " + queued.value() + ", parked " + parked.value());
            eventually(() -> completed.count() == spawned.count(),
                    () -> "spawned " + spawned.count() + ", completed " + completed.count());
        }
    }

    @Test
    void twoRuntimesWithTheirOwnTagsShareARegistry() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Moirai one = runtime(); Moirai two = Moirai.builder().workerThreads(1).build()) {
            new MoiraiMetrics(one, Tags.of("runtime", "one")).bindTo(registry);
            new MoiraiMetrics(two, Tags.of("runtime", "two")).bindTo(registry);
            assertThat(registry.get("moirai.workers").gauges()).hasSize(2);
            assertThat(registry.get("moirai.workers").tag("runtime", "one").gauge().value()).isEqualTo(2.0);
            assertThat(registry.get("moirai.workers").tag("runtime", "two").gauge().value()).isEqualTo(1.0);
        }
    }

    @Test
    void aClosedRuntimeDoesNotBreakAScrape() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Moirai moirai = runtime();
        new MoiraiMetrics(moirai, Tags.of("runtime", "closed")).bindTo(registry);
        for (int i = 0; i < 100; i++) {
            moirai.spawn(() -> 1).join(WAIT);
        }
        moirai.spawnBlocking(() -> 1).join(WAIT);
        double spawnedBefore = registry.get("moirai.tasks.spawned").functionCounter().count();
        moirai.close();

        String scrape = registry.getMetersAsString();
        assertThat(scrape).contains("moirai.tasks.spawned", "moirai.timers.pending");
        for (Meter meter : registry.getMeters()) {
            for (Measurement measurement : meter.measure()) {
                assertThat(measurement.getValue()).as(meter.getId().getName()).isNotNaN().isGreaterThanOrEqualTo(0.0);
            }
        }
        assertThat(registry.get("moirai.tasks.spawned").functionCounter().count()).isGreaterThanOrEqualTo(spawnedBefore);
        // the live state reads zero once the runtime's threads have ended; the size stays
        for (String live : List.of("moirai.workers.parked", "moirai.blocking.threads", "moirai.tasks.queued",
                "moirai.io.registrations", "moirai.timers.pending")) {
            eventually(() -> registry.get(live).gauge().value() == 0.0,
                    () -> live + " after close: " + registry.get(live).gauge().value());
        }
        assertThat(registry.get("moirai.workers").gauge().value()).isEqualTo(2.0);
        // binding a closed runtime is as harmless
        SimpleMeterRegistry late = new SimpleMeterRegistry();
        new MoiraiMetrics(moirai, Tags.empty()).bindTo(late);
        assertThat(late.getMeters()).hasSize(METERS.size());
        assertThat(late.getMetersAsString()).contains("moirai.tasks.completed");
    }

    @Test
    void badInputIsRefusedWithTheParameterNamed() {
        try (Moirai moirai = runtime()) {
            assertThatThrownBy(() -> new MoiraiMetrics(null, Tags.empty()))
                    .isInstanceOf(NullPointerException.class).hasMessageContaining("moirai");
            assertThatThrownBy(() -> new MoiraiMetrics(moirai, null))
                    .isInstanceOf(NullPointerException.class).hasMessageContaining("tags");
            List<Tag> withNull = Arrays.asList(Tag.of("a", "b"), null);
            assertThatThrownBy(() -> new MoiraiMetrics(moirai, withNull))
                    .isInstanceOf(NullPointerException.class).hasMessageContaining("tags");
            MoiraiMetrics metrics = new MoiraiMetrics(moirai, Tags.empty());
            assertThatThrownBy(() -> metrics.bindTo(null))
                    .isInstanceOf(NullPointerException.class).hasMessageContaining("registry");
        }
    }

    @Test
    void theTagsAreCopiedWhenTheBinderIsMade() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        List<Tag> tags = new ArrayList<>(List.of(Tag.of("runtime", "copied")));
        try (Moirai moirai = runtime()) {
            MoiraiMetrics metrics = new MoiraiMetrics(moirai, tags);
            tags.add(Tag.of("late", "yes"));
            metrics.bindTo(registry);
            for (Meter meter : registry.getMeters()) {
                assertThat(meter.getId().getTags()).containsExactly(Tag.of("runtime", "copied"));
            }
        }
    }

    private static boolean idle(RuntimeMetrics m) {
        return m.tasksSpawned() == m.tasksCompleted() && m.queuedTasks() == 0 && m.parkedWorkers() == m.workerThreads();
    }

    private static double value(Meter meter) {
        if (meter instanceof Gauge gauge) {
            return gauge.value();
        }
        return ((FunctionCounter) meter).count();
    }

    private static void eventually(BooleanSupplier condition, Supplier<String> message) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + WAIT + ": " + message.get());
            }
            Thread.sleep(5);
        }
    }
}
