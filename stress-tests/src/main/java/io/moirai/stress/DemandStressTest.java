package io.moirai.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.moirai.Moirai;
import io.moirai.internal.flow.Demand;
import io.moirai.stream.Streams;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Iterator;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.JJJ_Result;
import org.openjdk.jcstress.infra.results.LL_Result;
import org.openjdk.jcstress.infra.results.L_Result;
import org.reactivestreams.Publisher;

/**
 * Demand accounting: {@code request(n)} racing the emitter's {@code produced(k)} and {@code cancel()}.
 * First on a bare field through {@link Demand}'s helpers (the arithmetic every publisher shares:
 * saturating {@code add}, §3.17, and {@code produced}), then through a real publisher's subscription
 * ({@link Streams#fromIterable} over an endless iterable, drained on the compute workers).
 * Proves: no request is lost or counted twice, unbounded demand stays unbounded, a publisher never
 * emits more than was requested (§1.1) and delivers everything that was, and a cancel racing a
 * request ends the stream without a terminal signal (§3.7) and without an element beyond the demand.
 */
public final class DemandStressTest {

    static final Moirai RUNTIME = StressSupport.runtime("demand", 1);

    private DemandStressTest() {}

    /** A {@code long} demand field operated on by {@link Demand}'s {@code VarHandle} helpers. */
    static class DemandField {
        static final VarHandle REQUESTED;

        static {
            try {
                REQUESTED = MethodHandles.lookup().findVarHandle(DemandField.class, "requested", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        volatile long requested;

        DemandField(long initial) {
            requested = initial;
        }
    }

    /** {@code add} racing {@code produced} on a bounded demand. */
    @JCStressTest
    @Description("Demand.add(5) racing Demand.produced(3) from 10: the result is 12 whatever the order")
    @Outcome(id = "10, 12, 12", expect = ACCEPTABLE, desc = "add first: it saw 10, produced left 12")
    @Outcome(id = "7, 7, 12", expect = ACCEPTABLE, desc = "produced first: it left 7, add saw 7")
    @Outcome(expect = FORBIDDEN, desc = "an update was lost or applied twice")
    @State
    public static class AddVsProduced extends DemandField {
        public AddVsProduced() {
            super(10);
        }

        @Actor
        public void request(JJJ_Result r) {
            r.r1 = Demand.add(REQUESTED, this, 5);
        }

        @Actor
        public void emit(JJJ_Result r) {
            r.r2 = Demand.produced(REQUESTED, this, 3);
        }

        @Arbiter
        public void arbiter(JJJ_Result r) {
            r.r3 = requested;
        }
    }

    /** §3.17: a request that saturates makes the demand unbounded for good, whatever {@code produced} does. */
    @JCStressTest
    @Description("Demand.add(5) racing Demand.produced(3) from Long.MAX_VALUE - 1: the demand ends unbounded (§3.17)")
    @Outcome(id = "9223372036854775806, 9223372036854775807, 9223372036854775807", expect = ACCEPTABLE,
            desc = "add first: saturated to Long.MAX_VALUE, which produced leaves alone")
    @Outcome(id = "9223372036854775803, 9223372036854775803, 9223372036854775807", expect = ACCEPTABLE,
            desc = "produced first: it left MAX - 4, add saturated it")
    @Outcome(expect = FORBIDDEN, desc = "the demand overflowed or unbounded demand was decremented")
    @State
    public static class SaturationIsSticky extends DemandField {
        public SaturationIsSticky() {
            super(Long.MAX_VALUE - 1);
        }

        @Actor
        public void request(JJJ_Result r) {
            r.r1 = Demand.add(REQUESTED, this, 5);
        }

        @Actor
        public void emit(JJJ_Result r) {
            r.r2 = Demand.produced(REQUESTED, this, 3);
        }

        @Arbiter
        public void arbiter(JJJ_Result r) {
            r.r3 = requested;
        }
    }

    /** Two {@code add}s racing. */
    @JCStressTest
    @Description("Demand.add(3) racing Demand.add(4) from 0: both counted")
    @Outcome(id = {"0, 3, 7", "4, 0, 7"}, expect = ACCEPTABLE, desc = "both requests counted, each saw the other or nothing")
    @Outcome(expect = FORBIDDEN, desc = "a request was lost")
    @State
    public static class AddVsAdd extends DemandField {
        public AddVsAdd() {
            super(0);
        }

        @Actor
        public void first(JJJ_Result r) {
            r.r1 = Demand.add(REQUESTED, this, 3);
        }

        @Actor
        public void second(JJJ_Result r) {
            r.r2 = Demand.add(REQUESTED, this, 4);
        }

        @Arbiter
        public void arbiter(JJJ_Result r) {
            r.r3 = requested;
        }
    }

    /** An endless iterable of 0, 1, 2, ... (each subscriber gets its own iterator). */
    static final Iterable<Integer> NATURALS = () -> new Iterator<>() {
        private int next;

        @Override
        public boolean hasNext() {
            return true;
        }

        @Override
        public Integer next() {
            return next++;
        }
    };

    static final Publisher<Integer> ENDLESS = Streams.fromIterable(RUNTIME, NATURALS);

    /**
     * Two requests racing each other and the drain that emits and calls {@code produced}: the first
     * request schedules a drain on the worker, which emits and subtracts while the second request adds.
     */
    @JCStressTest
    @Description("fromIterable: request(3) racing request(4) and the worker's produced(): exactly 7 elements, in order, none beyond the demand")
    @Outcome(id = "N0N1N2N3N4N5N6, 7", expect = ACCEPTABLE, desc = "exactly the 7 requested elements, in order")
    @Outcome(expect = FORBIDDEN, desc = "an element beyond the demand (!), a lost request (fewer than 7 within the wait), or a terminal signal")
    @State
    public static class IterableRequestVsRequest {
        final Recorder<Integer> subscriber = new Recorder<>(0);

        public IterableRequestVsRequest() {
            ENDLESS.subscribe(subscriber);
        }

        @Actor
        public void first() {
            subscriber.request(3);
        }

        @Actor
        public void second() {
            subscriber.request(4);
        }

        @Arbiter
        public void arbiter(LL_Result r) {
            subscriber.awaitCount(7);
            r.r1 = subscriber.text();
            r.r2 = subscriber.received();
            subscriber.cancel();
        }
    }

    /** A request racing a cancel: whatever arrives stays within the demand and no terminal signal follows. */
    @JCStressTest
    @Description("fromIterable: request(5) racing cancel(): no element beyond the demand, no terminal signal (§3.7)")
    @Outcome(id = {"nothing", "N0", "N0N1", "N0N1N2", "N0N1N2N3", "N0N1N2N3N4"}, expect = ACCEPTABLE,
            desc = "a prefix of the requested elements (the cancel stops the drain somewhere), no terminal signal")
    @Outcome(expect = FORBIDDEN, desc = "an element beyond the demand (!), or onComplete/onError after a plain cancel")
    @State
    public static class IterableRequestVsCancel {
        final Recorder<Integer> subscriber = new Recorder<>(0);

        public IterableRequestVsCancel() {
            ENDLESS.subscribe(subscriber);
        }

        @Actor
        public void requester() {
            subscriber.request(5);
        }

        @Actor
        public void canceller() {
            subscriber.cancel();
        }

        @Arbiter
        public void arbiter(L_Result r) {
            r.r1 = subscriber.text();
        }
    }
}
