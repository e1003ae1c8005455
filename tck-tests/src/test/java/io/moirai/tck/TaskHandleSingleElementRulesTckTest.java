package io.moirai.tck;

import static io.moirai.tck.TaskHandles.VALUE;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertSame;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.fail;

import io.moirai.task.TaskHandle;
import io.moirai.tck.TaskHandles.Flavour;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.reactivestreams.tck.PublisherVerification;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

/**
 * Supplements the {@link PublisherVerification} classes of {@link TaskHandle}: the TCK skips its
 * tests of §1.1, §1.3, §3.3, §3.6, §3.9, §3.13 and §3.17 for a publisher of at most one element,
 * because each of those tests needs 2 to {@code Integer.MAX_VALUE} elements, yet every one of those
 * rules applies to a task handle. This class checks them for a single element, in every
 * {@linkplain Flavour flavour} of handle (spawned, finished, pending {@code spawnAsync}, running
 * {@code spawnBlocking}), with a {@link RecordingSubscriber} that also flags signals before
 * {@code onSubscribe} (§1.9), after a terminal signal (§1.7) and overlapping or re-entrant signals
 * (§1.3, §3.3). It also checks the handle-specific promises of the API contract that the TCK cannot
 * express: each subscriber has its own demand, {@code Subscription.cancel()} detaches that
 * subscriber only, a failure reaches subscribers as the task's own error and a cancelled task as a
 * {@link CancellationException}. Nothing is skipped here.
 */
public class TaskHandleSingleElementRulesTckTest {

    private TaskHandles tasks;

    /** Starts the runtime the class's handles run on. */
    @BeforeClass(alwaysRun = true)
    public void startRuntime() {
        tasks = new TaskHandles("rules");
    }

    /** Closes the runtime. */
    @AfterClass(alwaysRun = true)
    public void closeRuntime() {
        if (tasks != null) {
            tasks.close();
        }
    }

    /** @return every flavour of handle */
    @DataProvider(name = "flavours")
    public Object[][] flavours() {
        Flavour[] flavours = Flavour.values();
        Object[][] rows = new Object[flavours.length][];
        for (int i = 0; i < flavours.length; i++) {
            rows[i] = new Object[] {flavours[i]};
        }
        return rows;
    }

    /** @return every flavour of handle with every kind of invalid demand */
    @DataProvider(name = "invalidDemand")
    public Object[][] invalidDemand() {
        long[] demands = {0L, -1L, Long.MIN_VALUE};
        List<Object[]> rows = new ArrayList<>();
        for (Flavour flavour : Flavour.values()) {
            for (long n : demands) {
                rows.add(new Object[] {flavour, n});
            }
        }
        return rows.toArray(new Object[0][]);
    }

    /**
     * §1.1: no {@code onNext} without demand, and demand is per subscriber: a subscriber that has
     * requested nothing gets nothing (not even {@code onComplete}, which for a value must follow the
     * element), while another subscriber of the same handle gets the element; once the idle one
     * requests, it gets the same element and {@code onComplete}.
     */
    @Test(dataProvider = "flavours")
    public void spec101_noElementWithoutDemandAndDemandIsPerSubscriber(Flavour flavour) {
        TaskHandle<Integer> handle = tasks.succeeding(flavour, VALUE);
        RecordingSubscriber<Integer> requesting = new RecordingSubscriber<>();
        RecordingSubscriber<Integer> idle = new RecordingSubscriber<>();
        handle.subscribe(requesting);
        handle.subscribe(idle);

        requesting.request(1);
        requesting.expectNext(VALUE);
        requesting.expectComplete();

        TaskHandles.finished(handle);
        idle.subscription();
        idle.expectNoSignal("§1.1: a subscriber that requested nothing must receive no onNext (nor the onComplete that follows it)");
        idle.request(1);
        idle.expectNext(VALUE);
        idle.expectComplete();

        requesting.expectNoSignal("§1.7: no signal may follow onComplete");
        requesting.assertNoViolations();
        idle.assertNoViolations();
    }

