package io.moirai.reactor.oldline;

import static org.assertj.core.api.Assertions.assertThat;

import io.moirai.Moirai;
import io.moirai.reactor.MoiraiReactor;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * Guards the old-line check itself: the adapter's tests that run beside this one must see the
 * reactor-core and reactor-test of the 3.6 line (the pom's {@code reactor-3.6.version}), not the
 * current line the rest of the build uses, and the adapter as built must load and work there.
 */
class ReactorLineTest {

    private static final String EXPECTED = System.getProperty("moirai.expectedReactorVersion");

    @Test
    void theClassPathHoldsTheOldReactorLine() throws Exception {
        assertThat(EXPECTED).as("set by the module's surefire configuration").startsWith("3.6.");
        assertThat(jarOf(Flux.class)).isEqualTo("reactor-core-" + EXPECTED + ".jar");
        assertThat(jarOf(StepVerifier.class)).isEqualTo("reactor-test-" + EXPECTED + ".jar");
    }

    @Test
    void theAdapterBuiltAgainstTheCurrentLineRunsOnTheOldOne() {
        try (Moirai moirai = Moirai.builder().workerThreads(2).build()) {
            Mono<Integer> answer = MoiraiReactor.toMono(moirai.spawn(() -> 6 * 7));
            StepVerifier.create(answer).expectNext(42).verifyComplete();
            StepVerifier.create(Flux.range(0, 1_000).publishOn(MoiraiReactor.scheduler(moirai)).count())
                    .expectNext(1_000L)
                    .verifyComplete();
        }
    }

    private static String jarOf(Class<?> type) throws Exception {
        Path location = Paths.get(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        return location.getFileName().toString();
    }
}
