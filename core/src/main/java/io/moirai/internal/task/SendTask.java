package io.moirai.internal.task;

import io.moirai.internal.scheduler.ComputeScheduler;

/**
 * The handle of a channel {@code send} that found the channel full: it carries the item until the
 * channel's drain moves it into the buffer. The drain {@linkplain #claim() claims} it first; from then
 * on a cancel returns {@code false}, so a cancel that returns {@code true} guarantees the item is never
 * delivered, and a completed handle guarantees it was enqueued.
 *
 * <p>Threads: the sender creates it; the channel's drain (one thread at a time) claims, completes or
 * fails it; any thread may cancel it or observe it.
 *
 * @param <T> the item type
 */
public final class SendTask<T> extends TaskCore<Void> {

    private T item;

    /**
     * @param scheduler the runtime's compute scheduler
     * @param item the item to send (null only for a handle created already completed)
     */
    public SendTask(ComputeScheduler scheduler, T item) {
        super(scheduler);
        this.item = item;
    }

    /** @return the item; valid after a successful {@link #tryClaim()} */
    public T item() {
        return item;
    }

    /**
     * The drain takes the send: after this it can no longer be cancelled.
     *
     * @return {@code false} if the send was cancelled (the item must be dropped)
     */
    public boolean tryClaim() {
        if (claim()) {
            return true;
        }
        item = null;
        return false;
    }

    /** The claimed item is in the channel: the handle completes. */
    public void enqueued() {
        item = null;
        succeed(null);
    }

    /**
     * The claimed send cannot be delivered: the handle fails.
     *
     * @param error why
     */
    public void reject(Throwable error) {
        item = null;
        fail(error);
    }

    @Override
    boolean cancellableWhileRunning() {
        return false;
    }

    @Override
    void onTerminal() {
        if (isCancelled()) {
            item = null; // a cancelled send must not retain its item
        }
    }

    @Override
    public void run() {
        // never queued on a scheduler: the channel's drain completes it
    }
}
