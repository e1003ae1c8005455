/** Reactive Streams plumbing written once: demand math, subscription validation, sentinels. */
package io.moirai.internal.flow;
