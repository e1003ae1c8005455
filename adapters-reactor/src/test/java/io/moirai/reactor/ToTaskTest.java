package io.moirai.reactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moirai.Moirai;
import io.moirai.task.TaskFailedException;
import io.moirai.task.TaskHandle;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/** {@code MoiraiReactor.toTask}: a {@code Mono} as a task, cancellation crossing both ways. */
class ToTaskTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private final Moirai moirai = Moirai.builder().workerThreads(2).build();

    @AfterEach
    void stop() {
        moirai.close();
    }

    @Test
    void theValueAnEmptyMonoAndAnErrorBecomeTheOutcome() throws Exception {
        assertThat(MoiraiReactor.toTask(moirai, Mono.just("v")).join(WAIT)).isEqualTo("v");
        assertThat(MoiraiReactor.toTask(moirai, Mono.empty()).join(WAIT)).isNull();
        TaskHandle<Object> failed = MoiraiReactor.toTask(moirai, Mono.error(new IllegalStateException("bad")));
        assertThatThrownBy(() -> failed.join(WAIT)).isInstanceOf(TaskFailedException.class)
                .hasCauseInstanceOf(IllegalStateException.class);
        assertThat(MoiraiReactor.toTask(moirai, Mono.delay(Duration.ofMillis(5)).map(x -> "later")).join(WAIT))
                .isEqualTo("later");
    }

    @Test
    void cancellingTheHandleDisposesTheSubscription() throws Exception {
        CountDownLatch disposed = new CountDownLatch(1);
        Sinks.One<String> never = Sinks.one();
        TaskHandle<String> h = MoiraiReactor.toTask(moirai, never.asMono().doOnCancel(disposed::countDown));
        assertThat(h.cancel()).isTrue();
        assertThat(disposed.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the Mono was disposed").isTrue();
        assertThatThrownBy(h::join).isInstanceOf(CancellationException.class);
    }

    @Test
    void aShutdownDisposesAPendingMonoAndANewOneIsNotSubscribed() throws Exception {
        CountDownLatch disposed = new CountDownLatch(1);
        TaskHandle<String> h = MoiraiReactor.toTask(moirai, Sinks.<String>one().asMono().doOnCancel(disposed::countDown));
        moirai.shutdown(WAIT);
        assertThat(h.isCancelled()).isTrue();
        assertThat(disposed.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        AtomicInteger subscribed = new AtomicInteger();
        assertThatThrownBy(() -> MoiraiReactor.toTask(moirai, Mono.just(1).doOnSubscribe(s -> subscribed.incrementAndGet())))
                .isInstanceOf(RejectedExecutionException.class);
        assertThat(subscribed).hasValue(0);
    }

    @Test
    void nullArgumentsAreNamed() {
        assertThatThrownBy(() -> MoiraiReactor.toTask(null, Mono.just(1))).hasMessageContaining("moirai");
        assertThatThrownBy(() -> MoiraiReactor.toTask(moirai, null)).hasMessageContaining("mono");
    }
}
