package io.moirai.tck;

import io.moirai.Moirai;
import io.moirai.task.TaskHandle;
import io.moirai.tck.TaskHandles.Flavour;

/**
 * Verifies {@link TaskHandle} as a Reactive Streams {@link Publisher} with the Reactive Streams TCK,
 * for handles returned straight from {@link Moirai#spawn}: when the TCK subscribes, the task may be
 * queued, running or finished, so subscription and completion race as they do in ordinary use.
 * {@code createPublisher(0)} is the handle of a task returning {@code null} (it signals
 * {@code onComplete} alone), {@code createPublisher(1)} the handle of a task returning a value,
 * {@code createFailedPublisher()} the handle of a task that threw. One runtime with two compute
 * workers serves the whole class.
 *
 * <p>Skipped TCK tests: see {@link TaskHandlePublisherVerification}.
 */
public class TaskHandlePublisherTckTest extends TaskHandlePublisherVerification {

    /** Creates the verification. */
    public TaskHandlePublisherTckTest() {
        super("spawn", Flavour.SPAWNED);
    }
}
