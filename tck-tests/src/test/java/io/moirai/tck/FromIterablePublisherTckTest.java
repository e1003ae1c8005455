package io.moirai.tck;

import io.moirai.Moirai;
import io.moirai.stream.Streams;
import java.util.Iterator;
import org.reactivestreams.Publisher;
import org.reactivestreams.tck.PublisherVerification;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;

/**
 * Verifies {@link Streams#fromIterable} as a Reactive Streams {@link Publisher} with the Reactive
 * Streams TCK. {@code createPublisher(n)} is {@code fromIterable} of an {@link IntRange} of
 * {@code n} integers, a lazy iterable, so even the {@code Integer.MAX_VALUE}-element stream of the
 * §3.17 overflow test (cancelled after a dozen elements) costs nothing up front, and the bound of
 * {@link #maxElementsFromPublisher()} stays the TCK's default. {@code createFailedPublisher()} is
 * {@code fromIterable} of an iterable whose {@link Iterable#iterator()} throws ({@link #failingIterable()}):
 * a failure in user code, which must reach the subscriber as {@code onSubscribe} then
 * {@code onError}. One runtime with two compute workers serves the whole class.
 *
 * <p>This checks in particular that elements are emitted only on demand (§1.1, §3.17), that
 * {@code request} from {@code onNext} does not recurse into {@code onNext} (§3.3), that signals are
 * serial when emission moves between the requesting thread and the workers (§1.3, 100 runs of 10
 * elements), that cancellation stops the iteration (§3.12) and releases the subscriber (§3.13).
 *
 * <p><b>Skipped TCK tests</b> (7 of 38, observed; none for a failure): the seven
 * {@code untested_*} tests, which skip for every publisher ("Not verified by this TCK.").
 */
public class FromIterablePublisherTckTest extends PublisherVerification<Integer> {

    private Moirai moirai;

    /** Creates the verification with this module's {@linkplain TckSettings timeouts}. */
    public FromIterablePublisherTckTest() {
        super(TckSettings.newEnvironment(), TckSettings.PUBLISHER_REFERENCE_GC_TIMEOUT_MILLIS);
    }

    /** Starts the runtime the class's publishers emit on. */
    @BeforeClass(alwaysRun = true)
    public void startRuntime() {
        moirai = Moirai.builder().workerThreads(2).threadNamePrefix("tck-from-iterable").build();
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
        return Streams.fromIterable(moirai, new IntRange(elements));
    }

    @Override
    public Publisher<Integer> createFailedPublisher() {
        return Streams.fromIterable(moirai, failingIterable());
    }

    /** @return an iterable whose {@code iterator()} throws an {@link IllegalStateException} */
    static Iterable<Integer> failingIterable() {
        return new Iterable<>() {
            @Override
            public Iterator<Integer> iterator() {
                throw new IllegalStateException("TCK: the iterable failed on purpose");
            }

            @Override
            public String toString() {
                return "FailingIterable";
            }
        };
    }
}
