/**
 * RxJava 3 adapter for Moirai: {@link io.moirai.rxjava3.MoiraiRx} turns Moirai's publishers and task
 * handles into {@code Flowable}, {@code Single}, {@code Maybe} and {@code Completable}, and provides
 * RxJava {@code Scheduler}s running on a runtime's compute workers or blocking pool.
 */
package io.moirai.rxjava3;
