/**
 * Task handles: the result of a spawned task, as a joinable value and as a Reactive Streams publisher
 * with per-subscriber demand.
 */
package io.moirai.task;
