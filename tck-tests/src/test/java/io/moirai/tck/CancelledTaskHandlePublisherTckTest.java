package io.moirai.tck;

import io.moirai.Moirai;
import io.moirai.task.TaskHandle;
import io.moirai.tck.TaskHandles.Flavour;
import org.reactivestreams.Publisher;

/**
 * Verifies {@link TaskHandle} as a Reactive Streams {@link Publisher} with the Reactive Streams TCK,
 * where the failed publisher is a <em>cancelled</em> task: {@code createFailedPublisher()} is the
 * handle of a pending {@link Moirai#spawnAsync} task that another thread cancels with
 * {@link TaskHandle#cancel()} {@linkplain TaskHandles#PENDING_DELAY a moment later}, while the TCK's
 * subscriber is attached; the TCK then expects {@code onSubscribe} followed by {@code onError}
 * (here a {@code CancellationException}) without any demand (§1.4, §1.9). {@code createPublisher}
 * is the same as in {@link TaskHandlePublisherTckTest} (handles straight from
 * {@link Moirai#spawn}). One runtime with two compute workers serves the whole class.
 *
 * <p>Skipped TCK tests: see {@link TaskHandlePublisherVerification}.
 */
public class CancelledTaskHandlePublisherTckTest extends TaskHandlePublisherVerification {

    /** Creates the verification. */
    public CancelledTaskHandlePublisherTckTest() {
        super("cancelled", Flavour.SPAWNED);
    }

    @Override
    public Publisher<Integer> createFailedPublisher() {
        return tasks().cancelledLater();
    }
}
