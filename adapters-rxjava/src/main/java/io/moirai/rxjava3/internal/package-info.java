/**
 * Internals of the RxJava 3 adapter: the task bridges behind {@code MoiraiRx.toSingle},
 * {@code toMaybe} and {@code toCompletable}, and the {@code Scheduler} on Moirai's threads. Not API:
 * everything here may change without notice; use {@link io.moirai.rxjava3.MoiraiRx}.
 */
package io.moirai.rxjava3.internal;
