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
 * {@link #requested()}, {@link #isCancelled()} and {@link #stopError()}.
 *
 * <p>Threads: {@code request}/{@code cancel}/{@code shutDown} from any thread; the rest from the drain.
 */
abstract class DrainSubscription extends SerialDrain implements Subscription {

    private static final VarHandle REQUESTED = VarHandles.field(MethodHandles.lookup(), "requested", long.class);

    @SuppressWarnings("unused") private volatile long requested;
    private volatile boolean cancelled;
    private volatile boolean shutDown;
    private volatile Throwable invalidRequest;

    /**
     * @param runtime the runtime
     * @throws java.util.concurrent.RejectedExecutionException if it is shut down
     */
    DrainSubscription(RuntimeCore runtime) {
        super(runtime);
        register();
    }

    /**
     * Creates a subscription and hands it to its subscriber: {@code onSubscribe}, or, if the runtime
     * is shut down, {@code onSubscribe} then {@code onError(RejectedExecutionException)}. A subscriber
     * that throws from {@code onSubscribe} is treated as cancelled (§2.13) and the error reported.
     *
     * @return the subscription, or null if the runtime refused it
     */
    static <S extends DrainSubscription> S subscribe(RuntimeCore runtime, Subscriber<?> subscriber,
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
}
