package io.moirai.internal.stream;

import io.moirai.internal.flow.Demand;
import io.moirai.internal.flow.Subscriptions;
import io.moirai.internal.runtime.RuntimeCore;
import io.moirai.internal.util.VarHandles;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CancellationException;
import java.util.function.Function;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * The subscription of a cold stream publisher drained by a {@link SerialDrain}: demand
 * ({@code requested}, saturating, §3.17), {@code cancel}, an invalid request (§3.9) and a runtime
 * shutdown are recorded here and signalled to the drain, which reads them through
 * {@link #requested()}, {@link #isCancelled()} and {@link #stopError()}. It also holds the
 * subscriber and ends the stream once ({@link #end}): the one place a stream lets go of its
 * subscriber (§3.13), its shutdown hook and, through {@link #release()}, what the subclass holds; a
 * broken turn ({@link #abort}) ends it the same way.
 *
 * <p>Threads: {@code request}/{@code cancel}/{@code shutDown} from any thread, {@link #isDone()}
 * too; the rest from the drain.
 *
 * @param <E> the element type the subscriber receives
 */
abstract class DrainSubscription<E> extends SerialDrain implements Subscription {

    private static final VarHandle REQUESTED = VarHandles.field(MethodHandles.lookup(), "requested", long.class);

    @SuppressWarnings("unused") private volatile long requested;
    private volatile boolean cancelled;
    private volatile boolean shutDown;
    private volatile Throwable invalidRequest;
    /** Drain thread; null once the stream ended (§3.13). */
    private Subscriber<? super E> downstream;
    /** The stream ended: set by the drain, read by any thread (a timer's driver, for one). */
    private volatile boolean done;

    /**
     * @param runtime the runtime
     * @param downstream the subscriber
     * @throws java.util.concurrent.RejectedExecutionException if it is shut down
     */
    DrainSubscription(RuntimeCore runtime, Subscriber<? super E> downstream) {
        super(runtime);
        this.downstream = downstream;
        register();
    }

    /**
     * Creates a subscription and hands it to its subscriber: {@code onSubscribe}, or, if the runtime
     * is shut down, {@code onSubscribe} then {@code onError(RejectedExecutionException)}. A subscriber
     * that throws from {@code onSubscribe} is treated as cancelled (§2.13) and the error reported.
     *
     * @return the subscription, or null if the runtime refused it
     */
    static <S extends DrainSubscription<?>> S subscribe(RuntimeCore runtime, Subscriber<?> subscriber,
            Function<RuntimeCore, S> factory) {
        Subscriptions.requireSubscriber(subscriber);
        S sub;
        try {
            sub = factory.apply(runtime);
        } catch (RuntimeException shutDown) {
            Subscriptions.error(subscriber, shutDown);
            return null;
        }
        try {
            subscriber.onSubscribe(sub);
        } catch (Throwable t) {
            runtime.scheduler().dropped().report(t);
            sub.cancel();
        }
        return sub;
    }

    @Override
    public final void request(long n) {
        if (!Demand.isValid(n)) {
            invalidRequest = Demand.invalidRequest(n); // §3.9
            signal();
        } else if (Demand.add(REQUESTED, this, n) == 0L) {
            signal();
        }
    }

    @Override
    public final void cancel() {
        if (!cancelled) {
            cancelled = true;
            signal();
        }
    }

    @Override
    final void shutDown() {
        shutDown = true;
    }

    /** @return the outstanding demand */
    final long requested() {
        return requested;
    }

    /** @param emitted items emitted since the last call; subtracted from the demand */
    final void produced(long emitted) {
        if (emitted != 0L) {
            Demand.produced(REQUESTED, this, emitted);
        }
    }

    /** @return whether the subscriber cancelled */
    final boolean isCancelled() {
        return cancelled;
    }

    /** The subscriber is broken (it threw): treat it as cancelled. Drain thread. */
    final void markCancelled() {
        cancelled = true;
    }

    /**
     * @return the error that must end the stream now whatever the data says: an invalid request
     *     (§3.9) or a runtime shutdown; null if none
     */
    final Throwable stopError() {
        Throwable invalid = invalidRequest;
        if (invalid != null) {
            return invalid;
        }
        return shutDown ? new CancellationException("the Moirai runtime shut down") : null;
    }

    /** @return whether {@link #stopError()} would return an error (cheap, for {@code hasWork}) */
    final boolean mustStop() {
        return invalidRequest != null || shutDown;
    }

    /** @return the subscriber, or null once the stream ended. Drain thread. */
    final Subscriber<? super E> downstream() {
        return downstream;
    }

    /** @return whether the stream ended. Any thread. */
    final boolean isDone() {
        return done;
    }

    /**
     * Ends the stream, once: unregisters the shutdown hook, lets the subclass {@link #release()} what
     * it holds, drops the subscriber (§3.13) and, if asked, signals it the terminal signal. Drain
     * thread.
     *
     * @param error the error to signal, or null for {@code onComplete}
     * @param tell whether to signal the subscriber (a cancel signals nothing, §3.7)
     */
    final void end(Throwable error, boolean tell) {
        done = true;
        unregister();
        release();
        Subscriber<? super E> s = downstream;
        downstream = null;
        if (tell && s != null) {
            terminate(s, error);
        }
    }

    /** The stream ended: let go of its source, timer or buffers. Drain thread, once; must not throw. */
    abstract void release();

    @Override
    boolean abort(Throwable error) {
        if (done) {
            return false;
        }
        boolean told = downstream != null;
        markCancelled();
        end(error, true);
        return told;
    }
}
