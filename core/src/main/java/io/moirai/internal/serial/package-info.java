/**
 * The serial executor the adapters' scheduler workers sit on: {@link io.moirai.internal.serial.SerialExecutor}
 * (one drain at a time over an MPSC queue, lent threads by a host {@link java.util.concurrent.Executor})
 * and {@link io.moirai.internal.serial.DeadlineQueue} (delayed items in deadline, then scheduling,
 * order).
 *
 * <p><b>Internal.</b> The classes are public only because the Reactor and RxJava adapters
 * ({@code io.moirai.reactor}, {@code io.moirai.rxjava3}), which are other modules, use them. Nothing
 * else should: there is no compatibility promise, and any of it may change or go in any release.
 *
 * <p>A leaf among core's internals: it uses {@code internal.util} and JCTools, nothing else of Moirai.
 */
package io.moirai.internal.serial;
