/**
 * RSocket over Moirai TCP: {@link io.moirai.rsocket.MoiraiRSocket} gives RSocket's client and server
 * transports on {@code TcpConnection} and {@code TcpListener}, so Reactive Streams demand crosses
 * process boundaries as RSocket REQUEST_N frames. Everything under {@code io.moirai.rsocket.internal}
 * is not API.
 */
package io.moirai.rsocket;
