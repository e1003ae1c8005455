package io.moirai.internal.flow;

import java.util.Objects;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * Subscription helpers shared by every publisher: the no-op subscription handed out before an
 * immediate error, subscriber validation (§1.9) and the answer of a unicast publisher to a second
 * subscriber. Stateless; callable from any thread.
 */
public final class Subscriptions {

    private Subscriptions() {}

    /**
     * A subscription that ignores {@code request} and {@code cancel}; also used as the "cancelled"
     * sentinel in atomic subscription fields.
     */
    public static final Subscription CANCELLED = new Subscription() {
        @Override
        public void request(long n) {
            // a finished or cancelled subscription ignores requests (§3.6)
        }

        @Override
        public void cancel() {
            // idempotent (§3.5)
        }

        @Override
        public String toString() {
            return "Subscriptions.CANCELLED";
        }
    };

    /**
     * Rejects a null subscriber by throwing, as §1.9 requires.
     *
     * @param subscriber the subscriber passed to {@code subscribe}
     * @param <S> the subscriber type
     * @return the subscriber
     * @throws NullPointerException naming §1.9 if it is null
     */
    public static <S extends Subscriber<?>> S requireSubscriber(S subscriber) {
        return Objects.requireNonNull(subscriber, "§1.9 violated: subscriber must not be null");
    }

    /**
     * Signals {@code onSubscribe} with a no-op subscription, then {@code onError(error)} (§1.9 first,
     * then the error).
     *
     * @param subscriber the subscriber
     * @param error the error to signal
     */
    public static void error(Subscriber<?> subscriber, Throwable error) {
        subscriber.onSubscribe(CANCELLED);
        subscriber.onError(error);
    }

    /**
     * Sends the terminal signal: {@code onComplete} if {@code error} is null, else {@code onError}.
     * What the subscriber throws is reported, not rethrown (§2.13: the subscriber is then broken, and
     * nothing more is signalled to it anyway).
     *
     * @param subscriber the subscriber signalled for the last time
     * @param error null for {@code onComplete}
     * @param report where a throwing subscriber's error goes
     */
    public static void terminate(Subscriber<?> subscriber, Throwable error,
            java.util.function.Consumer<? super Throwable> report) {
        try {
            if (error == null) {
                subscriber.onComplete();
            } else {
                subscriber.onError(error);
            }
        } catch (Throwable t) {
            report.accept(t);
        }
    }

    /**
     * Cancels an upstream subscription whose {@code cancel} might throw (§3.15 says it must not): the
     * throw is handed to {@code report}, so a broken upstream cannot stop the caller from ending its
     * own stream.
     *
     * @param upstream the subscription to cancel
     * @param report where a throw from {@code cancel} goes
     */
    public static void cancelQuietly(Subscription upstream, java.util.function.Consumer<? super Throwable> report) {
        try {
            upstream.cancel();
        } catch (Throwable t) {
            report.accept(t);
        }
    }

    /**
     * Refuses a subscription that a single-subscription subscriber cannot take (§2.5: it has an
     * active one already, or it has ended): cancels it and reports an {@link IllegalStateException}
     * naming the subscriber, so the refused source is never dropped silently.
     *
     * @param refused the subscription to cancel
     * @param subscriber a description of the subscriber, for the message
     * @param why why it cannot take the subscription
     * @param report where the error (and a throw from {@code cancel}) goes
     */
    public static void refuse(Subscription refused, String subscriber, String why,
            java.util.function.Consumer<? super Throwable> report) {
        cancelQuietly(refused, report);
        report.accept(new IllegalStateException(
                "§2.5: " + subscriber + " " + why + "; the new subscription was cancelled"));
    }

    /**
     * Answers a second subscriber of a unicast publisher: {@code onSubscribe} then
     * {@code onError(IllegalStateException)}.
     *
     * @param subscriber the rejected subscriber
     * @param publisher a description of the publisher, for the message
     */
    public static void rejectSecondSubscriber(Subscriber<?> subscriber, String publisher) {
        error(subscriber, new IllegalStateException(publisher + " allows only one subscriber"));
    }
}
