package io.moirai.tck;

import io.moirai.Moirai;
import io.moirai.task.TaskHandle;
import io.moirai.tck.TaskHandles.Flavour;

/**
 * Verifies {@link TaskHandle} as a Reactive Streams {@link Publisher} with the Reactive Streams TCK,
 * for handles of {@link Moirai#spawnBlocking} tasks that are still running when the TCK subscribes:
 * the task waits on a latch that another thread releases {@linkplain TaskHandles#PENDING_DELAY a
 * moment later}, so subscribers are registered while a blocking-pool thread runs the task and the
 * result reaches them from that thread. {@code createPublisher(0)} is a task returning {@code null}
 * ({@code onComplete} alone), {@code createPublisher(1)} one returning a value,
 * {@code createFailedPublisher()} one that throws once released. One runtime with two compute
 * workers serves the whole class.
 *
 * <p>Skipped TCK tests: see {@link TaskHandlePublisherVerification}.
 */
public class BlockingTaskHandlePublisherTckTest extends TaskHandlePublisherVerification {

    /** Creates the verification. */
    public BlockingTaskHandlePublisherTckTest() {
        super("blocking", Flavour.PENDING_BLOCKING);
    }
}
