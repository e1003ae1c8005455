/**
 * TCP as backpressured publishers: a {@link io.moirai.net.TcpListener} publishes accepted connections
 * and a {@link io.moirai.net.TcpConnection} publishes the bytes it reads and writes the bytes of a
 * publisher, all driven by subscriber demand on the runtime's I/O threads.
 */
package io.moirai.net;
