package io.moirai;

import static io.moirai.TestSupport.WAIT;
import static io.moirai.TestSupport.await;
import static io.moirai.TestSupport.eventually;
import static io.moirai.TestSupport.failureOf;
import static io.moirai.TestSupport.liveThreads;
import static io.moirai.TestSupport.uniquePrefix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moirai.net.TcpConnection;
import io.moirai.net.TcpListener;
import io.moirai.stream.Channel;
import io.moirai.stream.Streams;
import io.moirai.task.TaskHandle;
import io.moirai.task.TaskResult;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * Fault injection: user code and peers that misbehave in every way the runtime must survive. A task
 * throwing {@link StackOverflowError} or {@link OutOfMemoryError}, a subscriber throwing from
 * {@code onNext} or {@code onComplete}, a {@code parallelMap} mapper throwing, a blocking task that
 * ignores the interrupt of a shutdown, {@code shutdown} called from inside a task and from many
 * threads at once, and a TCP peer that resets the connection while the runtime writes to it.
 *
 * <p>Proves, in each case: the error reaches the right place (the failing task's handle, the
 * subscriber's {@code onError}, or {@link Moirai.Builder#droppedErrorHandler} when nobody else can
 * receive it) and nowhere else; no compute worker thread dies ({@link RuntimeMetrics#workerThreads()}
 * and the live worker threads stay at two, and new tasks still run on both); every other task running
 * alongside completes normally; shutdowns return in bounded time and leave no thread behind.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FaultInjectionTest {

    private static final int WORKERS = 2;

    private final List<Throwable> dropped = new CopyOnWriteArrayList<>();
    private String prefix;
    private Moirai moirai;

    @BeforeEach
    void start() {
        prefix = uniquePrefix("fault");
        moirai = Moirai.builder()
                .workerThreads(WORKERS)
                .threadNamePrefix(prefix)
                .droppedErrorHandler(dropped::add)
                .build();
    }

    @AfterEach
    void stop() {
        assertThat(moirai.shutdown(WAIT)).as("shutdown in time").isTrue();
        TestSupport.assertNoThreadsLeft(prefix);
    }

    // ------------------------------------------------------------------ tasks throwing Errors

    @Test
    void aTaskThrowingStackOverflowErrorFailsOnlyItsOwnHandle() throws Exception {
        List<TaskHandle<Integer>> others = background(200);
        TaskHandle<Integer> compute = moirai.spawn(() -> recurse(0));
        TaskHandle<Integer> blocking = moirai.spawnBlocking(() -> recurse(0));
        List<TaskHandle<Integer>> more = background(200);

        assertThat(failureOf(compute)).isInstanceOf(StackOverflowError.class);
        assertThat(failureOf(blocking)).isInstanceOf(StackOverflowError.class);
        assertThat(compute.tryJoin()).get().isInstanceOf(TaskResult.Failure.class);
        assertAllSucceed(others);
        assertAllSucceed(more);
        assertThat(dropped).isEmpty();
        assertRuntimeHealthy();
    }

    @Test
    void aTaskThrowingOutOfMemoryErrorFailsOnlyItsOwnHandle() throws Exception {
        OutOfMemoryError oome = new OutOfMemoryError("injected by the test");
        List<TaskHandle<Integer>> others = background(200);
        TaskHandle<Integer> compute = moirai.spawn(() -> {
            throw oome;
        });
        TaskHandle<Integer> blocking = moirai.spawnBlocking(() -> {
            throw oome;
        });
        TaskHandle<Integer> async = moirai.spawnAsync(() -> {
            throw oome;
        });
        TaskHandle<Integer> asyncStage = moirai.spawnAsync(() -> CompletableFuture.failedFuture(oome));
        TaskHandle<Integer> scheduled = moirai.schedule(Duration.ofMillis(1), () -> {
            throw oome;
        });

        assertThat(failureOf(compute)).isSameAs(oome);
        assertThat(failureOf(blocking)).isSameAs(oome);
        assertThat(failureOf(async)).isSameAs(oome);
        assertThat(failureOf(asyncStage)).isSameAs(oome);
        assertThat(failureOf(scheduled)).isSameAs(oome);
        // the future view reports the task's own error, unwrapped
        assertThat(compute.toCompletableFuture()).failsWithin(WAIT).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withCause(oome);
        assertAllSucceed(others);
        assertThat(dropped).isEmpty();
        assertRuntimeHealthy();
    }

    @Test
    void anErrorThrownByAnExecuteCommandGoesToTheDroppedErrorHandler() throws Exception {
        OutOfMemoryError oome = new OutOfMemoryError("injected by the test");
        List<TaskHandle<Integer>> others = background(100);
        moirai.execute(() -> {
            throw oome;
        });
        moirai.execute(() -> recurse(0));
        eventually(WAIT, () -> dropped.size() >= 2, () -> "dropped errors: " + dropped);
        assertThat(dropped).hasSize(2).contains(oome).anySatisfy(t -> assertThat(t).isInstanceOf(StackOverflowError.class));
        assertAllSucceed(others);
        assertRuntimeHealthy();
    }

    // ------------------------------------------------------------------ subscribers throwing

    @Test
    void aSubscriberThrowingFromOnNextOfATaskHandleIsReportedAndOthersStillReceive() throws Exception {
        TaskHandle<Integer> task = moirai.spawn(() -> 7);
        assertThat(task.join()).isEqualTo(7);
        IllegalStateException boom = new IllegalStateException("onNext boom");
        TestSubscriber<Integer> thrower = new TestSubscriber<Integer>(1).onNextDo((s, v) -> {
            throw boom;
        });
        TestSubscriber<Integer> errorThrower = new TestSubscriber<Integer>(1).onNextDo((s, v) -> {
            throw new OutOfMemoryError("injected onNext error");
        });
        TestSubscriber<Integer> healthy = new TestSubscriber<>(1);
        task.subscribe(thrower);
        task.subscribe(errorThrower);
        task.subscribe(healthy);

        healthy.awaitTerminal();
        assertThat(healthy.values()).containsExactly(7);
        assertThat(healthy.completions()).isEqualTo(1);
        // §2.13: the throwing subscriber is treated as cancelled: no onComplete after its onNext threw
        assertThat(thrower.values()).containsExactly(7);
        assertThat(thrower.isTerminated()).isFalse();
        assertThat(errorThrower.isTerminated()).isFalse();
        assertThat(dropped).hasSize(2).contains(boom).anySatisfy(t -> assertThat(t).isInstanceOf(OutOfMemoryError.class));
        assertThat(task.join()).isEqualTo(7);
        assertRuntimeHealthy();
    }

    @Test
    void aSubscriberThrowingFromOnNextWhileTheTaskCompletesIsReported() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        TaskHandle<Integer> task = moirai.spawnBlocking(() -> {
            release.await();
            return 8;
        });
        IllegalStateException boom = new IllegalStateException("onNext boom while completing");
        task.subscribe(new TestSubscriber<Integer>(1).onNextDo((s, v) -> {
            throw boom;
        }));
        release.countDown();
        assertThat(task.join()).isEqualTo(8);
        eventually(WAIT, () -> dropped.contains(boom), () -> "dropped: " + dropped);
        assertRuntimeHealthy();
    }

    @Test
    void aSubscriberThrowingFromOnCompleteIsReported() throws Exception {
        IllegalStateException boom = new IllegalStateException("onComplete boom");
        CountDownLatch completed = new CountDownLatch(2);
        Subscriber<Object> thrower = new Subscriber<>() {
            @Override
            public void onSubscribe(Subscription s) {
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(Object o) {}

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onComplete() {
                completed.countDown();
                throw boom;
            }
        };
        TaskHandle<Integer> task = moirai.spawn(() -> 1);
        task.subscribe(thrower);
        Streams.fromIterable(moirai, List.of(1, 2, 3)).subscribe(thrower);
        await(completed);
        eventually(WAIT, () -> dropped.size() >= 2, () -> "dropped: " + dropped);
        assertThat(dropped).containsOnly(boom);
        assertThat(task.join()).isEqualTo(1);
        assertRuntimeHealthy();
    }

    @Test
    void aChannelReceiverThrowingFromOnNextIsReportedAndTheChannelStopsTakingSends() throws Exception {
        Channel<Integer> channel = Channel.bounded(moirai, 2);
        IllegalStateException boom = new IllegalStateException("receiver boom");
        TestSubscriber<Integer> receiver = new TestSubscriber<Integer>(Long.MAX_VALUE).onNextDo((s, v) -> {
            if (v == 3) {
                throw boom;
            }
        });
        channel.receiver().subscribe(receiver);
        for (int i = 1; i <= 3; i++) {
            assertThat(channel.send(i).join(WAIT)).isNull();
        }
        eventually(WAIT, () -> dropped.contains(boom), () -> "dropped: " + dropped);
        eventually(WAIT, channel::isClosed, () -> "channel still open after its receiver threw");
        // the broken receiver is treated as cancelled: later sends are refused, and it hears nothing more
        assertThatThrownBy(() -> channel.trySend(4)).isInstanceOf(IllegalStateException.class);
        assertThat(failureOf(channel.send(5))).isInstanceOf(IllegalStateException.class);
        assertThat(receiver.values()).containsExactly(1, 2, 3);
        assertThat(receiver.isTerminated()).isFalse();
        assertThat(dropped).containsOnly(boom);
        assertRuntimeHealthy();
    }

    @Test
    void anIterableSubscriberThrowingFromOnNextStopsOnlyItsOwnStream() throws Exception {
        IllegalStateException boom = new IllegalStateException("iterable subscriber boom");
        List<Integer> items = IntStream.range(0, 5_000).boxed().toList();
        TestSubscriber<Integer> thrower = new TestSubscriber<Integer>(Long.MAX_VALUE).onNextDo((s, v) -> {
            if (v == 10) {
                throw boom;
            }
        });
        TestSubscriber<Integer> healthy = new TestSubscriber<>(Long.MAX_VALUE);
        Publisher<Integer> source = Streams.fromIterable(moirai, items);
        source.subscribe(thrower);
        source.subscribe(healthy);
        healthy.awaitTerminal();
        assertThat(healthy.values()).isEqualTo(items);
        eventually(WAIT, () -> dropped.contains(boom), () -> "dropped: " + dropped);
        assertThat(thrower.values()).containsExactlyElementsOf(items.subList(0, 11));
        assertThat(thrower.isTerminated()).isFalse();
        assertThat(thrower.violations()).isEmpty();
        assertRuntimeHealthy();
    }

    // ------------------------------------------------------------------ mapper throwing

    @Test
    void aThrowingParallelMapMapperReachesTheSubscriberAndCancelsTheSource() throws Exception {
        IllegalArgumentException boom = new IllegalArgumentException("mapper boom");
        AtomicBoolean sourceCancelled = new AtomicBoolean();
        Publisher<Integer> source = s -> Streams.fromIterable(moirai, IntStream.range(0, 100_000).boxed().toList())
                .subscribe(new Subscriber<Integer>() {
                    @Override
                    public void onSubscribe(Subscription sub) {
                        s.onSubscribe(new Subscription() {
                            @Override
                            public void request(long n) {
                                sub.request(n);
                            }

                            @Override
                            public void cancel() {
                                sourceCancelled.set(true);
                                sub.cancel();
                            }
                        });
                    }

                    @Override
                    public void onNext(Integer v) {
                        s.onNext(v);
                    }

                    @Override
                    public void onError(Throwable t) {
                        s.onError(t);
                    }

                    @Override
                    public void onComplete() {
                        s.onComplete();
                    }
                });
        TestSubscriber<Integer> sub = new TestSubscriber<>(Long.MAX_VALUE);
        Streams.parallelMap(moirai, source, v -> {
            if (v == 5_000) {
                throw boom;
            }
            return v * 2;
        }, 4).subscribe(sub);

        assertThat(sub.awaitError()).isSameAs(boom);
        assertThat(sub.completions()).isZero();
        assertThat(sub.violations()).isEmpty();
        List<Integer> values = sub.values();
        assertThat(values).hasSizeLessThanOrEqualTo(5_000);
        for (int i = 0; i < values.size(); i++) {
            assertThat(values.get(i)).isEqualTo(2 * i); // a prefix, in source order
        }
        eventually(WAIT, sourceCancelled::get, () -> "the source was not cancelled after the mapper threw");
        assertThat(dropped).isEmpty();
        assertRuntimeHealthy();
    }

    @Test
    void aParallelMapMapperThrowingAnErrorReachesTheSubscriber() throws Exception {
        TestSubscriber<Integer> sub = new TestSubscriber<>(Long.MAX_VALUE);
        Streams.parallelMap(moirai, Streams.fromIterable(moirai, List.of(1, 2, 3, 4)),
                v -> v == 3 ? recurse(0) : v, 2).subscribe(sub);
        assertThat(sub.awaitError()).isInstanceOf(StackOverflowError.class);
        assertThat(dropped).isEmpty();
        assertRuntimeHealthy();
    }

    // ------------------------------------------------------------------ shutdown faults

    @Test
    void aBlockingTaskIgnoringInterruptsCannotHangTheShutdown() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger interrupts = new AtomicInteger();
        TaskHandle<Integer> stubborn = moirai.spawnBlocking(() -> {
            started.countDown();
            for (;;) {
                try {
                    if (release.await(1, TimeUnit.HOURS)) {
                        return 1;
                    }
                } catch (InterruptedException ignored) {
                    interrupts.incrementAndGet(); // swallowed: the task goes on waiting
                }
            }
        });
        List<TaskHandle<Integer>> others = background(100);
        assertAllSucceed(others);
        await(started);
        try {
            long t0 = System.nanoTime();
            boolean inTime = moirai.shutdown(Duration.ofMillis(200));
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertThat(inTime).as("shutdown reports that a thread did not end").isFalse();
            assertThat(tookMillis).as("shutdown returned in bounded time").isLessThan(5_000);
            assertThat(stubborn.isCancelled()).isTrue();
            assertThatThrownBy(stubborn::join).isInstanceOf(CancellationException.class);
            assertThat(interrupts.get()).as("the stubborn task was interrupted").isPositive();
            // the compute workers ended regardless
            eventually(WAIT, () -> liveThreads(prefix + "-worker").isEmpty(), () -> "workers alive: " + liveThreads(prefix));
            assertThatThrownBy(() -> moirai.spawn(() -> 1)).isInstanceOf(RejectedExecutionException.class);
        } finally {
            release.countDown(); // the stubborn thread ends now; stop() then finds no thread left
        }
        assertThat(dropped).isEmpty();
    }

    @Test
    void shutdownCalledFromInsideAComputeTaskReturnsAndEndsTheRuntime() throws Exception {
        List<TaskHandle<Integer>> children = new CopyOnWriteArrayList<>();
        TaskHandle<Boolean> inside = moirai.spawn(() -> {
            for (int i = 0; i < 20; i++) {
                children.add(moirai.spawn(() -> 1)); // queued on this worker: run or cancelled, never lost
            }
            return moirai.shutdown(WAIT);
        });
        assertThat(inside.join(WAIT)).isTrue();
        assertThat(moirai.isShutdown()).isTrue();
        assertThat(children).hasSize(20);
        for (TaskHandle<Integer> c : children) {
            assertThat(finishedWithin(c)).as("child %s", c).isInstanceOfAny(TaskResult.Success.class, TaskResult.Cancelled.class);
        }
        // spawns are rejected from then on, on any thread
        assertThatThrownBy(() -> moirai.spawn(() -> 1)).isInstanceOf(RejectedExecutionException.class);
        TestSupport.assertNoThreadsLeft(prefix);
        assertThat(dropped).isEmpty();
    }

    @Test
    void shutdownCalledFromInsideABlockingTaskReturnsAndEndsTheRuntime() throws Exception {
        TaskHandle<Boolean> inside = moirai.spawnBlocking(() -> moirai.shutdown(WAIT));
        assertThat(inside.join(WAIT)).isTrue();
        assertThat(moirai.isShutdown()).isTrue();
        assertThatThrownBy(() -> moirai.spawnBlocking(() -> 1)).isInstanceOf(RejectedExecutionException.class);
        assertThat(dropped).isEmpty();
    }

    @Test
    void aTaskSpawningAfterTheShutdownItStartedFailsWithRejectedExecution() throws Exception {
        TaskHandle<Integer> inside = moirai.spawn(() -> {
            moirai.shutdown(Duration.ZERO);
            return moirai.spawn(() -> 1).join(); // rejected: the task fails with that exception
        });
        Optional<TaskResult<Integer>> r = Optional.of(finishedWithin(inside));
        assertThat(r.get()).isInstanceOfAny(TaskResult.Failure.class, TaskResult.Cancelled.class);
        if (r.get() instanceof TaskResult.Failure<Integer> f) {
            assertThat(f.error()).isInstanceOf(RejectedExecutionException.class);
        }
    }

    @Test
    void shutdownFromManyThreadsAtOnceWhileOthersSpawn() throws Exception {
        int spawners = 3;
        int closers = 5;
        ExecutorService pool = Executors.newFixedThreadPool(spawners + closers);
        List<TaskHandle<Integer>> handles = new CopyOnWriteArrayList<>();
        AtomicLong rejected = new AtomicLong();
        try {
            CyclicBarrier barrier = new CyclicBarrier(spawners + closers);
            List<Future<?>> spawning = new ArrayList<>();
            for (int i = 0; i < spawners; i++) {
                int kind = i;
                spawning.add(pool.submit(() -> {
                    barrier.await();
                    for (int n = 0; ; n++) {
                        try {
                            handles.add(switch (kind) {
                                case 0 -> moirai.spawn(() -> 1);
                                case 1 -> moirai.spawnBlocking(() -> 1);
                                default -> moirai.schedule(Duration.ofMillis(1), () -> 1);
                            });
                        } catch (RejectedExecutionException e) {
                            rejected.incrementAndGet();
                            return n;
                        }
                    }
                }));
            }
            List<Future<Boolean>> closing = new ArrayList<>();
            for (int i = 0; i < closers; i++) {
                closing.add(pool.submit(() -> {
                    barrier.await();
                    Thread.yield();
                    return moirai.shutdown(WAIT);
                }));
            }
            for (Future<Boolean> f : closing) {
                assertThat(f.get(WAIT.toSeconds() * 2, TimeUnit.SECONDS)).isTrue();
            }
            for (Future<?> f : spawning) {
                f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(rejected.get()).isEqualTo(spawners);
        for (TaskHandle<Integer> h : handles) {
            assertThat(finishedWithin(h)).isInstanceOfAny(TaskResult.Success.class, TaskResult.Cancelled.class);
        }
        TestSupport.assertNoThreadsLeft(prefix);
        assertThat(dropped).isEmpty();
    }

    // ------------------------------------------------------------------ a peer resetting mid-write

    @Test
    void aPeerResettingTheConnectionMidWriteFailsTheOutboundHandleAndTheInboundSubscriber() throws Exception {
        try (TcpListener listener = TcpListener.bind(moirai, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            AcceptOne accepted = new AcceptOne();
            listener.connections().subscribe(accepted);
            Socket peer = new Socket();
            peer.setReceiveBufferSize(16 * 1024);
            peer.connect(listener.localAddress());
            TcpConnection server = accepted.connection.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            TestSubscriber<ByteBuffer> inbound = new TestSubscriber<>(Long.MAX_VALUE);
            server.inbound().subscribe(inbound);
            EndlessBytes data = new EndlessBytes();
            TaskHandle<Void> out = server.outbound(data);
            List<TaskHandle<Integer>> others = background(200);

            // mid-write: the peer reads a part of the endless stream, then resets (SO_LINGER 0)
            InputStream in = peer.getInputStream();
            byte[] some = in.readNBytes(256 * 1024);
            assertThat(some).hasSize(256 * 1024);
            assertThat(data.emitted.get()).isGreaterThanOrEqualTo(4);
            peer.setSoLinger(true, 0);
            peer.close();

            assertThat(failureOf(out)).isInstanceOf(IOException.class);
            assertThat(inbound.awaitError()).isInstanceOf(IOException.class);
            assertThat(inbound.violations()).isEmpty();
            eventually(WAIT, () -> !server.isOpen(), () -> "connection still open after the reset");
            eventually(WAIT, data.cancelled::get, () -> "the outbound data was not cancelled after the reset");
            assertAllSucceed(others);

            // the runtime and the listener still serve a new connection
            try (Socket second = new Socket()) {
                second.connect(listener.localAddress());
                // connections() is unicast: the first subscriber requests one more
                accepted.requestNext();
                TcpConnection conn = accepted.nextConnection().get(WAIT.toSeconds(), TimeUnit.SECONDS);
                TaskHandle<Void> hello = conn.outbound(s -> {
                    s.onSubscribe(new Subscription() {
                        boolean sent;

                        @Override
                        public void request(long n) {
                            if (!sent) {
                                sent = true;
                                s.onNext(ByteBuffer.wrap("still here".getBytes(StandardCharsets.US_ASCII)));
                                s.onComplete();
                            }
                        }

                        @Override
                        public void cancel() {}
                    });
                });
                assertThat(new String(second.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("still here");
                assertThat(hello.join(WAIT)).isNull();
                conn.close();
            }
        }
        assertThat(dropped).isEmpty();
        assertRuntimeHealthy();
    }

    // ------------------------------------------------------------------ helpers

    /** Recursion without end: throws {@link StackOverflowError}. */
    private static int recurse(int depth) {
        return recurse(depth + 1) + 1;
    }

    /** Spawns {@code n} ordinary compute tasks that must all succeed whatever else happens. */
    private List<TaskHandle<Integer>> background(int n) {
        List<TaskHandle<Integer>> handles = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int v = i;
            handles.add(moirai.spawn(() -> v));
        }
        return handles;
    }

    private static void assertAllSucceed(List<TaskHandle<Integer>> handles) {
        for (int i = 0; i < handles.size(); i++) {
            try {
                assertThat(handles.get(i).join(WAIT)).isEqualTo(i);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError("background task " + i + " did not finish", e);
            }
        }
    }

    /** @return the outcome of a handle that must finish within {@link TestSupport#WAIT} */
    private static <T> TaskResult<T> finishedWithin(TaskHandle<T> h) {
        try {
            h.join(WAIT);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("handle did not finish: " + h, e);
        } catch (RuntimeException expected) {
            // failed or cancelled: read below
        }
        return h.tryJoin().orElseThrow();
    }

    /**
     * No worker died: both worker threads are alive, the metrics still count two, and a burst of new
     * tasks (enough to wake and keep both workers busy) runs to completion, as does a blocking task.
     */
    private void assertRuntimeHealthy() {
        assertThat(moirai.metrics().workerThreads()).isEqualTo(WORKERS);
        assertThat(liveThreads(prefix + "-worker")).as("live worker threads").hasSize(WORKERS);
        List<TaskHandle<Integer>> burst = background(1_000);
        assertAllSucceed(burst);
        try {
            assertThat(moirai.spawnBlocking(() -> 5).join(WAIT)).isEqualTo(5);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("blocking task did not finish", e);
        }
        assertThat(liveThreads(prefix + "-worker")).as("live worker threads after the burst").hasSize(WORKERS);
    }

    /** Accepts connections one request at a time and hands them out through futures. */
    private static final class AcceptOne implements Subscriber<TcpConnection> {
        final CompletableFuture<TcpConnection> connection = new CompletableFuture<>();
        private volatile CompletableFuture<TcpConnection> next = connection;
        private volatile Subscription subscription;

        @Override
        public void onSubscribe(Subscription s) {
            subscription = s;
            s.request(1);
        }

        @Override
        public void onNext(TcpConnection c) {
            next.complete(c);
        }

        @Override
        public void onError(Throwable t) {
            next.completeExceptionally(t);
        }

        @Override
        public void onComplete() {}

        void requestNext() {
            next = new CompletableFuture<>();
            subscription.request(1);
        }

        CompletableFuture<TcpConnection> nextConnection() {
            return next;
        }
    }

    /** An endless publisher of fresh 64 KiB buffers, emitting only what is requested, never recursing. */
    private static final class EndlessBytes implements Publisher<ByteBuffer> {
        final AtomicBoolean cancelled = new AtomicBoolean();
        final AtomicLong emitted = new AtomicLong();

        @Override
        public void subscribe(Subscriber<? super ByteBuffer> s) {
            AtomicLong requested = new AtomicLong();
            AtomicInteger wip = new AtomicInteger();
            s.onSubscribe(new Subscription() {
                @Override
                public void request(long n) {
                    requested.getAndAccumulate(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
                    if (wip.getAndIncrement() != 0) {
                        return;
                    }
                    int missed = 1;
                    do {
                        while (requested.get() > 0 && !cancelled.get()) {
                            requested.decrementAndGet();
                            emitted.incrementAndGet();
                            s.onNext(ByteBuffer.allocate(64 * 1024));
                        }
                        missed = wip.addAndGet(-missed);
                    } while (missed != 0);
                }

                @Override
                public void cancel() {
                    cancelled.set(true);
                }
            });
        }
    }
}
