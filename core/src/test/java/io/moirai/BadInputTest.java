package io.moirai;

import static io.moirai.TestSupport.WAIT;
import static io.moirai.TestSupport.uniquePrefix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.moirai.net.TcpConnection;
import io.moirai.net.TcpListener;
import io.moirai.stream.Channel;
import io.moirai.stream.Streams;
import io.moirai.task.TaskFailedException;
import io.moirai.task.TaskHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * Bad input, all at once: one table row per public method of core and per kind of bad argument
 * (null, zero, negative, too large, a closed channel, listener or connection, a shut-down runtime),
 * each naming the exception DESIGN.md prescribes: {@link NullPointerException} whose message names
 * the parameter, {@link IllegalArgumentException} whose message names the rejected value (or §3.9
 * and the value, signalled through {@code onError}, for {@code request(n <= 0)}),
 * {@link RejectedExecutionException} after shutdown (null checks still come first), and
 * {@link IllegalStateException} for closed channels, listeners and connections (thrown, signalled to
 * a subscriber, or failing the returned handle). Errors that the API delivers asynchronously (a
 * subscriber's {@code onError}, a failed handle) are awaited and checked the same way as thrown ones.
 *
 * <p>Proves also that none of this hurts the runtime: the last row checks that the runtime every other
 * row abused still runs tasks, timers, channels and sockets, with both workers alive and no error
 * dropped.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BadInputTest {

    private static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private static final Callable<Integer> TASK = () -> 1;
    private static final Duration NEGATIVE = Duration.ofMillis(-5);
    private static final List<Throwable> DROPPED = new CopyOnWriteArrayList<>();

    private static String livePrefix;
    private static String deadPrefix;
    private static Moirai live;
    private static Moirai dead;
    private static TcpListener listener;
    private static TcpConnection client;
    private static TcpConnection server;

    /** One row: the call, the bad argument's kind, and what DESIGN.md says must come out. */
    record Row(String call, Executable action, Class<? extends Throwable> expected, String messagePart) {}

    @BeforeAll
    static void start() throws Exception {
        livePrefix = uniquePrefix("bad-live");
        deadPrefix = uniquePrefix("bad-dead");
        live = Moirai.builder().workerThreads(2).threadNamePrefix(livePrefix).droppedErrorHandler(DROPPED::add).build();
        dead = Moirai.builder().workerThreads(1).threadNamePrefix(deadPrefix).droppedErrorHandler(DROPPED::add).build();
        assertThat(dead.shutdown(WAIT)).isTrue();
        listener = TcpListener.bind(live, LOOPBACK);
        Accepted accepted = new Accepted();
        listener.connections().subscribe(accepted);
        client = TcpConnection.connect(live, listener.localAddress()).join(WAIT);
        server = accepted.queue.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(server).as("accepted connection").isNotNull();
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
        if (listener != null) {
            listener.close();
        }
        assertThat(live.shutdown(WAIT)).isTrue();
        TestSupport.assertNoThreadsLeft(livePrefix);
        TestSupport.assertNoThreadsLeft(deadPrefix);
    }

    @TestFactory
    Stream<DynamicTest> everyPublicMethodRejectsBadInputAsDesignMdSays() {
        List<Row> rows = new ArrayList<>();
        moiraiRows(rows);
        builderRows(rows);
        taskHandleRows(rows);
        shutDownRuntimeRows(rows);
        channelRows(rows);
        streamsRows(rows);
        netRows(rows);
        Stream<DynamicTest> table = rows.stream().map(r -> dynamicTest(
                r.call() + " -> " + r.expected().getSimpleName() + (r.messagePart() == null ? "" : " naming '" + r.messagePart() + "'"),
                () -> check(r)));
        return Stream.concat(table, Stream.of(dynamicTest("afterwards the runtime still works", BadInputTest::runtimeStillWorks)));
    }

    private static void check(Row r) {
        Throwable t = catchThrowable(r.action()::execute);
        assertThat(t).as(r.call()).isInstanceOf(r.expected());
        if (r.messagePart() != null) {
            assertThat(t).as(r.call()).hasMessageContaining(r.messagePart());
        }
    }

    // ------------------------------------------------------------------ the table

    private static void moiraiRows(List<Row> rows) {
        rows.add(npe("Moirai.spawn(null)", () -> live.spawn((Callable<Object>) null), "task"));
        rows.add(npe("Moirai.spawn((Runnable) null)", () -> live.spawn((Runnable) null), "task"));
        rows.add(npe("Moirai.fromCompletionStage(null)", () -> live.fromCompletionStage(null), "stage"));
        rows.add(npe("Moirai.spawnBlocking(null)", () -> live.spawnBlocking(null), "task"));
        rows.add(npe("Moirai.spawnAsync(null)", () -> live.spawnAsync(null), "task"));
        rows.add(npe("Moirai.delay(null)", () -> live.delay(null), "delay"));
        rows.add(iae("Moirai.delay(0)", () -> live.delay(Duration.ZERO), Duration.ZERO.toString()));
        rows.add(iae("Moirai.delay(-5 ms)", () -> live.delay(NEGATIVE), NEGATIVE.toString()));
        rows.add(npe("Moirai.schedule(null, task)", () -> live.schedule(null, TASK), "delay"));
        rows.add(npe("Moirai.schedule(1 ms, null)", () -> live.schedule(Duration.ofMillis(1), null), "task"));
        rows.add(iae("Moirai.schedule(0, task)", () -> live.schedule(Duration.ZERO, TASK), Duration.ZERO.toString()));
        rows.add(iae("Moirai.schedule(-5 ms, task)", () -> live.schedule(NEGATIVE, TASK), NEGATIVE.toString()));
        rows.add(npe("Moirai.interval(null)", () -> live.interval(null), "period"));
        rows.add(iae("Moirai.interval(0)", () -> live.interval(Duration.ZERO), Duration.ZERO.toString()));
        rows.add(iae("Moirai.interval(-5 ms)", () -> live.interval(NEGATIVE), NEGATIVE.toString()));
        rows.add(npe("Moirai.execute(null)", () -> live.execute(null), "command"));
        rows.add(npe("Moirai.shutdown(null)", () -> live.shutdown(null), "timeout"));
        rows.add(iae("Moirai.shutdown(-5 ms)", () -> live.shutdown(NEGATIVE), NEGATIVE.toString()));
        rows.add(npe("Moirai.isComputeThread(null)", () -> Moirai.isComputeThread(null), "thread"));
        rows.add(npe("Moirai.interval(1 ms).subscribe(null)", () -> live.interval(Duration.ofMillis(1)).subscribe(null), "subscriber"));
        rows.add(iae("Moirai.interval(1 ms): request(0)", () -> signalled(live.interval(Duration.ofMillis(1)), 0), "§3.9"));
        rows.add(iae("Moirai.interval(1 ms): request(-1)", () -> signalled(live.interval(Duration.ofMillis(1)), -1), "-1"));
    }

    private static void builderRows(List<Row> rows) {
        rows.add(iae("Builder.workerThreads(0)", () -> Moirai.builder().workerThreads(0), "0"));
        rows.add(iae("Builder.workerThreads(-1)", () -> Moirai.builder().workerThreads(-1), "-1"));
        rows.add(iae("Builder.workerThreads(32768)", () -> Moirai.builder().workerThreads(32_768), "32768"));
        rows.add(iae("Builder.maxBlockingThreads(0)", () -> Moirai.builder().maxBlockingThreads(0), "0"));
        rows.add(iae("Builder.maxBlockingThreads(-3)", () -> Moirai.builder().maxBlockingThreads(-3), "-3"));
        rows.add(npe("Builder.blockingKeepAlive(null)", () -> Moirai.builder().blockingKeepAlive(null), "blockingKeepAlive"));
        rows.add(iae("Builder.blockingKeepAlive(0)", () -> Moirai.builder().blockingKeepAlive(Duration.ZERO), Duration.ZERO.toString()));
        rows.add(iae("Builder.blockingKeepAlive(-5 ms)", () -> Moirai.builder().blockingKeepAlive(NEGATIVE), NEGATIVE.toString()));
        rows.add(iae("Builder.ioThreads(0)", () -> Moirai.builder().ioThreads(0), "0"));
        rows.add(iae("Builder.ioThreads(-2)", () -> Moirai.builder().ioThreads(-2), "-2"));
        rows.add(iae("Builder.ioBuffers(0)", () -> Moirai.builder().ioBuffers(0), "0"));
        rows.add(npe("Builder.threadNamePrefix(null)", () -> Moirai.builder().threadNamePrefix(null), "prefix"));
        rows.add(iae("Builder.threadNamePrefix(\"\")", () -> Moirai.builder().threadNamePrefix(""), "blank"));
        rows.add(iae("Builder.threadNamePrefix(\"  \")", () -> Moirai.builder().threadNamePrefix("  "), "blank"));
        rows.add(npe("Builder.threadFactory(null)", () -> Moirai.builder().threadFactory(null), "threadFactory"));
        rows.add(npe("Builder.blockingThreadFactory(null)", () -> Moirai.builder().blockingThreadFactory(null), "blockingThreadFactory"));
        rows.add(npe("Builder.taskDecorator(null)", () -> Moirai.builder().taskDecorator(null), "taskDecorator"));
        rows.add(npe("Builder.shutdownTimeout(null)", () -> Moirai.builder().shutdownTimeout(null), "shutdownTimeout"));
        rows.add(iae("Builder.shutdownTimeout(-5 ms)", () -> Moirai.builder().shutdownTimeout(NEGATIVE), NEGATIVE.toString()));
        rows.add(npe("Builder.droppedErrorHandler(null)", () -> Moirai.builder().droppedErrorHandler(null), "handler"));
    }

    private static void taskHandleRows(List<Row> rows) {
        rows.add(npe("TaskHandle.join(null)", () -> live.spawn(TASK).join(null), "timeout"));
        rows.add(iae("TaskHandle.join(-5 ms)", () -> live.spawn(TASK).join(NEGATIVE), NEGATIVE.toString()));
        rows.add(npe("TaskHandle.subscribe(null)", () -> live.spawn(TASK).subscribe(null), "subscriber"));
        rows.add(iae("TaskHandle: request(0)", () -> signalled(live.spawn(TASK), 0), "§3.9"));
        rows.add(iae("TaskHandle: request(-1)", () -> signalled(live.spawn(TASK), -1), "-1"));
        rows.add(iae("TaskHandle: request(Long.MIN_VALUE)", () -> signalled(live.spawn(TASK), Long.MIN_VALUE),
                String.valueOf(Long.MIN_VALUE)));
    }

    private static void shutDownRuntimeRows(List<Row> rows) {
        rows.add(ree("shut down: Moirai.spawn", () -> dead.spawn(TASK)));
        rows.add(ree("shut down: Moirai.spawnBlocking", () -> dead.spawnBlocking(TASK)));
        rows.add(ree("shut down: Moirai.spawnAsync", () -> dead.spawnAsync(() -> CompletableFuture.completedFuture(1))));
        rows.add(ree("shut down: Moirai.delay", () -> dead.delay(Duration.ofMillis(1))));
        rows.add(ree("shut down: Moirai.schedule", () -> dead.schedule(Duration.ofMillis(1), TASK)));
        rows.add(ree("shut down: Moirai.interval", () -> dead.interval(Duration.ofMillis(1))));
        rows.add(ree("shut down: Moirai.execute", () -> dead.execute(() -> { })));
        rows.add(npe("shut down: Moirai.spawn(null) checks the argument first", () -> dead.spawn((Callable<Object>) null), "task"));
        rows.add(iae("shut down: Moirai.delay(0) checks the argument first", () -> dead.delay(Duration.ZERO), Duration.ZERO.toString()));
        rows.add(ree("shut down: Channel.bounded", () -> Channel.bounded(dead, 1)));
        rows.add(ree("shut down: Streams.fromIterable(..).subscribe -> onError", () -> signalled(Streams.fromIterable(dead, List.of(1)), 1)));
        rows.add(ree("shut down: Streams.parallelMap(..).subscribe -> onError",
                () -> signalled(Streams.parallelMap(dead, Streams.fromIterable(live, List.of(1)), Function.identity(), 1), 1)));
        rows.add(ree("shut down: TcpListener.bind", () -> TcpListener.bind(dead, LOOPBACK)));
        rows.add(ree("shut down: TcpConnection.connect", () -> TcpConnection.connect(dead, listener.localAddress())));
    }

    private static void channelRows(List<Row> rows) {
        rows.add(npe("Channel.bounded(null, 1)", () -> Channel.bounded(null, 1), "moirai"));
        rows.add(iae("Channel.bounded(moirai, 0)", () -> Channel.bounded(live, 0), "0"));
        rows.add(iae("Channel.bounded(moirai, -2)", () -> Channel.bounded(live, -2), "-2"));
        rows.add(npe("Channel.trySend(null)", () -> Channel.bounded(live, 1).trySend(null), "item"));
        rows.add(npe("Channel.send(null)", () -> Channel.bounded(live, 1).send(null), "item"));
        rows.add(npe("Channel.fail(null)", () -> Channel.bounded(live, 1).fail(null), "error"));
        rows.add(npe("Channel.receiver().subscribe(null)", () -> Channel.bounded(live, 1).receiver().subscribe(null), "subscriber"));
        rows.add(iae("Channel.receiver(): request(0)", () -> signalled(Channel.bounded(live, 1).receiver(), 0), "§3.9"));
        rows.add(iae("Channel.receiver(): request(-4)", () -> signalled(Channel.bounded(live, 1).receiver(), -4), "-4"));
        rows.add(ise("Channel.receiver(): a second subscriber -> onError", () -> {
            Channel<Integer> c = Channel.bounded(live, 1);
            c.receiver().subscribe(new TestSubscriber<>());
            signalled(c.receiver(), 1);
        }));
        rows.add(npe("Channel.asSubscriber().onSubscribe(null)", () -> Channel.bounded(live, 1).asSubscriber().onSubscribe(null), "§2.13"));
        rows.add(npe("Channel.asSubscriber().onNext(null)", () -> Channel.bounded(live, 1).asSubscriber().onNext(null), "§2.13"));
        rows.add(npe("Channel.asSubscriber().onError(null)", () -> Channel.bounded(live, 1).asSubscriber().onError(null), "§2.13"));
        rows.add(ise("closed: Channel.trySend", () -> closedChannel().trySend(1)));
        rows.add(ise("closed: Channel.send -> the handle fails", () -> failure(closedChannel().send(1))));
        rows.add(ise("failed: Channel.trySend", () -> {
            Channel<Integer> c = Channel.bounded(live, 1);
            c.fail(new RuntimeException("ended"));
            c.trySend(1);
        }));
        rows.add(ise("receiver cancelled: Channel.trySend", () -> {
            Channel<Integer> c = Channel.bounded(live, 1);
            TestSubscriber<Integer> s = new TestSubscriber<>();
            c.receiver().subscribe(s);
            s.cancel();
            TestSupport.eventually(WAIT, c::isClosed, () -> "channel not closed after its receiver cancelled");
            c.trySend(1);
        }));
    }

    private static void streamsRows(List<Row> rows) {
        Publisher<Integer> src = Streams.fromIterable(live, List.of(1, 2, 3));
        rows.add(npe("Streams.fromIterable(null, items)", () -> Streams.fromIterable(null, List.of()), "moirai"));
        rows.add(npe("Streams.fromIterable(moirai, null)", () -> Streams.fromIterable(live, null), "items"));
        rows.add(npe("Streams.fromIterable(..).subscribe(null)", () -> src.subscribe(null), "subscriber"));
        rows.add(iae("Streams.fromIterable(..): request(0)", () -> signalled(src, 0), "§3.9"));
        rows.add(iae("Streams.fromIterable(..): request(-7)", () -> signalled(src, -7), "-7"));
        rows.add(npe("Streams.parallelMap(null, ..)", () -> Streams.parallelMap(null, src, Function.identity(), 1), "moirai"));
        rows.add(npe("Streams.parallelMap(.., null source, ..)", () -> Streams.parallelMap(live, null, Function.identity(), 1), "source"));
        rows.add(npe("Streams.parallelMap(.., null mapper, ..)", () -> Streams.parallelMap(live, src, null, 1), "mapper"));
        rows.add(iae("Streams.parallelMap(.., parallelism 0)", () -> Streams.parallelMap(live, src, Function.identity(), 0), "0"));
        rows.add(iae("Streams.parallelMap(.., parallelism -1)", () -> Streams.parallelMap(live, src, Function.identity(), -1), "-1"));
        rows.add(npe("Streams.parallelMap(..).subscribe(null)", () -> Streams.parallelMap(live, src, Function.identity(), 1).subscribe(null), "subscriber"));
        rows.add(iae("Streams.parallelMap(..): request(0)", () -> signalled(Streams.parallelMap(live, src, Function.identity(), 1), 0), "§3.9"));
        rows.add(iae("Streams.parallelMap(..): request(-2)", () -> signalled(Streams.parallelMap(live, src, Function.identity(), 1), -2), "-2"));
    }

    private static void netRows(List<Row> rows) {
        rows.add(npe("TcpListener.bind(null, address)", () -> TcpListener.bind(null, LOOPBACK), "moirai"));
        rows.add(npe("TcpListener.bind(moirai, null)", () -> TcpListener.bind(live, null), "address"));
        rows.add(npe("TcpListener.connections().subscribe(null)", () -> listener.connections().subscribe(null), "subscriber"));
        rows.add(ise("TcpListener.connections(): a second subscriber -> onError", () -> signalled(listener.connections(), 1)));
        rows.add(ise("closed: TcpListener.connections().subscribe -> onError", () -> {
            TcpListener l = TcpListener.bind(live, LOOPBACK);
            l.close();
            signalled(l.connections(), 1);
        }));
        rows.add(iae("TcpListener.connections(): request(0)", () -> {
            try (TcpListener l = TcpListener.bind(live, LOOPBACK)) {
                signalled(l.connections(), 0);
            }
        }, "§3.9"));
        rows.add(npe("TcpConnection.connect(null, address)", () -> TcpConnection.connect(null, LOOPBACK), "moirai"));
        rows.add(npe("TcpConnection.connect(moirai, null)", () -> TcpConnection.connect(live, null), "address"));
        rows.add(iae("TcpConnection.inbound(0)", () -> client.inbound(0), "0"));
        rows.add(iae("TcpConnection.inbound(-1)", () -> client.inbound(-1), "-1"));
        rows.add(npe("TcpConnection.outbound(null)", () -> client.outbound(null), "data"));
        rows.add(iae("TcpConnection.receive(0)", () -> client.receive(0), "0"));
        rows.add(npe("TcpConnection.send(null)", () -> client.send(null), "data"));
        rows.add(npe("NetBuffer.wrap(null)", () -> io.moirai.net.NetBuffer.wrap(null), "data"));
        rows.add(npe("TcpConnection.inbound().subscribe(null)", () -> client.inbound().subscribe(null), "subscriber"));
        rows.add(iae("TcpConnection.inbound(): request(0)", () -> signalled(server.inbound(), 0), "§3.9"));
        rows.add(ise("TcpConnection.inbound(): a second subscriber -> onError", () -> {
            server.inbound().subscribe(new TestSubscriber<>()); // the first subscriber, unless a row above was
            signalled(server.inbound(), 1);
        }));
        rows.add(ise("TcpConnection.outbound(..) a second time -> the handle fails", () -> {
            client.outbound(never());
            failure(client.outbound(never()));
        }));
        rows.add(ise("closed: TcpConnection.outbound -> the handle fails", () -> failure(closedConnection().outbound(never()))));
        rows.add(ise("closed: TcpConnection.inbound().subscribe -> onError", () -> signalled(closedConnection().inbound(), 1)));
    }

    // ------------------------------------------------------------------ the last row

    private static void runtimeStillWorks() throws Exception {
        assertThat(live.isShutdown()).isFalse();
        assertThat(live.metrics().workerThreads()).isEqualTo(2);
        assertThat(TestSupport.liveThreads(livePrefix + "-worker")).hasSize(2);
        List<TaskHandle<Integer>> burst = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            int v = i;
            burst.add(live.spawn(() -> v));
        }
        for (int i = 0; i < burst.size(); i++) {
            assertThat(burst.get(i).join(WAIT)).isEqualTo(i);
        }
        assertThat(live.spawnBlocking(TASK).join(WAIT)).isEqualTo(1);
        assertThat(live.spawnAsync(() -> CompletableFuture.completedFuture(2)).join(WAIT)).isEqualTo(2);
        assertThat(live.delay(Duration.ofMillis(1)).join(WAIT)).isNull();
        assertThat(live.schedule(Duration.ofMillis(1), TASK).join(WAIT)).isEqualTo(1);
        Channel<Integer> c = Channel.bounded(live, 4);
        TestSubscriber<Integer> received = new TestSubscriber<>(Long.MAX_VALUE);
        c.receiver().subscribe(received);
        assertThat(c.trySend(1)).isTrue();
        c.send(2).join(WAIT);
        c.close();
        received.awaitTerminal();
        assertThat(received.values()).containsExactly(1, 2);
        TaskHandle<TcpConnection> again = TcpConnection.connect(live, listener.localAddress());
        assertThat(again.join(WAIT).isOpen()).isTrue();
        again.join().close();
        assertThat(DROPPED).as("errors dropped while rejecting bad input").isEmpty();
    }

    // ------------------------------------------------------------------ helpers

    private static Row npe(String call, Executable action, String parameter) {
        return new Row(call, action, NullPointerException.class, parameter);
    }

    private static Row iae(String call, Executable action, String value) {
        return new Row(call, action, IllegalArgumentException.class, value);
    }

    private static Row ree(String call, Executable action) {
        return new Row(call, action, RejectedExecutionException.class, null);
    }

    private static Row ise(String call, Executable action) {
        return new Row(call, action, IllegalStateException.class, null);
    }

    private static Channel<Integer> closedChannel() {
        Channel<Integer> c = Channel.bounded(live, 1);
        c.close();
        return c;
    }

    private static TcpConnection closedConnection() throws Exception {
        TcpConnection c = TcpConnection.connect(live, listener.localAddress()).join(WAIT);
        c.close();
        return c;
    }

    /** A publisher that subscribes and then never signals again. */
    private static Publisher<ByteBuffer> never() {
        return s -> s.onSubscribe(new Subscription() {
            @Override
            public void request(long n) {}

            @Override
            public void cancel() {}
        });
    }

    /**
     * Subscribes, requests {@code n} and rethrows the error the publisher signals, so a row treats a
     * signalled error like a thrown one. Fails if the publisher signals anything else within the wait.
     */
    private static void signalled(Publisher<?> publisher, long n) throws Throwable {
        TestSubscriber<Object> s = new TestSubscriber<>();
        @SuppressWarnings("unchecked")
        Publisher<Object> p = (Publisher<Object>) publisher;
        p.subscribe(s);
        s.request(n);
        throw s.awaitError();
    }

    /** Rethrows the cause of a handle that must fail within the wait. */
    private static void failure(TaskHandle<?> h) throws Throwable {
        try {
            h.join(WAIT);
        } catch (TaskFailedException e) {
            throw e.getCause();
        }
        throw new AssertionError("the handle succeeded: " + h);
    }

    /** Accepts every connection into a queue. */
    private static final class Accepted implements Subscriber<TcpConnection> {
        final BlockingQueue<TcpConnection> queue = new LinkedBlockingQueue<>();

        @Override
        public void onSubscribe(Subscription s) {
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(TcpConnection c) {
            queue.add(c);
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onComplete() {}
    }
}