    /**
     * §3.9: {@code request(n <= 0)} signals {@code onError(IllegalArgumentException)} (whose message
     * names §3.9, as the API contract and the TCK's optional_spec309 test ask); afterwards the
     * subscription counts as cancelled (§1.6), so a valid request is a no-op (§3.6) and no signal
     * follows the error even once the task has finished (§1.7).
     */
    @Test(dataProvider = "invalidDemand")
    public void spec309_nonPositiveRequestSignalsIllegalArgumentException(Flavour flavour, long n) {
        TaskHandle<Integer> handle = tasks.succeeding(flavour, VALUE);
        RecordingSubscriber<Integer> subscriber = new RecordingSubscriber<>();
        handle.subscribe(subscriber);

        subscriber.request(n);
        Throwable error = subscriber.expectError();
        assertTrue(error instanceof IllegalArgumentException,
                "§3.9: request(" + n + ") must signal onError(IllegalArgumentException), got " + error);
        assertTrue(String.valueOf(error.getMessage()).contains("§3.9"),
                "the IllegalArgumentException's message must name §3.9, got: " + error.getMessage());

        subscriber.request(1);
        TaskHandles.finished(handle);
        subscriber.expectNoSignal("§1.6/§1.7: after onError the subscription is cancelled and nothing may follow");
        subscriber.assertNoViolations();
    }

    /**
     * §3.17: demand accumulates up to {@code Long.MAX_VALUE} without overflowing into an error:
     * requesting {@code Long.MAX_VALUE} twice and then 1 more yields the element and
     * {@code onComplete}, nothing else.
     */
    @Test(dataProvider = "flavours")
    public void spec317_demandSaturatesAtLongMaxValue(Flavour flavour) {
        TaskHandle<Integer> handle = tasks.succeeding(flavour, VALUE);
        RecordingSubscriber<Integer> subscriber = new RecordingSubscriber<>();
        handle.subscribe(subscriber);

        subscriber.request(Long.MAX_VALUE);
        subscriber.request(Long.MAX_VALUE);
        subscriber.request(1);
        subscriber.expectNext(VALUE);
        subscriber.expectComplete();

        TaskHandles.finished(handle);
        subscriber.expectNoSignal("§3.17: saturated demand must not cause onError, and §1.7: nothing may follow onComplete");
        subscriber.assertNoViolations();
    }

    /**
     * §3.6, §3.7: after {@code cancel()}, {@code request} (valid or not, so no §3.9 error) and
     * further {@code cancel()} calls are no-ops, and the subscriber gets no signal even once the task
     * has finished. {@code Subscription.cancel()} detaches that subscriber only: the task is not
     * cancelled and a new subscriber still gets the element.
     */
    @Test(dataProvider = "flavours")
    public void spec306_spec307_requestAndCancelAfterCancelAreNoOps(Flavour flavour) {
        TaskHandle<Integer> handle = tasks.succeeding(flavour, VALUE);
        RecordingSubscriber<Integer> cancelled = new RecordingSubscriber<>();
        handle.subscribe(cancelled);

        cancelled.cancel();
        cancelled.cancel();
        cancelled.request(1);
        cancelled.request(0);
        cancelled.request(-1);
        cancelled.cancel();

        TaskHandles.finished(handle);
        cancelled.expectNoSignal("§3.6: after cancel, request must be a no-op (no onNext, no §3.9 onError)");
        cancelled.assertNoViolations();
        assertFalse(handle.isCancelled(), "Subscription.cancel() must detach the subscriber only, not cancel the task");

        RecordingSubscriber<Integer> later = new RecordingSubscriber<>(1, null);
        handle.subscribe(later);
        later.expectNext(VALUE);
        later.expectComplete();
        later.assertNoViolations();
    }

    /**
     * §1.3, §3.2, §3.3: a subscriber that requests synchronously in {@code onSubscribe} and again
     * (1, then {@code Long.MAX_VALUE}) inside {@code onNext} gets the element and {@code onComplete}
     * serially: {@code onComplete} is not delivered re-entrantly from inside {@code onNext}, and no
     * two signals overlap.
     */
    @Test(dataProvider = "flavours")
    public void spec303_requestInsideOnNextDoesNotReenterTheSubscriber(Flavour flavour) {
        TaskHandle<Integer> handle = tasks.succeeding(flavour, VALUE);
        RecordingSubscriber<Integer> subscriber = new RecordingSubscriber<>(1, (subscription, item) -> {
            subscription.request(1);
            subscription.request(Long.MAX_VALUE);
        });
        handle.subscribe(subscriber);

        subscriber.expectNext(VALUE);
        subscriber.expectComplete();
        TaskHandles.finished(handle);
        subscriber.expectNoSignal("§1.7: no signal may follow onComplete");
        subscriber.assertNoViolations();
    }

