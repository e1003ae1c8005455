package io.moirai.tck;

import io.moirai.Moirai;
import io.moirai.task.TaskHandle;
import io.moirai.tck.TaskHandles.Flavour;

/**
 * Verifies {@link TaskHandle} as a Reactive Streams {@link Publisher} with the Reactive Streams TCK,
 * for handles whose task has already finished when the TCK subscribes: each handle is joined before
 * {@code createPublisher} returns it, so the whole subscription (demand, {@code onNext},
 * {@code onComplete}, {@code onError}) runs against a stored result, and signals may arrive on the
 * subscribing or requesting thread itself. {@code createPublisher(0)} is a finished task that
 * returned {@code null} ({@code onComplete} alone), {@code createPublisher(1)} one that returned a
 * value, {@code createFailedPublisher()} one that threw. One runtime with two compute workers serves
 * the whole class.
 *
 * <p>Skipped TCK tests: see {@link TaskHandlePublisherVerification}.
 */
public class FinishedTaskHandlePublisherTckTest extends TaskHandlePublisherVerification {

    /** Creates the verification. */
    public FinishedTaskHandlePublisherTckTest() {
        super("finished", Flavour.FINISHED);
    }
}
