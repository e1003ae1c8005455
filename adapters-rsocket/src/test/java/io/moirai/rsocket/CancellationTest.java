package io.moirai.rsocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moirai.stream.Streams;
import io.moirai.task.TaskHandle;
import io.rsocket.Payload;
import io.rsocket.RSocket;
import io.rsocket.SocketAcceptor;
import io.rsocket.exceptions.ApplicationErrorException;
import io.rsocket.util.DefaultPayload;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** Cancellation crosses the wire both ways, and so does a failure. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CancellationTest {

    private Loopback loop;

    @BeforeEach
    void start() {
        loop = new Loopback("cancel");
    }

    @AfterEach
    void stop() {
        loop.close();
    }

    @Test
    void cancellingARequestResponseCancelsTheServersTaskAndInterruptsIt() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        CompletableFuture<TaskHandle<String>> serverTask = new CompletableFuture<>();
        MoiraiRSocket.Server server = loop.moiraiServer(SocketAcceptor.forRequestResponse(request -> {
            request.release();
            TaskHandle<String> task = loop.moirai.spawnBlocking(() -> {
                started.countDown();
                try {
                    new CountDownLatch(1).await(); // until interrupted
                    return "never";
                } catch (InterruptedException e) {
                    interrupted.countDown();
                    throw e;
                }
            });
            serverTask.complete(task);
            return Mono.fromDirect(task).doOnCancel(task::cancel).map(DefaultPayload::create);
        }));
        RSocket client = loop.moiraiClient(server.address());
        Disposable call = client.requestResponse(DefaultPayload.create("work")).subscribe();
        assertThat(started.await(10, TimeUnit.SECONDS)).as("the task started").isTrue();
        call.dispose(); // CANCEL frame
        assertThat(interrupted.await(10, TimeUnit.SECONDS)).as("the task was interrupted").isTrue();
        TaskHandle<String> task = serverTask.get(10, TimeUnit.SECONDS);
        assertThatThrownBy(() -> task.join(Loopback.TIMEOUT)).isInstanceOf(CancellationException.class);
        assertThat(task.isCancelled()).isTrue();
    }

    @Test
    void cancellingARequestStreamStopsTheServersParallelMap() throws Exception {
        AtomicLong mapped = new AtomicLong();
        CountDownLatch cancelled = new CountDownLatch(1);
        MoiraiRSocket.Server server = loop.moiraiServer(SocketAcceptor.forRequestStream(request -> {
            request.release();
            Iterable<Long> endless = () -> LongStream.iterate(0, i -> i + 1).iterator();
            return Flux.from(Streams.parallelMap(loop.moirai, Streams.fromIterable(loop.moirai, endless), i -> {
                mapped.incrementAndGet();
                return i * 2;
            }, 2)).doOnCancel(cancelled::countDown).map(i -> DefaultPayload.create(Long.toString(i)));
        }));
        RSocket client = loop.moiraiClient(server.address());
        StepVerifier.create(client.requestStream(DefaultPayload.create("go")).map(Payload::getDataUtf8).take(50))
                .expectNextCount(50)
                .expectComplete()
                .verify(Loopback.TIMEOUT);
        assertThat(cancelled.await(10, TimeUnit.SECONDS)).as("the server's stream cancelled").isTrue();
        // after the cancel, at most the batches the two runners had claimed are still mapped (32 items each)
        long afterCancel = mapped.get();
        loop.moirai.delay(Duration.ofMillis(200)).join(); // watching for work that should not happen
        assertThat(mapped.get() - afterCancel).as("items mapped in the 200 ms after the cancel arrived").isLessThanOrEqualTo(64);
        assertThat(afterCancel).as("mapped in all: at most one window of parallelMap beyond what was taken").isLessThan(50 + 4096);
    }

    @Test
    void theServerCancellingAChannelsInputCancelsTheClientsSource() throws Exception {
        CountDownLatch clientSourceCancelled = new CountDownLatch(1);
        MoiraiRSocket.Server server = loop.moiraiServer(SocketAcceptor.forRequestChannel(requests ->
                Flux.from(requests).take(3).map(p -> {
                    String data = p.getDataUtf8();
                    p.release();
                    return DefaultPayload.create("got " + data);
                })));
        RSocket client = loop.moiraiClient(server.address());
        Flux<Payload> endless = Flux.from(Streams.fromIterable(loop.moirai, () -> LongStream.iterate(0, i -> i + 1).iterator()))
                .doOnCancel(clientSourceCancelled::countDown)
                .map(i -> DefaultPayload.create(Long.toString(i)));
        StepVerifier.create(client.requestChannel(endless).map(Payload::getDataUtf8))
                .expectNext("got 0", "got 1", "got 2")
                .expectComplete()
                .verify(Loopback.TIMEOUT);
        assertThat(clientSourceCancelled.await(10, TimeUnit.SECONDS)).as("the client's source cancelled by the server").isTrue();
    }

    @Test
    void aServerSideFailureReachesTheClientAsAnApplicationError() {
        MoiraiRSocket.Server server = loop.moiraiServer(SocketAcceptor.forRequestStream(request -> {
            request.release();
            TaskHandle<Long> failing = loop.moirai.spawn(() -> {
                throw new IllegalStateException("no such record");
            });
            return Flux.concat(Flux.just(1L, 2L), Mono.fromDirect(failing)).map(i -> DefaultPayload.create(Long.toString(i)));
        }));
        RSocket client = loop.moiraiClient(server.address());
        StepVerifier.create(client.requestStream(DefaultPayload.create("go")).map(Payload::getDataUtf8))
                .expectNext("1", "2")
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(ApplicationErrorException.class)
                        .hasMessageContaining("no such record"))
                .verify(Duration.ofSeconds(10));
    }
}
