/**
 * The I/O driver: one event loop per I/O thread, owning a {@code Selector}, an MPSC queue of
 * registration and interest changes, and a timer wheel. Internal; not API.
 */
package io.moirai.internal.io;
