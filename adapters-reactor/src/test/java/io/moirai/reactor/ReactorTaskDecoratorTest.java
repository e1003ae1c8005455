package io.moirai.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import io.moirai.Moirai;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/** The core task decorator wraps the work of Moirai's Reactor schedulers too: they run through core's spawns. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ReactorTaskDecoratorTest {

    private static final ThreadLocal<String> MARK = new ThreadLocal<>();

    /** Marks the thread while a decorated body runs, with what the spawning thread had (or "decorated"). */
    private static final UnaryOperator<Runnable> MARKING = body -> {
        String captured = MARK.get() == null ? "decorated" : MARK.get();
        return () -> {
            MARK.set(captured);
            try {
                body.run();
            } finally {
                MARK.remove();
            }
        };
    };

    @Test
    void schedulerTasksRunInsideTheDecorator() throws Exception {
        try (Moirai moirai = Moirai.builder().workerThreads(2).threadNamePrefix("reactor-dec").taskDecorator(MARKING).build()) {
            for (Scheduler s : List.of(MoiraiReactor.scheduler(moirai), MoiraiReactor.blockingScheduler(moirai))) {
                assertThat(Mono.fromCallable(MARK::get).subscribeOn(s).block()).as("%s subscribeOn", s).isEqualTo("decorated");
                assertThat(Flux.range(0, 100).publishOn(s).map(i -> MARK.get()).distinct().collectList().block())
                        .as("%s publishOn", s).containsExactly("decorated");
                assertThat(Mono.delay(Duration.ofMillis(2), s).map(x -> MARK.get()).block()).as("%s delay", s).isEqualTo("decorated");
                CompletableFuture<String> direct = new CompletableFuture<>();
                MARK.set("scheduled-here");
                try {
                    s.schedule(() -> direct.complete(MARK.get()));
                } finally {
                    MARK.remove();
                }
                assertThat(direct.get(10, TimeUnit.SECONDS)).as("%s direct", s).isEqualTo("scheduled-here");
                s.dispose();
            }
        }
    }
}
