package io.moirai.internal.io;

import io.moirai.internal.flow.Demand;
import io.moirai.internal.flow.Subscriptions;
import io.moirai.internal.util.VarHandles;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * The subscription of a unicast publisher whose items come from a channel's readiness (bytes read,
 * connections accepted): every signal is emitted on the channel's driver thread, so signals are
 * serial (§1.3) without a lock, and the channel is asked for an item only while there is demand.
 *
 * <p><b>Protocol.</b> {@code request} and {@code cancel} (any thread) update {@code requested} or
 * {@code cancelled} and kick the drain: directly when called on the driver thread (a {@code request}
 * made inside {@code onNext} only adds demand, the running drain picks it up: §3.3), otherwise through
 * the owner's update bit. The driver signals nothing before {@link #attach()}, which the owner calls
 * once {@code onSubscribe} has returned. The drain asks {@link #produce()} for one item per unit of
 * demand, at most {@value #BATCH} per turn, and tells the subclass when demand runs out
 * ({@link #pause()}: drop the interest). Whatever ends the stream goes through {@link #end}, exactly
 * once; an end that comes before {@code attach} waits for it.
 *
 * <p>Threads: {@code request}/{@code cancel} any thread; everything else the driver thread.
 *
 * @param <T> the item type
 */
public abstract class LoopSubscription<T> implements Subscription {

    /** Items emitted per drain at most before yielding to the driver's other channels. */
    static final int BATCH = 16;
    private static final Object COMPLETE = new Object();
    private static final VarHandle REQUESTED = VarHandles.field(MethodHandles.lookup(), "requested", long.class);

    private final IoHandler owner;
    private final int updateBit;
    private Subscriber<? super T> downstream;
    private volatile long requested;
    private volatile boolean cancelled;
    private volatile Throwable invalidRequest;
    // driver thread
    private boolean attached;
    private boolean draining;
    private boolean terminated;
    private Object pendingEnd;

    /**
     * @param owner the channel's handler
     * @param updateBit the owner's update bit that makes the driver call {@link #drain()}
     * @param downstream the subscriber
     */
    protected LoopSubscription(IoHandler owner, int updateBit, Subscriber<? super T> downstream) {
        this.owner = owner;
        this.updateBit = updateBit;
        this.downstream = downstream;
    }

    @Override
    public final void request(long n) {
        if (!Demand.isValid(n)) {
            if (invalidRequest == null) {
                invalidRequest = Demand.invalidRequest(n); // §3.9
            }
            kick();
        } else if (Demand.add(REQUESTED, this, n) == 0L) {
            kick();
        }
    }

    @Override
    public final void cancel() {
        if (!cancelled) {
            cancelled = true;
            kick();
        }
    }

    private void kick() {
        if (owner.driver.inLoop()) {
            drain();
        } else {
            owner.requestUpdate(updateBit);
        }
    }

    /** @return whether the subscriber cancelled (any thread) */
    protected final boolean isCancelled() {
        return cancelled;
    }

    /** @return whether the stream ended or was cancelled; driver thread */
    protected final boolean isTerminated() {
        return terminated || cancelled;
    }

    /** {@code onSubscribe} returned: signals may flow. Driver thread, once. */
    public final void attach() {
        attached = true;
        Object end = pendingEnd;
        if (end != null) {
            pendingEnd = null;
            terminated = false;
            end(end == COMPLETE ? null : (Throwable) end);
            return;
        }
        drain();
    }

    /** Emits while there is demand and {@link #produce()} has items. Driver thread; reentrancy-safe. */
    public final void drain() {
        if (!attached || terminated || draining) {
            return;
        }
        draining = true;
        try {
            for (int emitted = 0; ; ) {
                if (cancelled) {
                    terminated = true;
                    downstream = null; // §3.13
                    pause();
                    return;
                }
                Throwable invalid = invalidRequest;
                if (invalid != null) {
                    pause();
                    end(invalid);
                    return;
                }
                if (requested == 0L) {
                    pause();
                    return;
                }
                if (emitted == BATCH) {
                    owner.requestUpdate(updateBit); // yield: continue after the driver's other work
                    return;
                }
                T item = produce();
                if (item == null) {
                    return; // produce armed the interest, or ended the stream
                }
                emitted++;
                Demand.produced(REQUESTED, this, 1L);
                try {
                    downstream.onNext(item);
                } catch (Throwable t) {
                    cancelled = true; // §2.13: the subscriber is broken
                    owner.driver.dropped().report(t);
                }
            }
        } catch (IOException e) {
            failed(e);
        } finally {
            draining = false;
        }
    }

    /**
     * Ends the stream: {@code onComplete} if {@code error} is null, else {@code onError}. Once; does
     * nothing after cancel. Driver thread.
     *
     * @param error the error, or null
     */
    public final void end(Throwable error) {
        if (terminated || cancelled) {
            return;
        }
        terminated = true;
        if (!attached) {
            pendingEnd = error == null ? COMPLETE : error;
            return;
        }
        Subscriber<? super T> s = downstream;
        downstream = null; // §3.13
        Subscriptions.terminate(s, error, owner.driver.dropped()::report);
    }

    /**
     * The next item, or null when there is none now (the subclass then registers interest, or ends
     * the stream through {@link #end}). Driver thread.
     *
     * @return an item or null
     * @throws IOException if the channel failed; the subclass's {@link #failed} handles it
     */
    protected abstract T produce() throws IOException;

    /** No demand, cancelled or ended: stop asking the selector for readiness. Driver thread. */
    protected abstract void pause();

    /**
     * {@link #produce()} failed. Driver thread.
     *
     * @param e the failure
     */
    protected abstract void failed(IOException e);
}
