/**
 * The scale-out example: a coordinator streams records over RSocket (on Moirai TCP) to worker
 * processes that map them with {@code Streams.parallelMap}, merges the results back in source order
 * and ends in a deliberately slow sink, whose demand travels back to the coordinator's source as
 * RSocket REQUEST_N frames, two hops away.
 *
 * <ul>
 *   <li>{@link io.moirai.examples.scale.ScaleWorker}: the worker's RSocket server;
 *   <li>{@link io.moirai.examples.scale.ScaleCoordinator}: the source, the round-robin split, the
 *       ordered merge and the sink;
 *   <li>{@link io.moirai.examples.scale.WorkerProcesses}: workers as child JVMs on loopback, for the
 *       one-command demo;
 *   <li>{@link io.moirai.examples.scale.Records}: what goes over the wire and which worker maps which
 *       record.
 * </ul>
 *
 * The commands {@code scale-worker}, {@code scale-coordinator} and {@code scale-demo} of
 * {@code io.moirai.examples.cli} run them.
 */
package io.moirai.examples.scale;
