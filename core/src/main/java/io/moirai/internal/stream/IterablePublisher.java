package io.moirai.internal.stream;

import io.moirai.internal.flow.Demand;
import io.moirai.internal.flow.Subscriptions;
import io.moirai.internal.runtime.RuntimeCore;
import io.moirai.internal.util.VarHandles;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Iterator;
import java.util.concurrent.CancellationException;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * {@code Streams.fromIterable}: a cold publisher; each subscriber gets its own iterator, advanced on
 * the compute workers only as far as the subscriber's demand, at most {@link SerialDrain#BUDGET}
 * items per turn so one subscriber cannot hold a worker.
 *
 * <p>Threads: {@code subscribe} from any thread; the iterable's {@code iterator()}, {@code hasNext()}
 * and {@code next()} are called on the compute workers, one call at a time.
 *
 * @param <T> the item type
 */
public final class IterablePublisher<T> implements Publisher<T> {

    private final RuntimeCore runtime;
    private final Iterable<? extends T> items;

    /**
     * @param runtime the runtime whose workers emit
     * @param items the items
     */
    public IterablePublisher(RuntimeCore runtime, Iterable<? extends T> items) {
        this.runtime = runtime;
        this.items = items;
    }

    @Override
    public void subscribe(Subscriber<? super T> s) {
        Subscriptions.requireSubscriber(s);
        IterableSubscription<T> sub;
        try {
            sub = new IterableSubscription<>(runtime, items, s);
        } catch (RuntimeException shutDown) {
            Subscriptions.error(s, shutDown);
            return;
        }
        try {
            s.onSubscribe(sub);
        } catch (Throwable t) {
            runtime.scheduler().dropped().report(t); // §2.13: treat as cancelled
            sub.cancel();
        }
        sub.start();
    }

    @Override
    public String toString() {
        return "Streams.fromIterable(" + items.getClass().getName() + ")";
    }

    /**
     * One subscriber's iteration. {@code requested} and {@code cancelled} are written by any thread
     * and then {@link #signal()}ed; everything else belongs to the drain.
     */
    static final class IterableSubscription<T> extends SerialDrain implements Subscription {

        private static final VarHandle REQUESTED = VarHandles.field(MethodHandles.lookup(), "requested", long.class);

        private Iterable<? extends T> items;
        private Subscriber<? super T> downstream;
        @SuppressWarnings("unused") private volatile long requested;
        private volatile boolean cancelled;
        private volatile boolean started;
        private volatile boolean shutDown;
        private volatile Throwable invalidRequest;
        // drain thread only
        private Iterator<? extends T> iterator;
        private boolean done;

        IterableSubscription(RuntimeCore runtime, Iterable<? extends T> items, Subscriber<? super T> downstream) {
            super(runtime);
            this.items = items;
            this.downstream = downstream;
            register();
        }

        void start() {
            started = true;
            signal(); // the first turn opens the iterator: an empty iterable completes without demand
        }

        @Override
        public void request(long n) {
            if (!Demand.isValid(n)) {
                invalidRequest = Demand.invalidRequest(n); // §3.9
                signal();
            } else if (Demand.add(REQUESTED, this, n) == 0L) {
                signal();
            }
        }

        @Override
        public void cancel() {
            if (!cancelled) {
                cancelled = true;
                signal();
            }
        }

        @Override
        void shutDown() {
            shutDown = true;
        }

        @Override
        boolean drain(int budget) {
            if (done) {
                return false;
            }
            if (cancelled) {
                finish(null, false);
                return false;
            }
            Throwable stop = invalidRequest;
            if (stop == null && shutDown) {
                stop = new CancellationException("the Moirai runtime shut down");
            }
            if (stop != null) {
                finish(stop, true);
                return false;
            }
            if (!started) {
                return false;
            }
            Subscriber<? super T> s = downstream;
            long r = requested;
            long e = 0L;
            try {
                if (iterator == null) {
                    iterator = items.iterator();
                    if (iterator == null) {
                        throw new NullPointerException("the iterable returned a null iterator");
                    }
                }
                for (;;) {
                    if (!iterator.hasNext()) {
                        produced(e);
                        finish(null, true);
                        return false;
                    }
                    if (e == r) {
                        r = requested;
                        if (e == r) {
                            break;
                        }
                    }
                    if (e == budget) {
                        produced(e);
                        return true;
                    }
                    T item = iterator.next();
                    if (item == null) {
                        throw new NullPointerException("§2.13: the iterable produced a null element");
                    }
                    e++;
                    try {
                        s.onNext(item);
                    } catch (Throwable t) {
                        scheduler.dropped().report(t); // §2.13: the subscriber is broken
                        cancelled = true;
                        finish(null, false);
                        return false;
                    }
                    if (cancelled) {
                        finish(null, false);
                        return false;
                    }
                }
            } catch (Throwable t) {
                finish(t, true); // the iterable failed
                return false;
            }
            produced(e);
            return false;
        }

        private void produced(long e) {
            if (e != 0L) {
                Demand.produced(REQUESTED, this, e);
            }
        }

        /** Ends the subscription once: signals the subscriber if asked, releases the references (§3.13). */
        private void finish(Throwable error, boolean signal) {
            done = true;
            unregister();
            Subscriber<? super T> s = downstream;
            downstream = null;
            iterator = null;
            items = null;
            if (!signal || s == null) {
                return;
            }
            try {
                if (error == null) {
                    s.onComplete();
                } else {
                    s.onError(error);
                }
            } catch (Throwable t) {
                scheduler.dropped().report(t);
            }
        }

        @Override
        boolean hasWork() {
            if (done) {
                return false;
            }
            return cancelled || shutDown || invalidRequest != null || (started && requested != 0L);
        }
    }
}
