package io.moirai.rxjava3;

import static org.assertj.core.api.Assertions.assertThat;

import io.moirai.Moirai;
import io.moirai.stream.Channel;
import io.reactivex.rxjava3.plugins.RxJavaPlugins;
import io.reactivex.rxjava3.subscribers.TestSubscriber;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * One runtime, two libraries: a Reactor pipeline and an RxJava pipeline, each fed by its own
 * {@link Channel}, run at once on the same Moirai compute workers, and neither starves the other.
 */
@Timeout(120)
class SharedRuntimeTest {

    private static final String PREFIX = "rx-shared";
    private static final int N = 200_000;

    private Moirai moirai;
    private final List<Throwable> errors = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() {
        moirai = Moirai.builder().workerThreads(2).threadNamePrefix(PREFIX).build();
        RxJavaPlugins.setErrorHandler(errors::add);
    }

    @AfterEach
    void tearDown() {
        RxJavaPlugins.reset();
        moirai.close();
        assertThat(errors).isEmpty();
    }

    /**
     * One producer thread sends item {@code i} to the Reactor channel, then to the RxJava channel,
     * waiting whenever one is full. Both channels hold 256 items, so neither pipeline can get more
     * than a few hundred items ahead of the other: the run completes only if both make progress
     * side by side, on the runtime's threads.
     */
    @Test
    void aReactorAndAnRxJavaPipelineShareTheWorkersAndBothProgress() throws Exception {
        Channel<Integer> forReactor = Channel.bounded(moirai, 256);
        Channel<Integer> forRx = Channel.bounded(moirai, 256);
        Set<String> reactorThreads = ConcurrentHashMap.newKeySet();
        Set<String> rxThreads = ConcurrentHashMap.newKeySet();

        long[] reactorNext = {0};
        CompletableFuture<Long> reactorDone = Flux.from(forReactor.receiver())
                .publishOn(Schedulers.fromExecutor(moirai)) // Reactor's executor scheduler on Moirai
                .doOnNext(x -> {
                    reactorThreads.add(Thread.currentThread().getName());
                    if (x != reactorNext[0]++) {
                        throw new AssertionError("reactor: item " + x + " at " + (reactorNext[0] - 1));
                    }
                })
                .count()
                .toFuture();
        TestSubscriber<Integer> rx = MoiraiRx.toFlowable(forRx.receiver())
                .observeOn(MoiraiRx.scheduler(moirai))
                .doOnNext(x -> rxThreads.add(Thread.currentThread().getName()))
                .test();

        Thread producer = new Thread(() -> {
            for (int i = 0; i < N; i++) {
                send(forReactor, i);
                send(forRx, i);
            }
            forReactor.close();
            forRx.close();
        }, "producer");
        producer.start();

        assertThat(reactorDone.get(60, TimeUnit.SECONDS)).isEqualTo(N);
        rx.awaitDone(60, TimeUnit.SECONDS).assertNoErrors().assertComplete().assertValueCount(N);
        for (int i = 0; i < N; i++) {
            assertThat(rx.values().get(i)).isEqualTo(i);
        }
        producer.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(reactorThreads).isNotEmpty().allSatisfy(t -> assertThat(t).startsWith(PREFIX + "-worker-"));
        assertThat(rxThreads).isNotEmpty().allSatisfy(t -> assertThat(t).startsWith(PREFIX + "-worker-"));
    }

    private static void send(Channel<Integer> channel, int item) {
        if (!channel.trySend(item)) {
            channel.send(item).join();
        }
    }
}
