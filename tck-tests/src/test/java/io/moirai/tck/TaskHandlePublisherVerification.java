package io.moirai.tck;

import io.moirai.task.TaskHandle;
import io.moirai.tck.TaskHandles.Flavour;
import org.reactivestreams.Publisher;
import org.reactivestreams.tck.PublisherVerification;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;

/**
 * The Reactive Streams TCK {@link PublisherVerification} of {@link TaskHandle}, shared by the
 * {@code *TaskHandlePublisherTckTest} classes, which differ only in the kind of handle they give the
 * TCK ({@link Flavour}). Each concrete class gets its own runtime with two compute workers, started
 * before its tests and closed after them. {@code createPublisher(0)} is a task returning
 * {@code null} ({@code onComplete} alone), {@code createPublisher(1)} one returning a value,
 * {@code createFailedPublisher()} one that throws.
 *
 * <p><b>Skipped TCK tests</b> (26 of 38 in every subclass, observed; none for a failure). A task handle emits at most
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
public abstract class TaskHandlePublisherVerification extends PublisherVerification<Integer> {

    private final String name;
    private final Flavour flavour;
    private TaskHandles tasks;

    /**
     * @param name names the runtime's threads
     * @param flavour the kind of handle the TCK gets
     */
    protected TaskHandlePublisherVerification(String name, Flavour flavour) {
        super(TckSettings.newEnvironment(), TckSettings.PUBLISHER_REFERENCE_GC_TIMEOUT_MILLIS);
        this.name = name;
        this.flavour = flavour;
    }

    /** Starts the runtime the class's handles run on. */
    @BeforeClass(alwaysRun = true)
    public void startRuntime() {
        tasks = new TaskHandles(name);
    }

    /** Closes the runtime. */
    @AfterClass(alwaysRun = true)
    public void closeRuntime() {
        if (tasks != null) {
            tasks.close();
        }
    }

    /** @return the factory of this class's handles */
    protected TaskHandles tasks() {
        return tasks;
    }

    @Override
    public Publisher<Integer> createPublisher(long elements) {
        return tasks.succeeding(flavour, TaskHandles.resultFor(elements));
    }

    @Override
    public Publisher<Integer> createFailedPublisher() {
        return tasks.failing(flavour, TaskHandles.taskError());
    }

    @Override
    public long maxElementsFromPublisher() {
        return 1;
    }
}
