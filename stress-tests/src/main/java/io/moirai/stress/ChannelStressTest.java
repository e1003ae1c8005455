package io.moirai.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.moirai.Moirai;
import io.moirai.stream.Channel;
import io.moirai.task.TaskHandle;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;
import org.openjdk.jcstress.infra.results.LLL_Result;
import org.openjdk.jcstress.infra.results.LL_Result;

/**
 * {@link Channel}: producers racing {@code close()} and the drain. The buffer, the waiting sends and
 * the late-producer protocol of {@code ChannelCore} must make a send's report and the subscriber agree:
 * an item reported accepted ({@code trySend} true, a completed {@code send} handle) is always
 * delivered, before the terminal signal; a refused one ({@code false}, an exception, a failed or
 * cancelled handle) never is. Every state's subscriber requests without bound, so the drain runs on
 * the compute worker concurrently with the actors.
 */
public final class ChannelStressTest {

    static final Moirai RUNTIME = StressSupport.runtime("channel", 1);

    private ChannelStressTest() {}

    /** Describes whether item 1 reached the subscriber before its terminal signal. */
    static String delivered(Recorder<Integer> subscriber) {
        if (!subscriber.awaitTerminal()) {
            return "no-terminal-signal";
        }
        String t = subscriber.text();
        return t.contains("!") ? "violation:" + t : t.contains("N1") ? "delivered" : "not-delivered";
    }

    /** {@code trySend} racing {@code close}, on an empty channel whose subscriber drains at once. */
    @JCStressTest
    @Description("trySend(1) racing close(): an accepted item is delivered, a refused one never")
    @Outcome(id = "accepted, delivered", expect = ACCEPTABLE, desc = "trySend returned true before the close; the item arrived, then onComplete")
    @Outcome(id = "closed, not-delivered", expect = ACCEPTABLE, desc = "the close came first: trySend threw IllegalStateException; onComplete alone")
    @Outcome(id = "refused, not-delivered", expect = ACCEPTABLE_INTERESTING, desc = "the close landed while the item went in: trySend returned false and the item was taken back")
    @Outcome(expect = FORBIDDEN, desc = "an accepted item was lost, a refused one delivered, or the subscriber never completed")
    @State
    public static class TrySendVsClose {
        final Channel<Integer> channel = Channel.bounded(RUNTIME, 4);
        final Recorder<Integer> subscriber = new Recorder<>(Long.MAX_VALUE);

        public TrySendVsClose() {
            channel.receiver().subscribe(subscriber);
        }

        @Actor
        public void producer(LL_Result r) {
            try {
                r.r1 = channel.trySend(1) ? "accepted" : "refused";
            } catch (IllegalStateException closed) {
                r.r1 = "closed";
            }
        }

        @Actor
        public void closer() {
            channel.close();
        }

        @Arbiter
        public void arbiter(LL_Result r) {
            r.r2 = delivered(subscriber);
        }
    }

    /**
     * {@code send} racing {@code close} on a full channel (capacity 1, item 0 already in the buffer):
     * the send either takes the fast path once the drain freed the slot or waits as a handle that the
     * drain moves in, or finds the channel closed.
     */
    @JCStressTest
    @Description("send(1) on a full channel racing close(): a completed handle means delivered, a failed one means not")
    @Outcome(id = "SUCCEEDED, delivered", expect = ACCEPTABLE, desc = "the send completed (fast path or moved in by the drain) and the item arrived before onComplete")
    @Outcome(id = "FAILED, not-delivered", expect = ACCEPTABLE, desc = "the channel was closed first: the handle failed (IllegalStateException) and the item never arrived")
    @Outcome(expect = FORBIDDEN, desc = "the handle's outcome and the delivery disagree, or something never ended")
    @State
    public static class SendVsClose {
        final Channel<Integer> channel = Channel.bounded(RUNTIME, 1);
        final Recorder<Integer> subscriber = new Recorder<>(Long.MAX_VALUE);
        volatile TaskHandle<Void> send;

