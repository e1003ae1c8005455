package io.moirai.examples.scale;

import io.moirai.Moirai;
import io.moirai.examples.scale.Records.Result;
import io.moirai.rsocket.MoiraiRSocket;
import io.moirai.stream.Streams;
import io.rsocket.Payload;
import io.rsocket.RSocket;
import io.rsocket.core.RSocketConnector;
import io.rsocket.util.DefaultPayload;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import org.reactivestreams.Publisher;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/**
 * The coordinator of the scale-out example: streams records {@code 0 .. records - 1} to the workers
 * over RSocket request-channels, dealt round-robin in batches ({@link Records}), merges the results
 * back in source order and hands them to a deliberately slow sink on the calling thread.
 *
 * <p><b>Demand, end to end.</b> The source makes a record only when a worker asked for it: each
 * worker's share is a {@code LongStream} behind {@code Streams.fromIterable}, advanced only as far as
 * the REQUEST_N frames of that worker's channel allow, and counted as it is made. A worker asks for
 * one {@code parallelMap} window and then for more only as its results leave; its results leave only
 * as the merge asks for them (REQUEST_N frames the other way), and the merge asks only as the sink
 * takes records. So the source runs at the sink's pace, at most {@link Summary#bound()} records ahead:
 *
 * <pre>
 *   bound = sum over workers of (window + 1)           records a worker asked for: on the wire or held by its parallelMap
 *                                                      (+ 1: the iterator of a share looks one record ahead)
 *         + workers x (MERGE_PREFETCH + 2) x batch     results the merge asked a worker for: MERGE_PREFETCH batches
 *                                                      queued, the round being emitted and the next one
 *         + SINK_PREFETCH                              results queued for the sink
 * </pre>
 *
 * <p><b>Failure.</b> A worker that cannot be reached, whose connection closes or resets (its process
 * died) or that stops answering keep-alives ({@value #KEEP_ALIVE_SECONDS} s interval, silent for
 * {@value #MAX_LIFETIME_SECONDS} s) ends the run with a {@link WorkerFailedException} naming it; the
 * other workers' streams are cancelled. Nothing is retried: the records are a stream, and a retry
 * would have to replay the dead worker's window.
 *
 * <p><b>Threads.</b> {@link #run} blocks its caller, which is the sink; call it from a thread that may
 * block (not a Moirai or Reactor thread). The counters may be read from any thread.
 */
public final class ScaleCoordinator {

    /** Records per round-robin batch, by default. */
    public static final int DEFAULT_BATCH = 256;

    /** Batches of each worker's results the merge queues ahead. */
    public static final int MERGE_PREFETCH = 2;

    /** Results queued for the sink, at most. */
    public static final int SINK_PREFETCH = 256;

    /** The keep-alive interval towards the workers, in seconds. */
    public static final int KEEP_ALIVE_SECONDS = 2;

    /** A worker silent for this long (no frame, no keep-alive) has failed, in seconds. */
    public static final int MAX_LIFETIME_SECONDS = 10;

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final Moirai moirai;
    private final List<InetSocketAddress> workers;
    private final long records;
    private final int batch;
    private final Duration sinkDelay;
    private final AtomicLong produced = new AtomicLong();
    private final AtomicLong consumed = new AtomicLong();
    private final AtomicLong maxAhead = new AtomicLong();
    private LongConsumer onConsumed = count -> { };
    private PrintWriter progressOut;
    private Duration progressPeriod;
    private volatile long startNanos;

