/** Time for the I/O driver: a hierarchical timer wheel with intrusive, allocation-free entries. */
package io.moirai.internal.time;
