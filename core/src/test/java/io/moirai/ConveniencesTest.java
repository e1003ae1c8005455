package io.moirai;

import static io.moirai.TestSupport.WAIT;
import static io.moirai.TestSupport.failureOf;
import static io.moirai.TestSupport.uniquePrefix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moirai.net.TcpConnection;
import io.moirai.net.TcpListener;
import io.moirai.stream.Streams;
import io.moirai.task.TaskHandle;
import io.moirai.task.TaskResult;
import java.io.IOException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a new user reaches for: {@code spawn(Runnable)}, {@code fromCompletionStage},
 * {@code tryJoin(Duration)}, {@code Streams.of}/{@code bytes}, {@code TcpListener.bind(moirai, port)},
 * {@code TcpConnection.connect(moirai, host, port)} and {@code TcpListener.onClose()}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ConveniencesTest {

    private Moirai moirai;

    @BeforeEach
    void start() {
        moirai = Moirai.builder().workerThreads(2).threadNamePrefix(uniquePrefix("conv")).build();
    }

    @AfterEach
    void stop() {
        moirai.close();
    }

    @Test
    void spawnRunnableRunsItAndCompletesWithNull() {
        AtomicReference<String> ran = new AtomicReference<>();
        TaskHandle<Void> h = moirai.spawn(() -> ran.set(Thread.currentThread().getName()));
        assertThat(h.join()).isNull();
        assertThat(ran.get()).startsWith(moirai.toString().substring(7, 11));
        TaskHandle<Void> failing = moirai.spawn((Runnable) () -> {
            throw new IllegalStateException("boom");
        });
        assertThat(failureOf(failing)).hasMessage("boom");
        assertThatThrownBy(() -> moirai.spawn((Runnable) null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("task");
    }

    @Test
    void aStageIsAdoptedWithItsValueItsNullOrItsError() {
        CompletableFuture<String> later = new CompletableFuture<>();
        TaskHandle<String> h = moirai.fromCompletionStage(later);
        assertThat(h.tryJoin()).isEmpty();
        later.complete("v");
        assertThat(h.join()).isEqualTo("v");

        assertThat(moirai.fromCompletionStage(CompletableFuture.completedFuture(null)).join()).isNull();

        CompletableFuture<String> failing = CompletableFuture.supplyAsync(() -> {
            throw new IllegalArgumentException("bad");
        });
        assertThat(failureOf(moirai.fromCompletionStage(failing))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("bad"); // unwrapped from CompletionException
        assertThatThrownBy(() -> moirai.fromCompletionStage(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("stage");
    }

    @Test
    void cancellingTheHandleCancelsTheFutureAndACancelledFutureCancelsTheHandle() throws Exception {
        CompletableFuture<String> pending = new CompletableFuture<>();
        TaskHandle<String> h = moirai.fromCompletionStage(pending);
        assertThat(h.cancel()).isTrue();
        TestSupport.eventually(WAIT, pending::isCancelled, () -> "the adopted future was not cancelled");

        CompletableFuture<String> other = new CompletableFuture<>();
        TaskHandle<String> h2 = moirai.fromCompletionStage(other);
        other.cancel(false);
        assertThatThrownBy(h2::join).isInstanceOf(CancellationException.class);
        assertThat(h2.isCancelled()).isTrue();
    }

    @Test
    void aShutdownCancelsAnAdoptedStageAndRefusesNewOnes() {
        CompletableFuture<String> pending = new CompletableFuture<>();
        TaskHandle<String> h = moirai.fromCompletionStage(pending);
        moirai.shutdown(WAIT);
        assertThat(h.isCancelled()).isTrue();
        assertThat(pending.isCancelled()).isTrue();
        assertThatThrownBy(() -> moirai.fromCompletionStage(new CompletableFuture<>()))
                .isInstanceOf(RejectedExecutionException.class);
    }

    @Test
    void tryJoinWithATimeoutReturnsTheOutcomeOrEmptyAndNeverThrowsForIt() {
        CompletableFuture<String> never = new CompletableFuture<>();
        TaskHandle<String> pending = moirai.fromCompletionStage(never);
        assertThat(pending.tryJoin(Duration.ofMillis(20))).isEmpty();
        assertThat(pending.tryJoin(Duration.ZERO)).isEmpty();

        assertThat(moirai.spawn(() -> 42).tryJoin(WAIT)).contains(new TaskResult.Success<>(42));
        Optional<TaskResult<Object>> failed = moirai.spawn(() -> {
            throw new IOException("io");
        }).tryJoin(WAIT);
        assertThat(failed).hasValueSatisfying(r -> assertThat(r).isInstanceOf(TaskResult.Failure.class));
        pending.cancel();
        assertThat(pending.tryJoin(WAIT)).hasValueSatisfying(r -> assertThat(r).isInstanceOf(TaskResult.Cancelled.class));

        // usable in a lambda: no checked exception
        List<Optional<TaskResult<Integer>>> outcomes = new ArrayList<>();
        List.of(1, 2).forEach(i -> outcomes.add(moirai.spawn(() -> i).tryJoin(WAIT)));
        assertThat(outcomes).hasSize(2).allMatch(Optional::isPresent);

        assertThatThrownBy(() -> pending.tryJoin(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> pending.tryJoin(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PT-0.001S");
    }

    @Test
    void smallStreamsOfItemsAndOfBytes() {
        TestSubscriber<String> items = new TestSubscriber<>(Long.MAX_VALUE);
        Streams.of(moirai, "a", "b", "c").subscribe(items);
        assertThat(items.awaitTerminal().values()).containsExactly("a", "b", "c");
        assertThat(items.completions()).isEqualTo(1);
        assertThatThrownBy(() -> Streams.of(moirai, "a", null)).isInstanceOf(NullPointerException.class);

        byte[] source = {1, 2, 3};
        var bytes = Streams.bytes(moirai, source);
        source[0] = 9; // copied at the call
        for (int i = 0; i < 2; i++) { // each subscriber gets a buffer of its own
            TestSubscriber<ByteBuffer> s = new TestSubscriber<>(Long.MAX_VALUE);
            bytes.subscribe(s);
            ByteBuffer b = s.awaitTerminal().values().get(0);
            byte[] got = new byte[b.remaining()];
            b.get(got); // moves this buffer's position only
            assertThat(got).containsExactly(1, 2, 3);
        }
        TestSubscriber<ByteBuffer> text = new TestSubscriber<>(Long.MAX_VALUE);
        Streams.bytes(moirai, "héllo").subscribe(text);
        ByteBuffer t = text.awaitTerminal().values().get(0);
        assertThat(StandardCharsets.UTF_8.decode(t).toString()).isEqualTo("héllo");
        assertThatThrownBy(() -> Streams.bytes(moirai, (String) null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("text");
    }

    @Test
    void bindByPortAndConnectByHostName() throws Exception {
        try (TcpListener listener = TcpListener.bind(moirai, 0)) {
            int port = listener.localAddress().getPort();
            assertThat(port).isPositive();
            listener.connections().subscribe(new org.reactivestreams.Subscriber<>() {
                @Override
                public void onSubscribe(org.reactivestreams.Subscription s) {
                    s.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(TcpConnection c) {
                    c.outbound(c.inbound());
                }

                @Override
                public void onError(Throwable t) {}

                @Override
                public void onComplete() {}
            });
            TcpConnection client = TcpConnection.connect(moirai, "localhost", port).join(WAIT);
            TestSubscriber<ByteBuffer> echo = new TestSubscriber<>(Long.MAX_VALUE);
            client.inbound().subscribe(echo);
            client.outbound(Streams.bytes(moirai, "ping")).join(WAIT);
            echo.awaitTerminal();
            StringBuilder got = new StringBuilder();
            echo.values().forEach(b -> got.append(StandardCharsets.UTF_8.decode(b)));
            assertThat(got).hasToString("ping");
            client.close();
        }
    }

    @Test
    void anUnknownHostFailsTheHandleWithItsName() {
        Throwable e = failureOf(TcpConnection.connect(moirai, "nosuch.invalid", 80));
        assertThat(e).isInstanceOf(UnknownHostException.class).hasMessageContaining("nosuch.invalid");
        Throwable viaAddress = failureOf(TcpConnection.connect(moirai,
                java.net.InetSocketAddress.createUnresolved("nosuch.invalid", 80)));
        assertThat(viaAddress).isInstanceOf(UnknownHostException.class).hasMessageContaining("nosuch.invalid");
    }

    @Test
    void portsOutOfRangeAreRefusedNamingTheValue() {
        assertThatThrownBy(() -> TcpListener.bind(moirai, 70000)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("70000");
        assertThatThrownBy(() -> TcpConnection.connect(moirai, "localhost", -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
        assertThatThrownBy(() -> TcpConnection.connect(moirai, null, 1)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("host");
    }

    @Test
    void onCloseCompletesWhenTheListenerClosesAndIsCancelledByAShutdown() throws Exception {
        TcpListener closedByUser = TcpListener.bind(moirai, 0);
        TaskHandle<Void> end = closedByUser.onClose();
        assertThat(end).isSameAs(closedByUser.onClose());
        CountDownLatch waiting = new CountDownLatch(1);
        CompletableFuture<Void> server = CompletableFuture.runAsync(() -> {
            waiting.countDown();
            end.join(); // what a server's main does
        });
        TestSupport.await(waiting);
        assertThat(end.isFinished()).isFalse();
        closedByUser.close();
        server.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(end.join()).isNull();

        TcpListener endedByShutdown = TcpListener.bind(moirai, 0);
        moirai.shutdown(WAIT);
        assertThatThrownBy(() -> endedByShutdown.onClose().join(WAIT)).isInstanceOf(CancellationException.class);
    }

    @Test
    void aCompletionExceptionWithoutCauseIsKept() {
        CompletableFuture<String> f = new CompletableFuture<>();
        f.completeExceptionally(new CompletionException("no cause", null));
        assertThat(failureOf(moirai.fromCompletionStage(f))).isInstanceOf(CompletionException.class);
    }
}
