package io.moirai.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import io.moirai.Moirai;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Hooks;

/**
 * What a clean shutdown signals to live Reactor streams (the decision the {@code Moirai} class
 * documents): {@code onError(CancellationException)}, which a subscriber without an error handler
 * hands to Reactor's dropped-error hook (printed as {@code ErrorCallbackNotImplemented} by default),
 * and which {@code onErrorComplete(CancellationException.class)} turns into a quiet completion.
 */
class ShutdownSignalTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private final List<Throwable> dropped = new CopyOnWriteArrayList<>();

    @AfterEach
    void resetHooks() {
        Hooks.resetOnErrorDropped();
    }

    @Test
    void aLiveStreamEndsWithCancellationExceptionAndTheRecipeEndsItQuietly() throws Exception {
        Hooks.onErrorDropped(dropped::add);
        Moirai moirai = Moirai.builder().workerThreads(1).build();
        CountDownLatch ticking = new CountDownLatch(2);
        CountDownLatch quietEnd = new CountDownLatch(1);
        MoiraiReactor.toFlux(moirai.interval(Duration.ofMillis(5))).doOnNext(t -> ticking.countDown())
                .subscribe(); // no error handler
        MoiraiReactor.toFlux(moirai.interval(Duration.ofMillis(5)))
                .onErrorComplete(CancellationException.class)
                .subscribe(t -> { }, e -> { }, quietEnd::countDown);
        assertThat(ticking.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        moirai.shutdown(WAIT);
        assertThat(quietEnd.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the recipe completes").isTrue();
        assertThat(dropped).as("only the stream without an error handler reported its end").hasSize(1);
        assertThat(dropped.get(0)).hasRootCauseInstanceOf(CancellationException.class);
    }
}
