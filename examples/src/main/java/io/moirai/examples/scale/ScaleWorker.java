package io.moirai.examples.scale;

import io.moirai.Moirai;
import io.moirai.examples.cli.Work;
import io.moirai.examples.scale.Records.Result;
import io.moirai.rsocket.MoiraiRSocket;
import io.moirai.stream.Streams;
import io.rsocket.Payload;
import io.rsocket.RSocket;
import io.rsocket.SocketAcceptor;
import io.rsocket.core.RSocketServer;
import io.rsocket.util.DefaultPayload;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A worker of the scale-out example: an RSocket server on Moirai TCP that answers each
 * request-channel of records ({@link Records}) with their results, mapped locally by
 * {@code Streams.parallelMap} (a CPU-bound hash per record, {@link Work#transform}, at most
 * {@code parallelism} calls in flight) and sent back in the order the records came.
 *
 * <p><b>Demand.</b> The channel's records are {@code parallelMap}'s source: it asks the coordinator
 * for one window ({@link #window()} records, sent as a REQUEST_N frame) and for more only as results
 * leave, and results leave only as the coordinator asks for them (its REQUEST_N frames). So a stream
 * holds at most one window of records and results, whatever the speeds of the two sides, and a slow
 * consumer at the coordinator slows the source there, two hops away.
 *
 * <p>A request-response whose data is {@value #STATS} is answered with the worker's
 * {@link WorkerStats} (records received and sent, the most held at once, heap). Each stream's end
 * (completed, cancelled, failed) is logged as a line.
 *
 * <p><b>Threads.</b> Any thread; RSocket calls the handlers on the connections' I/O threads, where
 * they only assemble publishers; the mapping runs on the runtime's compute workers.
 */
public final class ScaleWorker implements AutoCloseable {

    /** The request-response data that asks a worker for its {@link WorkerStats}. */
    public static final String STATS = "stats";

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final Moirai moirai;
    private final int parallelism;
    private final int rounds;
    private final PrintWriter log;
    private final LongConsumer onSent;
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong maxInFlight = new AtomicLong();
    private final AtomicLong streams = new AtomicLong();
    private final MoiraiRSocket.Server server;

    private ScaleWorker(Moirai moirai, InetSocketAddress address, int parallelism, int rounds, PrintWriter log,
            LongConsumer onSent) {
        this.moirai = moirai;
        this.parallelism = parallelism;
        this.rounds = rounds;
        this.log = log;
        this.onSent = onSent;
        this.server = RSocketServer.create(SocketAcceptor.with(new Service()))
                .bind(MoiraiRSocket.serverTransport(moirai, address))
                .block(TIMEOUT);
    }

    /**
     * Starts a worker: binds its server and returns once it listens.
     *
     * @param moirai the runtime that serves the connections and maps the records
     * @param address where to listen; port 0 picks a free port ({@link #address()} tells which)
     * @param parallelism mapper calls in flight per stream, at least 1
     * @param rounds work per record, in {@link Work#transform} rounds, at least 0
     * @param log where each stream's end is written, one line each
     * @return the running worker
     * @throws IllegalArgumentException if {@code parallelism} or {@code rounds} is out of range
     * @throws RuntimeException if the address cannot be bound (its cause says why)
     */
    public static ScaleWorker start(Moirai moirai, InetSocketAddress address, int parallelism, int rounds, PrintWriter log) {
        return start(moirai, address, parallelism, rounds, log, sentSoFar -> { });
    }

    /**
     * As {@link #start(Moirai, InetSocketAddress, int, int, PrintWriter)}, calling {@code onSent} with
     * the count of results sent so far after each result (on the thread that sends it; tests wait on it).
     */
    static ScaleWorker start(Moirai moirai, InetSocketAddress address, int parallelism, int rounds, PrintWriter log,
            LongConsumer onSent) {
        Objects.requireNonNull(moirai, "moirai");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(log, "log");
        Objects.requireNonNull(onSent, "onSent");
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1, got " + parallelism);
        }
        if (rounds < 0) {
            throw new IllegalArgumentException("rounds must not be negative, got " + rounds);
        }
        return new ScaleWorker(moirai, address, parallelism, rounds, log, onSent);
    }

    /**
     * The records one stream holds at most: {@code Streams.parallelMap}'s window,
     * {@code max(1024, 16 x parallelism)} rounded up to a power of two (as its javadoc says).
     *
     * @param parallelism mapper calls in flight
     * @return the window, in records
     */
    public static int window(int parallelism) {
        int w = Math.max(1024, 16 * parallelism);
        return Integer.highestOneBit(w - 1) << 1;
    }

    /** @return the records one stream of this worker holds at most */
    public int window() {
        return window(parallelism);
    }

    /** @return the address the worker listens on */
    public InetSocketAddress address() {
        return server.address();
    }

    /** @return the worker's counters and heap now */
    public WorkerStats stats() {
        return new WorkerStats(received.get(), sent.get(), maxInFlight.get(), window(), parallelism, rounds,
                Heap.used(), Heap.peak(), Heap.max());
    }

    /** Stops the worker: closes its server and every connection (their streams end), waits up to 10 s. */
    @Override
    public void close() {
        server.dispose();
        server.onClose().onErrorResume(e -> Mono.empty()).block(TIMEOUT);
    }

    /** The RSocket responder: one request-channel per stream of records, and the stats. */
    private final class Service implements RSocket {

        @Override
        public Flux<Payload> requestChannel(Publisher<Payload> records) {
            long stream = streams.incrementAndGet();
            AtomicLong mapped = new AtomicLong();
            Flux<Long> indices = Flux.from(records).map(record -> {
                long index = Records.index(record);
                maxInFlight.accumulateAndGet(received.incrementAndGet() - sent.get(), Math::max);
                return index;
            });
            Publisher<Result> results = Streams.parallelMap(moirai, indices,
                    (Long index) -> new Result(index, Work.transform(index, rounds)), parallelism);
            return Flux.from(results)
                    .map(result -> {
                        mapped.incrementAndGet();
                        onSent.accept(sent.incrementAndGet());
                        return Records.result(result);
                    })
                    .doOnComplete(() -> log(stream, "completed", mapped, null))
                    .doOnCancel(() -> log(stream, "cancelled", mapped, null))
                    .doOnError(e -> log(stream, "failed", mapped, e));
        }

        @Override
        public Mono<Payload> requestResponse(Payload request) {
            String what;
            try {
                what = request.getDataUtf8();
            } finally {
                request.release();
            }
            if (!STATS.equals(what)) {
                return Mono.error(new IllegalArgumentException("unknown request '" + what + "'; ask '" + STATS + "'"));
            }
            return Mono.fromSupplier(() -> DefaultPayload.create(stats().toWire()));
        }
    }

    private void log(long stream, String how, AtomicLong mapped, Throwable error) {
        log.println(String.format(Locale.ROOT, "scale-worker: stream %d %s after %,d records%s", stream, how, mapped.get(),
                error == null ? "" : ": " + error));
        log.flush();
    }
}
