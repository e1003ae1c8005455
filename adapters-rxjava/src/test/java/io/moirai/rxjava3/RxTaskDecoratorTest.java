package io.moirai.rxjava3;

import static org.assertj.core.api.Assertions.assertThat;

import io.moirai.Moirai;
import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.core.Scheduler;
import io.reactivex.rxjava3.core.Single;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The core task decorator wraps the work of Moirai's RxJava schedulers too: they run through core's spawns. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RxTaskDecoratorTest {

    private static final ThreadLocal<String> MARK = new ThreadLocal<>();

    private static final UnaryOperator<Runnable> MARKING = body -> () -> {
        MARK.set("decorated");
        try {
            body.run();
        } finally {
            MARK.remove();
        }
    };

    @Test
    void schedulerTasksRunInsideTheDecorator() {
        try (Moirai moirai = Moirai.builder().workerThreads(2).threadNamePrefix("rx-dec").taskDecorator(MARKING).build()) {
            for (Scheduler s : List.of(MoiraiRx.scheduler(moirai), MoiraiRx.blockingScheduler(moirai))) {
                assertThat(Single.fromCallable(MARK::get).subscribeOn(s).blockingGet()).isEqualTo("decorated");
                assertThat(Flowable.range(0, 100).observeOn(s).map(i -> MARK.get()).distinct().toList().blockingGet())
                        .containsExactly("decorated");
                assertThat(Single.timer(2, TimeUnit.MILLISECONDS, s).map(x -> MARK.get()).blockingGet()).isEqualTo("decorated");
                s.shutdown();
            }
        }
    }
}
