package io.moirai.tck;

import io.moirai.Moirai;
import io.moirai.stream.Channel;
import io.moirai.stream.Streams;
import org.reactivestreams.Publisher;
import org.reactivestreams.tck.PublisherVerification;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;

/**
 * Verifies {@link Streams#parallelMap} as a Reactive Streams {@link Publisher} with the Reactive
 * Streams TCK. {@code createPublisher(n)} is {@code parallelMap} with {@link #PARALLELISM} = 4 and
 * the mapper {@code x -> x * 2} over {@code fromIterable} of a lazy {@link IntRange} of {@code n}
 * integers ({@link #doubled}), so the mapper runs on both compute workers at once while the output
 * keeps the source's order, and the {@code Integer.MAX_VALUE}-element stream of the §3.17 overflow
 * test (cancelled after a dozen elements) costs only what the operator prefetches; the bound of
 * {@link #maxElementsFromPublisher()} stays the TCK's default. {@code createFailedPublisher()} is
 * {@code parallelMap} over a source that fails at once, the receiver of a channel
 * {@linkplain Channel#fail failed} beforehand ({@link Channels#failedReceiver}): the operator must
 * pass the source's {@code onError} on after {@code onSubscribe}, without demand. One runtime with
 * two compute workers serves the whole class.
 *
 * <p>This checks in particular that mapped elements are emitted only on demand although the
 * operator maps ahead of it (§1.1, §3.17), that results completed by several workers reach the
 * subscriber serially (§1.3, 100 runs of 10 elements) and without recursion from {@code request}
 * in {@code onNext} (§3.3), that completion comes only after the last mapped element (§1.5), that
 * cancellation stops mapping and emission (§3.12) and releases the subscriber (§3.13).
 *
 * <p><b>Skipped TCK tests</b> (7 of 38, observed; none for a failure): the seven
 * {@code untested_*} tests, which skip for every publisher ("Not verified by this TCK.").
 */
public class ParallelMapPublisherTckTest extends PublisherVerification<Integer> {

    /** How many elements every verified {@code parallelMap} maps at once. */
    static final int PARALLELISM = 4;

    private Moirai moirai;

    /** Creates the verification with this module's {@linkplain TckSettings timeouts}. */
    public ParallelMapPublisherTckTest() {
        super(TckSettings.newEnvironment(), TckSettings.PUBLISHER_REFERENCE_GC_TIMEOUT_MILLIS);
    }

    /** Starts the runtime the class's mappers run on. */
    @BeforeClass(alwaysRun = true)
    public void startRuntime() {
        moirai = Moirai.builder().workerThreads(2).threadNamePrefix("tck-parallel-map").build();
    }

    /** Closes the runtime. */
    @AfterClass(alwaysRun = true)
    public void closeRuntime() {
        if (moirai != null) {
            moirai.close();
        }
    }

    @Override
    public Publisher<Integer> createPublisher(long elements) {
        return doubled(moirai, Streams.fromIterable(moirai, new IntRange(elements)));
    }

    @Override
    public Publisher<Integer> createFailedPublisher() {
        return doubled(moirai, Channels.failedReceiver(moirai));
    }

    /**
     * @param moirai the runtime to map on
     * @param source the integers to map
     * @return {@code parallelMap(moirai, source, x -> x * 2, PARALLELISM)}
     */
    static Publisher<Integer> doubled(Moirai moirai, Publisher<Integer> source) {
        return Streams.parallelMap(moirai, source, x -> x * 2, PARALLELISM);
    }
}
