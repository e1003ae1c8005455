/**
 * TCP on the I/O drivers: connections, listeners, connect attempts. Internal; the API is
 * {@code io.moirai.net}.
 */
package io.moirai.internal.net;
