package io.moirai.tck;

import io.moirai.Moirai;
import io.moirai.task.TaskHandle;
import io.moirai.tck.TaskHandles.Flavour;
import org.reactivestreams.Publisher;
import org.reactivestreams.tck.PublisherVerification;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;

/**
 * Verifies {@link TaskHandle} as a Reactive Streams {@link Publisher} with the Reactive Streams TCK,
 * where the failed publisher is a <em>cancelled</em> task: {@code createFailedPublisher()} is the
 * handle of a pending {@link Moirai#spawnAsync} task that another thread cancels with
 * {@link TaskHandle#cancel()} {@linkplain TaskHandles#PENDING_DELAY a moment later}, while the TCK's
 * subscriber is attached; the TCK then expects {@code onSubscribe} followed by {@code onError}
 * (here a {@code CancellationException}) without any demand (§1.4, §1.9). {@code createPublisher}
 * is the same as in {@link TaskHandlePublisherTckTest} (handles straight from
 * {@link Moirai#spawn}). One runtime with two compute workers serves the whole class.
 *
 * <p><b>Skipped TCK tests</b> (26 of 38, observed; none for a failure). A task handle emits at most
 * one element ({@link #maxElementsFromPublisher()} is 1), so the TCK skips, with "required elements
 * nr: N is higher than supported by given producer: 1", every test that needs a longer stream
 * (needed elements in brackets):
 * {@code required_createPublisher3MustProduceAStreamOfExactly3Elements} [3],
 * {@code required_spec101_subscriptionRequestMustResultInTheCorrectNumberOfProducedElements} (§1.1) [5],
 * {@code required_spec102_maySignalLessThanRequestedAndTerminateSubscription} (§1.2) [3],
 * {@code stochastic_spec103_mustSignalOnMethodsSequentially} (§1.3) [10],
 * {@code required_spec105_mustSignalOnCompleteWhenFiniteStreamTerminates} (§1.5) [3],
 * the three {@code optional_spec111_multicast_*} tests (§1.11) [5, 3, 3],
 * {@code required_spec302_mustAllowSynchronousRequestCallsFromOnNextAndOnSubscribe} (§3.2) [6],
 * {@code required_spec303_mustNotAllowUnboundedRecursion} (§3.3) [2],
 * {@code required_spec306_afterSubscriptionIsCancelledRequestMustBeNops} (§3.6) [3],
 * {@code required_spec309_requestZeroMustSignalIllegalArgumentException},
 * {@code required_spec309_requestNegativeNumberMustSignalIllegalArgumentException} and
 * {@code optional_spec309_requestNegativeNumberMaySignalIllegalArgumentExceptionWithSpecificMessage} (§3.9) [10 each],
 * {@code required_spec312_cancelMustMakeThePublisherToEventuallyStopSignaling} (§3.12) [20],
 * {@code required_spec313_cancelMustMakeThePublisherEventuallyDropAllReferencesToTheSubscriber} (§3.13) [3],
 * {@code required_spec317_mustSupportAPendingElementCountUpToLongMaxValue},
 * {@code required_spec317_mustSupportACumulativePendingElementCountUpToLongMaxValue} [3 each] and
 * {@code required_spec317_mustNotSignalOnErrorWhenPendingAboveLongMaxValue} (§3.17) [{@code Integer.MAX_VALUE}].
 * The seven {@code untested_*} tests (§1.6, §1.7, §1.8, §1.9, §1.10, §3.4, §3.5) skip for every
 * publisher ("Not verified by this TCK."). The rules behind the skipped tests that do apply to a
 * single element (§1.1, §1.3, §3.3, §3.6, §3.9, §3.13, §3.17) are checked for task handles by
 * {@link TaskHandleSingleElementRulesTckTest}.
 */
public class CancelledTaskHandlePublisherTckTest extends PublisherVerification<Integer> {

    private TaskHandles tasks;

    /** Creates the verification with this module's {@linkplain TckSettings timeouts}. */
    public CancelledTaskHandlePublisherTckTest() {
        super(TckSettings.newEnvironment(), TckSettings.PUBLISHER_REFERENCE_GC_TIMEOUT_MILLIS);
    }

    /** Starts the runtime the class's handles run on. */
    @BeforeClass(alwaysRun = true)
    public void startRuntime() {
        tasks = new TaskHandles("cancelled");
    }

    /** Closes the runtime. */
    @AfterClass(alwaysRun = true)
    public void closeRuntime() {
        if (tasks != null) {
            tasks.close();
        }
    }

    @Override
    public Publisher<Integer> createPublisher(long elements) {
        return tasks.succeeding(Flavour.SPAWNED, TaskHandles.resultFor(elements));
    }

    @Override
    public Publisher<Integer> createFailedPublisher() {
        return tasks.cancelledLater();
    }

    @Override
    public long maxElementsFromPublisher() {
        return 1;
    }
}
