/**
 * The machinery behind {@link io.moirai.rsocket.MoiraiRSocket}: RSocket's transport SPI
 * ({@code ClientTransport}, {@code ServerTransport}, {@code DuplexConnection}) on Moirai's
 * {@code TcpConnection} and {@code TcpListener}. <b>Not API</b>: these classes may change in any
 * release; use {@code MoiraiRSocket}. The two transports are public only so that
 * {@code MoiraiRSocket} can create them; every other class here is package-private.
 *
 * <p>One concept per class: {@code FrameDecoder} (RSocket's 24-bit length prefix, frames split across
 * reads and several per read, the frame-length limit), {@code InboundFrames} (the connection's
 * {@code receive()}: reads only with demand), {@code OutboundFrames} (what {@code sendFrame} queues,
 * bounded, batched into writes as the socket drains), {@code WriteBuffers} (the direct buffers those
 * writes are copied into), {@code MoiraiDuplexConnection} (close and error, both ways),
 * {@code ListeningServer} (a bound listener and the connections it accepted).
 */
package io.moirai.rsocket.internal;
