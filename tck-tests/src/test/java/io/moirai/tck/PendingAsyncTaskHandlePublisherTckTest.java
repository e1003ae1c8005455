package io.moirai.tck;

import io.moirai.Moirai;
import io.moirai.task.TaskHandle;
import io.moirai.tck.TaskHandles.Flavour;

/**
 * Verifies {@link TaskHandle} as a Reactive Streams {@link Publisher} with the Reactive Streams TCK,
 * for handles of {@link Moirai#spawnAsync} tasks that are still pending when the TCK subscribes:
 * the task returns a {@code CompletableFuture} that another thread completes
 * {@linkplain TaskHandles#PENDING_DELAY a moment later}, so subscribers are registered while the
 * task holds no thread and the result reaches them from that foreign thread.
 * {@code createPublisher(0)} completes the future with {@code null} ({@code onComplete} alone),
 * {@code createPublisher(1)} with a value, {@code createFailedPublisher()} exceptionally. One runtime
 * with two compute workers serves the whole class.
 *
 * <p>Skipped TCK tests: see {@link TaskHandlePublisherVerification}.
 */
public class PendingAsyncTaskHandlePublisherTckTest extends TaskHandlePublisherVerification {

    /** Creates the verification. */
    public PendingAsyncTaskHandlePublisherTckTest() {
        super("pending-async", Flavour.PENDING_ASYNC);
    }
}