        public SendVsClose() {
            channel.trySend(0);
            channel.receiver().subscribe(subscriber);
        }

        @Actor
        public void producer() {
            send = channel.send(1);
        }

        @Actor
        public void closer() {
            channel.close();
        }

        @Arbiter
        public void arbiter(LL_Result r) {
            int outcome = StressSupport.join(send);
            r.r1 = outcome == StressSupport.SUCCEEDED ? "SUCCEEDED" : outcome == StressSupport.FAILED ? "FAILED" : "code-" + outcome;
            r.r2 = delivered(subscriber);
        }
    }

    /**
     * A waiting send's {@code cancel()} racing the drain that claims it: the subscriber's request frees
     * the slot, and the drain claims the waiting send to move it in.
     */
    @JCStressTest
    @Description("cancel() of a waiting send racing the drain that moves it in: cancel() true means never delivered")
    @Outcome(id = "true, CANCELLED, not-delivered", expect = ACCEPTABLE, desc = "the cancel won: the item was withdrawn")
    @Outcome(id = "false, SUCCEEDED, delivered", expect = ACCEPTABLE, desc = "the drain claimed the send first: cancel() returned false, the item arrived")
    @Outcome(expect = FORBIDDEN, desc = "a cancelled send was delivered, or a send whose cancel failed was lost")
    @State
    public static class WaitingSendCancelVsDrain {
        final Channel<Integer> channel = Channel.bounded(RUNTIME, 1);
        final Recorder<Integer> subscriber = new Recorder<>(0);
        final TaskHandle<Void> send;

        public WaitingSendCancelVsDrain() {
            channel.trySend(0);
            send = channel.send(1); // the buffer is full: this send waits
            channel.receiver().subscribe(subscriber);
        }

        @Actor
        public void canceller(LLL_Result r) {
            r.r1 = String.valueOf(send.cancel());
        }

        @Actor
        public void receiver() {
            subscriber.request(Long.MAX_VALUE);
        }

        @Arbiter
        public void arbiter(LLL_Result r) {
            int outcome = StressSupport.join(send);
            r.r2 = outcome == StressSupport.SUCCEEDED ? "SUCCEEDED" : outcome == StressSupport.CANCELLED ? "CANCELLED" : "code-" + outcome;
            channel.close();
            r.r3 = delivered(subscriber);
        }
    }

    /** Two producers racing for the last free slot while the drain may free another. */
    @JCStressTest
    @Description("two trySend calls racing the drain on a channel of capacity 1: every accepted item is delivered, in the order accepted")
    @Outcome(id = {"1, 1", "1, 0", "0, 1"}, expect = ACCEPTABLE, desc = "at least one accepted (both when the drain emptied the slot in between); each accepted item delivered, nothing else")
    @Outcome(expect = FORBIDDEN, desc = "neither accepted (the slot was free), or an accepted item was lost, or a refused one delivered")
    @State
    public static class TrySendVsTrySend {
        final Channel<Integer> channel = Channel.bounded(RUNTIME, 1);
        final Recorder<Integer> subscriber = new Recorder<>(Long.MAX_VALUE);
        volatile boolean first;
        volatile boolean second;

        public TrySendVsTrySend() {
            channel.receiver().subscribe(subscriber);
        }

        @Actor
        public void producer1() {
            first = channel.trySend(1);
        }

        @Actor
        public void producer2() {
            second = channel.trySend(2);
        }

        @Arbiter
        public void arbiter(II_Result r) {
            channel.close();
            boolean ended = subscriber.awaitTerminal();
            String t = subscriber.text();
            boolean consistent = ended && !t.contains("!")
                    && t.contains("N1") == first && t.contains("N2") == second;
            r.r1 = consistent ? (first ? 1 : 0) : -1;
            r.r2 = consistent ? (second ? 1 : 0) : -1;
        }
    }
}
