package io.moirai.examples.scale;

import static org.assertj.core.api.Assertions.assertThat;

import io.moirai.Moirai;
import io.moirai.examples.cli.Work;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The scale-out example in one JVM: workers on one Moirai runtime, the coordinator on another, over
 * real loopback sockets. Results in order, the source held back by a slow sink, a worker lost mid-run.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ScaleOutTest {

    private static final InetSocketAddress ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private static final int ROUNDS = 20;
    private static final int PARALLELISM = 2;

    private Moirai workerSide;
    private Moirai coordinatorSide;
    private final List<ScaleWorker> workers = new ArrayList<>();
    private final StringWriter workerLog = new StringWriter();

    @BeforeEach
    void start() {
        workerSide = Moirai.builder().workerThreads(2).ioThreads(1).threadNamePrefix("scale-workers").build();
        coordinatorSide = Moirai.builder().workerThreads(2).ioThreads(1).threadNamePrefix("scale-coordinator").build();
    }

    @AfterEach
    void stop() {
        try {
            workers.forEach(ScaleWorker::close);
        } finally {
            coordinatorSide.close();
            workerSide.close();
        }
    }

    private ScaleWorker worker(LongConsumer onSent) {
        ScaleWorker w = ScaleWorker.start(workerSide, ANY_PORT, PARALLELISM, ROUNDS, new PrintWriter(workerLog, true), onSent);
        workers.add(w);
        return w;
    }

    private List<InetSocketAddress> addresses() {
        return workers.stream().map(ScaleWorker::address).toList();
    }

    private static long checksum(long records) {
        long sum = 0;
        for (long i = 0; i < records; i++) {
            sum += Work.transform(i, ROUNDS);
        }
        return sum;
    }

    @Test
    void everyRecordComesBackMappedAndInSourceOrder() {
        for (int i = 0; i < 3; i++) {
            worker(sent -> { });
        }
        long records = 10_007; // 100 full batches of 100 and a partial one: the workers' shares differ
        ScaleCoordinator coordinator = new ScaleCoordinator(coordinatorSide, addresses(), records, 100, Duration.ofNanos(1));
        ScaleCoordinator.Summary s = coordinator.run(new PrintWriter(new StringWriter()));

        assertThat(s.records()).isEqualTo(records);
        assertThat(s.inOrder()).as("in source order, first misplaced at %d", s.firstMisplaced()).isTrue();
        assertThat(s.checksum()).isEqualTo(checksum(records));
        assertThat(s.produced()).isEqualTo(records);
        assertThat(s.ok()).isTrue();
        for (int w = 0; w < 3; w++) {
            assertThat(s.workerStats().get(w).sent()).as("worker %d", w + 1).isEqualTo(Records.countFor(records, 100, 3, w));
        }
    }

    @Test
    void aSlowSinkHoldsTheSourceTwoHopsAwayWithinTheDemandWindows() {
        worker(sent -> { });
        worker(sent -> { });
        long records = 40_000;
        int batch = 64;
        long bound = ScaleCoordinator.SINK_PREFETCH + 2L * (ScaleCoordinator.MERGE_PREFETCH + 2) * batch
                + 2L * (ScaleWorker.window(PARALLELISM) + 1);
        AtomicLong aheadAtSink = new AtomicLong();
        AtomicLong producedAtHalf = new AtomicLong(-1);
        ScaleCoordinator[] c = new ScaleCoordinator[1];
        c[0] = new ScaleCoordinator(coordinatorSide, addresses(), records, batch, Duration.ofNanos(20_000))
                .onConsumed(consumed -> {
                    long produced = c[0].produced();
                    aheadAtSink.accumulateAndGet(produced - consumed, Math::max);
                    if (consumed == records / 2) {
                        producedAtHalf.set(produced);
                    }
                });
        ScaleCoordinator.Summary s = c[0].run(new PrintWriter(new StringWriter()));

        assertThat(s.ok()).isTrue();
        assertThat(s.bound()).isEqualTo(bound).isEqualTo(2_818);
        assertThat(s.maxAhead()).as("records made beyond those consumed, counted at the source").isLessThanOrEqualTo(bound);
        assertThat(aheadAtSink.get()).as("the same, seen from the sink").isLessThanOrEqualTo(bound);
        assertThat(producedAtHalf.get()).as("made when the sink had taken half").isBetween(records / 2, records / 2 + bound);
        for (WorkerStats w : s.workerStats()) {
            assertThat(w.maxInFlight()).as("records a worker held at once").isLessThanOrEqualTo(w.window());
        }
    }

    @Test
    void aWorkerLostMidRunFailsTheCoordinatorWithAnErrorNamingIt() throws Exception {
        ScaleWorker first = worker(sent -> { });
        CountDownLatch busy = new CountDownLatch(1);
        ScaleWorker second = worker(sent -> {
            if (sent == 2_000) {
                busy.countDown();
            }
        });
        // 1,000,000 records at 50 µs each would take 50 s: only the failure can end it in time
        CompletableFuture<Cli.Run> run = Cli.start("scale-coordinator",
                "--worker", WorkerFailedException.hostPort(first.address()),
                "--worker", WorkerFailedException.hostPort(second.address()),
                "--records", "1000000", "--sink-delay", "50us");
        assertThat(busy.await(20, TimeUnit.SECONDS)).as("worker 2 sent 2,000 results").isTrue();
        second.close(); // its server and connections gone, as when its process dies

        Cli.Run r = run.get(20, TimeUnit.SECONDS);
        assertThat(r.status()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.err()).contains("scale-coordinator: worker 2 (" + WorkerFailedException.hostPort(second.address())
                + ") failed after ").contains("its connection closed");
        assertThat(r.out()).contains("records to 2 worker(s)").doesNotContain("results in source order");
    }

    @Test
    void aWorkerThatCannotBeReachedIsNamed() {
        ScaleWorker gone = worker(sent -> { });
        String address = WorkerFailedException.hostPort(gone.address());
        gone.close();
        workers.remove(gone);
        Cli.Run r = Cli.run("scale-coordinator", "--worker", address, "--records", "10");
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("worker 1 (" + address + ") could not be reached").contains("ConnectException");
    }
}
