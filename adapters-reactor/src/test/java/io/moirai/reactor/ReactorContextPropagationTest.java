package io.moirai.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ContextSnapshotFactory;
import io.moirai.Moirai;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.Context;

/**
 * Reactor's automatic context propagation ({@code Hooks.enableAutomaticContextPropagation()} with a
 * {@code ThreadLocalAccessor} registered in Micrometer's context-propagation library) through
 * {@link MoiraiReactor#scheduler} and {@link MoiraiReactor#blockingScheduler}: a value written to the
 * Reactor {@code Context} is in its ThreadLocal inside the tasks they run, exactly where it is with
 * Reactor's own schedulers, which each scenario runs side by side. Reactor does it with a
 * {@code Schedulers.onScheduleHook} that captures a {@code ContextSnapshot} where a task is scheduled
 * and restores it around the task; Moirai's schedulers pass every task through that hook.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ReactorContextPropagationTest {

    private static final String KEY = "moirai.test.request";
    private static final ThreadLocal<String> REQUEST = new ThreadLocal<>();

    private Moirai moirai;
    private Scheduler reactorParallel;
    private Scheduler reactorElastic;

    @BeforeAll
    static void enable() {
        ContextRegistry.getInstance().registerThreadLocalAccessor(KEY, REQUEST::get, REQUEST::set, REQUEST::remove);
        Hooks.enableAutomaticContextPropagation();
    }

    @AfterAll
    static void disable() {
        Hooks.disableAutomaticContextPropagation();
        ContextRegistry.getInstance().removeThreadLocalAccessor(KEY);
    }

    @BeforeEach
    void start() {
        moirai = Moirai.builder().workerThreads(2).threadNamePrefix("ctx-prop").build();
        reactorParallel = Schedulers.newParallel("ctx-ref-parallel", 2);
        reactorElastic = Schedulers.newBoundedElastic(4, 100, "ctx-ref-elastic");
    }

    @AfterEach
    void stop() {
        reactorParallel.dispose();
        reactorElastic.dispose();
        moirai.close();
        REQUEST.remove();
    }

    /** Runs a scenario on Reactor's scheduler and on Moirai's; both must see {@code expected}. */
    private static void sameAsReactor(Scheduler reactors, Scheduler moirais, Object expected,
            Function<Scheduler, Object> scenario) {
        Object onReactor = scenario.apply(reactors);
        Object onMoirai = scenario.apply(moirais);
        assertThat(onReactor).as("on Reactor's own scheduler").isEqualTo(expected);
        assertThat(onMoirai).as("on Moirai's scheduler").isEqualTo(expected);
    }

    @Test
    void subscribeOnSeesTheContextValue() {
        sameAsReactor(reactorParallel, MoiraiReactor.scheduler(moirai), "v1", s ->
                Mono.fromCallable(REQUEST::get).subscribeOn(s).contextWrite(Context.of(KEY, "v1")).block());
        sameAsReactor(reactorElastic, MoiraiReactor.blockingScheduler(moirai), "v2", s ->
                Mono.fromCallable(REQUEST::get).subscribeOn(s).contextWrite(Context.of(KEY, "v2")).block());
    }

    @Test
    void theTaskRunsOnTheRuntimesThreadsWithTheValue() {
        Scheduler cpu = MoiraiReactor.scheduler(moirai);
        String seen = Mono.fromCallable(() -> Thread.currentThread().getName() + "|" + REQUEST.get())
                .subscribeOn(cpu).contextWrite(Context.of(KEY, "w")).block();
        assertThat(seen).startsWith("ctx-prop-worker-").endsWith("|w");
        Scheduler io = MoiraiReactor.blockingScheduler(moirai);
        seen = Mono.fromCallable(() -> Thread.currentThread().getName() + "|" + REQUEST.get())
                .subscribeOn(io).contextWrite(Context.of(KEY, "b")).block();
        assertThat(seen).startsWith("ctx-prop-blocking-").endsWith("|b");
        // and nothing stays behind on the runtime's threads
        assertThat(moirai.spawn(REQUEST::get).join()).isNull();
        assertThat(moirai.spawnBlocking(REQUEST::get).join()).isNull();
    }

    @Test
    void publishOnDelayAndIntervalSeeItAsOnReactorsSchedulers() {
        Scheduler cpu = MoiraiReactor.scheduler(moirai);
        sameAsReactor(reactorParallel, cpu, List.of("v", "v", "v"), s ->
                Flux.range(1, 3).publishOn(s).map(i -> String.valueOf(REQUEST.get()))
                        .contextWrite(Context.of(KEY, "v")).collectList().block());
        sameAsReactor(reactorParallel, cpu, "d", s ->
                Mono.delay(Duration.ofMillis(5), s).map(x -> String.valueOf(REQUEST.get()))
                        .contextWrite(Context.of(KEY, "d")).block());
        sameAsReactor(reactorParallel, cpu, List.of("i", "i", "i"), s ->
                Flux.interval(Duration.ofMillis(2), s).take(3)
                        .<String>handle((x, sink) -> sink.next(String.valueOf(REQUEST.get())))
                        .contextWrite(Context.of(KEY, "i")).collectList().block());
        sameAsReactor(reactorElastic, MoiraiReactor.blockingScheduler(moirai), List.of("e", "e"), s ->
                Flux.just(1, 2).publishOn(s).map(i -> String.valueOf(REQUEST.get()))
                        .contextWrite(Context.of(KEY, "e")).collectList().block());
    }

    @Test
    void tasksScheduledDirectlyCarryTheSchedulingThreadsValue() {
        for (Scheduler s : List.of(reactorParallel, MoiraiReactor.scheduler(moirai),
                MoiraiReactor.blockingScheduler(moirai))) {
            CompletableFuture<String> direct = new CompletableFuture<>();
            CompletableFuture<String> onWorker = new CompletableFuture<>();
            CompletableFuture<String> delayed = new CompletableFuture<>();
            Scheduler.Worker w = s.createWorker();
            REQUEST.set("scheduled-by-" + s);
            try {
                s.schedule(() -> direct.complete(REQUEST.get()));
                w.schedule(() -> onWorker.complete(REQUEST.get()));
                s.schedule(() -> delayed.complete(REQUEST.get()), 5, TimeUnit.MILLISECONDS);
            } finally {
                REQUEST.remove();
            }
            assertThat(direct.join()).isEqualTo("scheduled-by-" + s);
            assertThat(onWorker.join()).isEqualTo("scheduled-by-" + s);
            assertThat(delayed.join()).isEqualTo("scheduled-by-" + s);
            w.dispose();
        }
    }

    /**
     * The README's wiring for plain tasks: the core task decorator captures a {@code ContextSnapshot}
     * on the spawning thread and restores it around the task.
     */
    @Test
    void theCoreTaskDecoratorPropagatesThreadLocalsToPlainTasks() throws Exception {
        ContextSnapshotFactory snapshots = ContextSnapshotFactory.builder().build();
        try (Moirai decorated = Moirai.builder()
                .workerThreads(2)
                .threadNamePrefix("ctx-dec")
                .taskDecorator(task -> snapshots.captureAll().wrap(task))
                .build()) {
            REQUEST.set("plain");
            try {
                assertThat(decorated.spawn(REQUEST::get).join()).isEqualTo("plain");
                assertThat(decorated.spawnBlocking(REQUEST::get).join()).isEqualTo("plain");
                assertThat(decorated.schedule(Duration.ofMillis(2), REQUEST::get).join()).isEqualTo("plain");
            } finally {
                REQUEST.remove();
            }
            assertThat(decorated.spawn(REQUEST::get).join()).isNull();
            // with Reactor on top, the Reactor context still wins inside Reactor's tasks
            assertThat(Mono.fromCallable(REQUEST::get).subscribeOn(MoiraiReactor.scheduler(decorated))
                    .contextWrite(Context.of(KEY, "reactor")).block()).isEqualTo("reactor");
        }
    }
}
