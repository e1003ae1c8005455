/**
 * Micrometer binding for Moirai: {@link io.moirai.micrometer.MoiraiMetrics} registers every figure
 * of a runtime's {@link io.moirai.RuntimeMetrics} as a meter. On the module path this is the
 * automatic module {@code io.moirai.micrometer}.
 *
 * <p>For Reactor pipelines on Moirai, Reactor's own timed scheduler (module
 * {@code reactor-core-micrometer}) wraps the adapter's scheduler as it wraps Reactor's:
 * {@code Micrometer.timedScheduler(MoiraiReactor.scheduler(moirai), registry, "prefix", tags)}
 * times each task and counts submissions, while the tasks still run on Moirai's workers.
 */
package io.moirai.micrometer;