    /**
     * §1.4: a failed task signals {@code onError} without any demand, carrying the task's own error
     * (not a wrapper), to subscribers that came before and after the failure; afterwards
     * {@code request} is a no-op (§1.6).
     */
    @Test(dataProvider = "flavours")
    public void spec104_failureIsSignalledWithoutDemandAsTheTaskError(Flavour flavour) {
        RuntimeException error = TaskHandles.taskError();
        TaskHandle<Integer> handle = tasks.failing(flavour, error);
        RecordingSubscriber<Integer> early = new RecordingSubscriber<>();
        handle.subscribe(early);

        assertSame(early.expectError(), error, "§1.4: onError must carry the task's own error");
        TaskHandles.finished(handle);
        RecordingSubscriber<Integer> late = new RecordingSubscriber<>();
        handle.subscribe(late);
        assertSame(late.expectError(), error, "§1.4: a subscriber arriving after the failure must get the same error");

        early.request(1);
        late.request(1);
        early.expectNoSignal("§1.6/§1.7: nothing may follow onError");
        late.expectNoSignal("§1.6/§1.7: nothing may follow onError");
        early.assertNoViolations();
        late.assertNoViolations();
    }

    /**
     * §1.4: {@link TaskHandle#cancel()} ends the subscriptions of a pending task with
     * {@code onError(CancellationException)}, without any demand, for subscribers that came before and
     * after the cancellation.
     */
    @Test
    public void spec104_cancelledTaskSignalsCancellationException() {
        TaskHandle<Integer> handle = tasks.controlledBy(new CompletableFuture<>());
        RecordingSubscriber<Integer> early = new RecordingSubscriber<>();
        handle.subscribe(early);
        early.subscription();

        assertTrue(handle.cancel(), "cancel() of a pending task must return true");
        Throwable earlyError = early.expectError();
        assertTrue(earlyError instanceof CancellationException, "expected a CancellationException, got " + earlyError);

        RecordingSubscriber<Integer> late = new RecordingSubscriber<>(1, null);
        handle.subscribe(late);
        Throwable lateError = late.expectError();
        assertTrue(lateError instanceof CancellationException, "expected a CancellationException, got " + lateError);

        early.expectNoSignal("§1.7: nothing may follow onError");
        early.assertNoViolations();
        late.assertNoViolations();
    }

    /**
     * §3.13: cancelled subscribers of a task that is still pending become unreachable from the
     * handle (so a long-pending handle does not leak them), while a subscriber that did not cancel
     * stays attached and gets the element once the task finishes.
     */
    @Test
    public void spec313_cancelledSubscribersOfAPendingTaskAreReleased() throws InterruptedException {
        CompletableFuture<Integer> stage = new CompletableFuture<>();
        TaskHandle<Integer> handle = tasks.controlledBy(stage);
        RecordingSubscriber<Integer> staying = new RecordingSubscriber<>();
        handle.subscribe(staying);
        staying.subscription();

        ReferenceQueue<Object> queue = new ReferenceQueue<>();
        List<WeakReference<Object>> cancelled = subscribeAndCancel(handle, 3, queue);
        awaitCollected(cancelled.size(), queue);

        stage.complete(VALUE);
        staying.request(1);
        staying.expectNext(VALUE);
        staying.expectComplete();
        staying.assertNoViolations();
    }

    private static List<WeakReference<Object>> subscribeAndCancel(
            TaskHandle<Integer> handle, int count, ReferenceQueue<Object> queue) {
        List<WeakReference<Object>> references = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            RecordingSubscriber<Integer> subscriber = new RecordingSubscriber<>();
            handle.subscribe(subscriber);
            subscriber.cancel();
            subscriber.assertNoViolations();
            references.add(new WeakReference<>(subscriber, queue));
        }
        return references;
    }

    private static void awaitCollected(int count, ReferenceQueue<Object> queue) throws InterruptedException {
        long timeout = TckSettings.PUBLISHER_REFERENCE_GC_TIMEOUT_MILLIS;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeout);
        int collected = 0;
        while (collected < count) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                fail("§3.13: only " + collected + " of " + count
                        + " cancelled subscribers became unreachable from the pending handle within " + timeout + " ms");
            }
            System.gc();
            if (queue.remove(Math.min(left, 100)) != null) {
                collected++;
            }
        }
    }
}