    /**
     * @param moirai the runtime of the connections and the source
     * @param workers the workers' addresses, numbered from 1 in this order
     * @param records how many records to stream, at least 1
     * @param batch records per round-robin batch, at least 1
     * @param sinkDelay the sink's time per record
     * @throws IllegalArgumentException if {@code workers} is empty or a count is out of range
     */
    public ScaleCoordinator(Moirai moirai, List<InetSocketAddress> workers, long records, int batch, Duration sinkDelay) {
        this.moirai = Objects.requireNonNull(moirai, "moirai");
        this.workers = List.copyOf(workers);
        this.sinkDelay = Objects.requireNonNull(sinkDelay, "sinkDelay");
        if (this.workers.isEmpty()) {
            throw new IllegalArgumentException("at least one worker is needed");
        }
        if (records < 1) {
            throw new IllegalArgumentException("records must be at least 1, got " + records);
        }
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be at least 1, got " + batch);
        }
        if (sinkDelay.isNegative() || sinkDelay.isZero()) {
            throw new IllegalArgumentException("sinkDelay must be positive, got " + sinkDelay);
        }
        this.records = records;
        this.batch = batch;
    }

    /**
     * @param hook called on the sink's thread with the count of records consumed so far, after each
     * @return this
     */
    public ScaleCoordinator onConsumed(LongConsumer hook) {
        this.onConsumed = Objects.requireNonNull(hook, "hook");
        return this;
    }

    /**
     * Prints {@link #progressLine()} every {@code period} while running.
     *
     * @return this
     */
    public ScaleCoordinator progress(PrintWriter out, Duration period) {
        this.progressOut = Objects.requireNonNull(out, "out");
        this.progressPeriod = Objects.requireNonNull(period, "period");
        return this;
    }

    /** @return records the source has made so far */
    public long produced() {
        return produced.get();
    }

    /** @return records the sink has taken so far */
    public long consumed() {
        return consumed.get();
    }

    /** @return the most records the source had made beyond those the sink had taken, measured at the source */
    public long maxAhead() {
        return maxAhead.get();
    }

    /** @return one line: time, records produced and consumed, in flight between them, heap */
    public String progressLine() {
        long p = produced.get();
        long c = consumed.get();
        double seconds = startNanos == 0 ? 0 : (System.nanoTime() - startNanos) / 1e9;
        return String.format(Locale.ROOT, "scale-coordinator: %5.1f s: produced %,d, consumed %,d, in flight %,d (at most %,d), heap %s",
                seconds, p, c, p - c, maxAhead.get(), Heap.mib(Heap.used()));
    }

    /**
     * What a run did.
     *
     * @param records records consumed by the sink
     * @param seconds from the first request to the last record consumed
     * @param inOrder whether every result arrived in source order and none was missing
     * @param firstMisplaced the first position where another record came, or -1
     * @param checksum the sum of the results' values (wrapping)
     * @param produced records the source made
     * @param maxAhead the most records made beyond those consumed, counted at the source
     * @param bound what the demand windows allow for {@code maxAhead}
     * @param sinkPerSecond the sink's pace, records per second
     * @param heapUsed the coordinator's heap in use at the end, bytes
     * @param heapPeak its peak, at most, bytes
     * @param heapMax its maximum, bytes
     * @param workers the workers' addresses
     * @param workerStats each worker's stats after the run (null where it did not answer)
     */
    public record Summary(long records, double seconds, boolean inOrder, long firstMisplaced, long checksum,
            long produced, long maxAhead, long bound, double sinkPerSecond, long heapUsed, long heapPeak, long heapMax,
            List<InetSocketAddress> workers, List<WorkerStats> workerStats) {

        /** @return whether the run is right: every record, in order, the source never beyond the bound */
        public boolean ok() {
            return inOrder && maxAhead <= bound;
        }

        /** Prints the summary: throughput, order, what the source did, every process's memory. */
        public void print(PrintWriter out) {
            out.printf(Locale.ROOT, "scale-coordinator: %,d records through %d worker(s) in %.2f s: %,.0f records/s (the sink's pace: %,.0f/s)%n",
                    records, workers.size(), seconds, records / seconds, sinkPerSecond);
            out.printf(Locale.ROOT, "  results in source order: %s, checksum %016x%n",
                    inOrder ? "yes" : "NO, first misplaced at " + firstMisplaced, checksum);
            out.printf(Locale.ROOT, "  source: produced %,d records, at most %,d ahead of the sink (the demand windows allow %,d)%n",
                    produced, maxAhead, bound);
            out.printf(Locale.ROOT, "  %-28s heap %s in use, peak %s of %s%n", "coordinator", Heap.mib(heapUsed),
                    Heap.mib(heapPeak), Heap.mib(heapMax));
            for (int i = 0; i < workers.size(); i++) {
                WorkerStats s = workerStats.get(i);
                out.printf(Locale.ROOT, "  %-28s %s%n", "worker " + (i + 1) + " " + WorkerFailedException.hostPort(workers.get(i)),
                        s == null ? "no stats (it did not answer)" : s.describe());
            }
            out.flush();
        }
    }

    /**
     * Connects to every worker, streams the records through them and into the sink, and returns what
     * happened. Prints the plan to {@code out} first (and progress lines, if asked for). Call it once:
     * the counters are the run's.
     *
     * @param out where the plan and progress go
     * @return the summary
     * @throws WorkerFailedException if a worker cannot be reached or fails mid-run (no hang: the
     *     connection's end or the keep-alive's silence reaches the sink as this error)
     */
    public Summary run(PrintWriter out) {
        int n = workers.size();
        List<RSocket> sockets = new ArrayList<>(n);
        Disposable progressTicks = null;
        try {
            List<WorkerStats> before = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                sockets.add(connect(i));
                before.add(stats(i, sockets.get(i)));
            }
            long bound = SINK_PREFETCH + (long) n * (MERGE_PREFETCH + 2) * batch;
            for (WorkerStats s : before) {
                bound += s.window() + 1;
            }
            SlowSink sink = new SlowSink(sinkDelay);
            out.printf(Locale.ROOT, "scale-coordinator: %,d records to %d worker(s) in round-robin batches of %,d; sink: %s per record (%,.0f records/s)%n",
                    records, n, batch, format(sinkDelay), sink.recordsPerSecond());
            for (int i = 0; i < n; i++) {
                WorkerStats s = before.get(i);
                out.printf(Locale.ROOT, "  worker %d %s: parallelism %d, window %,d records, %d rounds per record%n",
                        i + 1, WorkerFailedException.hostPort(workers.get(i)), s.parallelism(), s.window(), s.rounds());
            }
            out.printf(Locale.ROOT, "  the source may run at most %,d records ahead of the sink (the demand windows)%n", bound);
            out.flush();

            List<Publisher<List<Result>>> batches = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                batches.add(batchesOf(i, sockets.get(i)));
            }
            Flux<Result> merged = Flux.zip(batches, MERGE_PREFETCH, ScaleCoordinator::round)
                    .flatMapIterable(round -> round, 1);

            startNanos = System.nanoTime();
            if (progressOut != null) {
                PrintWriter p = progressOut;
                progressTicks = Flux.from(moirai.interval(progressPeriod)).subscribe(tick -> {
                    p.println(progressLine());
                    p.flush();
                }, stopped -> { }); // ends with the runtime, or when disposed below
            }
            long expected = 0;
            long firstMisplaced = -1;
            long checksum = 0;
            Iterator<Result> results = merged.toIterable(SINK_PREFETCH).iterator();
            while (results.hasNext()) {
                Result r = results.next();
                sink.pace();
                if (r.index() != expected && firstMisplaced < 0) {
                    firstMisplaced = expected;
                }
                expected++;
                checksum += r.value();
                onConsumed.accept(consumed.incrementAndGet());
            }
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            if (progressTicks != null) {
                progressTicks.dispose();
                progressTicks = null;
            }
            List<WorkerStats> after = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                after.add(statsOrNull(sockets.get(i)));
            }
            boolean inOrder = firstMisplaced < 0 && expected == records;
            if (firstMisplaced < 0 && expected != records) {
                firstMisplaced = expected;
            }
            return new Summary(expected, seconds, inOrder, firstMisplaced, checksum, produced.get(), maxAhead.get(), bound,
                    sink.recordsPerSecond(), Heap.used(), Heap.peak(), Heap.max(), workers, after);
        } finally {
            if (progressTicks != null) {
                progressTicks.dispose();
            }
            sockets.forEach(RSocket::dispose);
        }
    }

    /** Opens the connection to worker {@code i}, with keep-alives that notice a silent worker. */
    private RSocket connect(int i) {
        InetSocketAddress address = workers.get(i);
        try {
            return RSocketConnector.create()
                    .keepAlive(Duration.ofSeconds(KEEP_ALIVE_SECONDS), Duration.ofSeconds(MAX_LIFETIME_SECONDS))
                    .connect(MoiraiRSocket.clientTransport(moirai, address))
                    .block(TIMEOUT);
        } catch (RuntimeException e) {
            throw new WorkerFailedException(i + 1, address, "could not be reached", e);
        }
    }

    /** Asks worker {@code i} for its stats (a request-response), before the run: it must answer. */
    private WorkerStats stats(int i, RSocket socket) {
        try {
            return fetchStats(socket);
        } catch (RuntimeException e) {
            throw new WorkerFailedException(i + 1, workers.get(i), "did not answer its stats request", e);
        }
    }

    /** @return a worker's stats after the run, or null if it does not answer: the run is over either way */
    private static WorkerStats statsOrNull(RSocket socket) {
        try {
            return fetchStats(socket);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static WorkerStats fetchStats(RSocket socket) {
        return WorkerStats.fromWire(socket.requestResponse(DefaultPayload.create(ScaleWorker.STATS))
                .map(ScaleCoordinator::text)
                .block(TIMEOUT));
    }

    private static String text(Payload payload) {
        try {
            return payload.getDataUtf8();
        } finally {
            payload.release();
        }
    }

    /**
     * Worker {@code i}'s share as a request-channel: its records made on demand (counted at the
     * source), its results in batches, one empty batch at the end (so the merge's last round, where
     * some workers have no batch left, still completes).
     */
    private Flux<List<Result>> batchesOf(int i, RSocket socket) {
        long count = Records.countFor(records, batch, workers.size(), i);
        Flux<List<Result>> end = Flux.just(List.of());
        if (count == 0) {
            return end;
        }
        Iterable<Long> indices = () -> Records.indicesFor(records, batch, workers.size(), i)
                .peek(index -> maxAhead.accumulateAndGet(produced.incrementAndGet() - consumed.get(), Math::max))
                .iterator();
        Flux<Payload> requests = Flux.from(Streams.fromIterable(moirai, indices)).map(Records::record);
        AtomicLong received = new AtomicLong();
        return socket.requestChannel(requests)
                .map(Records::result)
                .doOnNext(r -> received.incrementAndGet())
                .onErrorMap(e -> new WorkerFailedException(i + 1, workers.get(i),
                        String.format(Locale.ROOT, "failed after %,d of its %,d results", received.get(), count), e))
                .buffer(batch)
                .concatWith(end);
    }

    /** One round of the merge: a batch from each worker, in worker order, is the next stretch of the source. */
    @SuppressWarnings("unchecked")
    private static List<Result> round(Object[] batches) {
        int size = 0;
        for (Object b : batches) {
            size += ((List<Result>) b).size();
        }
        List<Result> round = new ArrayList<>(size);
        for (Object b : batches) {
            round.addAll((List<Result>) b);
        }
        return round;
    }

    /** @return a duration as people write it: 10 µs, 1.5 ms, 2 s */
    static String format(Duration d) {
        long nanos = d.toNanos();
        if (nanos < 1_000) {
            return nanos + " ns";
        }
        if (nanos < 1_000_000) {
            return trim(nanos / 1e3) + " µs";
        }
        if (nanos < 1_000_000_000) {
            return trim(nanos / 1e6) + " ms";
        }
        return trim(nanos / 1e9) + " s";
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }
}
