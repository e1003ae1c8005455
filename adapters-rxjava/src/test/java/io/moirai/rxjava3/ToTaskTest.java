package io.moirai.rxjava3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moirai.Moirai;
import io.moirai.task.TaskFailedException;
import io.moirai.task.TaskHandle;
import io.reactivex.rxjava3.core.Completable;
import io.reactivex.rxjava3.core.Maybe;
import io.reactivex.rxjava3.core.Single;
import io.reactivex.rxjava3.subjects.CompletableSubject;
import io.reactivex.rxjava3.subjects.MaybeSubject;
import io.reactivex.rxjava3.subjects.SingleSubject;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code MoiraiRx.toTask}: a {@code Single}, {@code Maybe} or {@code Completable} as a task. */
class ToTaskTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private final Moirai moirai = Moirai.builder().workerThreads(2).build();

    @AfterEach
    void stop() {
        moirai.close();
    }

    @Test
    void outcomesCarryOver() throws Exception {
        assertThat(MoiraiRx.toTask(moirai, Single.just("s")).join(WAIT)).isEqualTo("s");
        assertThat(MoiraiRx.toTask(moirai, Maybe.just("m")).join(WAIT)).isEqualTo("m");
        assertThat(MoiraiRx.toTask(moirai, Maybe.empty()).join(WAIT)).isNull();
        assertThat(MoiraiRx.toTask(moirai, Completable.complete()).join(WAIT)).isNull();
        TaskHandle<Object> failed = MoiraiRx.toTask(moirai, Single.error(new IllegalStateException("bad")));
        assertThatThrownBy(() -> failed.join(WAIT)).isInstanceOf(TaskFailedException.class)
                .hasCauseInstanceOf(IllegalStateException.class);
        TaskHandle<Void> failedC = MoiraiRx.toTask(moirai, Completable.error(new IllegalStateException("c")));
        assertThatThrownBy(() -> failedC.join(WAIT)).hasCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void cancellingTheHandleDisposesEachKind() {
        SingleSubject<String> single = SingleSubject.create();
        MaybeSubject<String> maybe = MaybeSubject.create();
        CompletableSubject completable = CompletableSubject.create();
        TaskHandle<String> s = MoiraiRx.toTask(moirai, single);
        TaskHandle<String> m = MoiraiRx.toTask(moirai, maybe);
        TaskHandle<Void> c = MoiraiRx.toTask(moirai, completable);
        assertThat(single.hasObservers() && maybe.hasObservers() && completable.hasObservers()).isTrue();
        s.cancel();
        m.cancel();
        c.cancel();
        assertThat(single.hasObservers()).as("single disposed").isFalse();
        assertThat(maybe.hasObservers()).as("maybe disposed").isFalse();
        assertThat(completable.hasObservers()).as("completable disposed").isFalse();
        assertThatThrownBy(s::join).isInstanceOf(CancellationException.class);
    }

    @Test
    void aShutdownDisposesAndRefuses() {
        SingleSubject<String> single = SingleSubject.create();
        TaskHandle<String> s = MoiraiRx.toTask(moirai, single);
        moirai.shutdown(WAIT);
        assertThat(s.isCancelled()).isTrue();
        assertThat(single.hasObservers()).isFalse();
        SingleSubject<String> late = SingleSubject.create();
        assertThatThrownBy(() -> MoiraiRx.toTask(moirai, late)).isInstanceOf(RejectedExecutionException.class);
        assertThat(late.hasObservers()).isFalse();
    }

    @Test
    void nullArgumentsAreNamed() {
        assertThatThrownBy(() -> MoiraiRx.toTask(null, Single.just(1))).hasMessageContaining("moirai");
        assertThatThrownBy(() -> MoiraiRx.toTask(moirai, (Single<Object>) null)).hasMessageContaining("single");
        assertThatThrownBy(() -> MoiraiRx.toTask(moirai, (Maybe<Object>) null)).hasMessageContaining("maybe");
        assertThatThrownBy(() -> MoiraiRx.toTask(moirai, (Completable) null)).hasMessageContaining("completable");
    }
}
