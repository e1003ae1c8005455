/**
 * The I/O drivers: one event loop per I/O thread ({@code IoDriver}: an MPSC queue of registration
 * and interest changes, a timer wheel, the wake-up protocol) over a {@code SelectorPoller} (the
 * {@code Selector} and the dispatch of ready keys to their handlers). Internal; not API.
 */
package io.moirai.internal.io;
