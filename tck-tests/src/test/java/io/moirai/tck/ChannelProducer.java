package io.moirai.tck;

import io.moirai.Moirai;
import io.moirai.stream.Channel;
import io.moirai.task.TaskHandle;
import io.moirai.task.TaskResult;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;

/**
 * Feeds a {@link Channel} the integers {@code 0, 1, ..., count - 1} with {@link Channel#send}, then
 * {@link Channel#close()}s it, the way a backpressured producer uses a channel: it sends the next
 * item as soon as the previous {@code send} handle has completed (the item was enqueued), so it never
 * holds more than one pending send and never holds a thread while the channel is full. The close
 * follows the completion of the last send, so the receiver sees every item, then {@code onComplete}.
 *
 * <p>How it runs: {@link #start()} submits it to the compute workers with {@link Moirai#execute};
 * {@link #run()} sends items for as long as their handles complete at once (there was room), and
 * when a handle is still pending it returns and registers a callback that submits it again once the
 * item is enqueued (a fresh task, so a long stream never recurses through the callbacks). After
 * {@value #BATCH} items in one run it resubmits itself as well, so a producer never keeps a worker
 * from the channel's own drain for long.
 *
 * <p>It stops for good, without closing the channel, when {@link #stop()} was called (the TCK class
 * does it after every test, which bounds the producer of a stream the TCK cancelled, such as the
 * §3.17 test's {@code Integer.MAX_VALUE} items, to the test that made it), when {@code send} throws
 * or its handle fails or is cancelled (the channel no longer takes items, for example because its
 * subscriber cancelled), or when the runtime rejects the resubmission (it is shutting down).
 *
 * <p>Threads: {@link #run()} is never executed by two threads at once (each run is submitted by the
 * previous one, directly or through a completed handle, which also orders their memory effects), so
 * {@link #next} needs no synchronization; {@link #stop()} may be called from any thread.
 */
final class ChannelProducer implements Runnable {

    /** Items sent in one run before the producer resubmits itself. */
    static final int BATCH = 1024;

    private final Moirai moirai;
    private final Channel<Integer> channel;
    private final long count;
    /** The next item to send; touched only by {@link #run()}. */
    private long next;
    private volatile boolean stopped;

    /**
     * @param moirai the runtime to run on (the channel's)
     * @param channel the channel to feed
     * @param count how many items to send before closing, 0 to {@code Integer.MAX_VALUE}
     */
    ChannelProducer(Moirai moirai, Channel<Integer> channel, long count) {
        if (count < 0 || count > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("count must be in [0, Integer.MAX_VALUE], got " + count);
        }
        this.moirai = moirai;
        this.channel = channel;
        this.count = count;
    }

    /** Starts producing on the compute workers. */
    void start() {
        moirai.execute(this);
    }

    /** Makes the producer stop before its next item; an item already sent stays sent. */
    void stop() {
        stopped = true;
    }

    @Override
    public void run() {
        for (int sentInThisRun = 0; !stopped; sentInThisRun++) {
            if (next == count) {
                channel.close();
                return;
            }
            if (sentInThisRun == BATCH) {
                resubmit();
                return;
            }
            TaskHandle<Void> sent;
            try {
                sent = channel.send((int) next);
            } catch (IllegalStateException | RejectedExecutionException noLongerTaken) {
                return;
            }
            next++;
            if (!sent.isFinished()) {
                sent.toCompletableFuture().whenComplete((ignored, error) -> {
                    if (error == null) {
                        resubmit();
                    }
                });
                return;
            }
            Optional<TaskResult<Void>> outcome = sent.tryJoin();
            if (outcome.isEmpty() || !(outcome.get() instanceof TaskResult.Success)) {
                return;
            }
        }
    }

    private void resubmit() {
        if (stopped) {
            return;
        }
        try {
            moirai.execute(this);
        } catch (RejectedExecutionException shuttingDown) {
            // the class's runtime is closing: nothing left to feed
        }
    }

    @Override
    public String toString() {
        return "ChannelProducer[" + next + " of " + count + " sent" + (stopped ? ", stopped" : "") + "]";
    }
}
