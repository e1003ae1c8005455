package io.moirai.rsocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moirai.Moirai;
import io.netty.buffer.ByteBufAllocator;
import io.rsocket.core.RSocketServer;
import io.rsocket.SocketAcceptor;
import java.net.BindException;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** Every public method of {@link MoiraiRSocket} with null, out-of-range and conflicting arguments. */
class RSocketBadInputTest {

    private static final InetSocketAddress ADDRESS = Loopback.ANY_PORT;

    private Moirai moirai;

    @BeforeEach
    void start() {
        moirai = Moirai.builder().workerThreads(1).ioThreads(1).threadNamePrefix("rsocket-bad-input").build();
    }

    @AfterEach
    void stop() {
        moirai.close();
    }

    @Test
    void nullArgumentsThrowNullPointerExceptionNamingTheParameter() {
        MoiraiRSocket.Settings s = MoiraiRSocket.Settings.defaults();
        assertThatThrownBy(() -> MoiraiRSocket.clientTransport(null, ADDRESS)).isInstanceOf(NullPointerException.class).hasMessage("moirai");
        assertThatThrownBy(() -> MoiraiRSocket.clientTransport(moirai, null)).isInstanceOf(NullPointerException.class).hasMessage("address");
        assertThatThrownBy(() -> MoiraiRSocket.clientTransport(moirai, ADDRESS, null)).isInstanceOf(NullPointerException.class).hasMessage("settings");
        assertThatThrownBy(() -> MoiraiRSocket.serverTransport(null, ADDRESS)).isInstanceOf(NullPointerException.class).hasMessage("moirai");
        assertThatThrownBy(() -> MoiraiRSocket.serverTransport(moirai, null)).isInstanceOf(NullPointerException.class).hasMessage("address");
        assertThatThrownBy(() -> MoiraiRSocket.serverTransport(moirai, ADDRESS, null)).isInstanceOf(NullPointerException.class).hasMessage("settings");
        assertThatThrownBy(() -> s.allocator(null)).isInstanceOf(NullPointerException.class).hasMessage("allocator");
        assertThatThrownBy(() -> MoiraiRSocket.serverTransport(moirai, ADDRESS).start(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void settingsOutOfRangeThrowIllegalArgumentExceptionNamingTheValue() {
        MoiraiRSocket.Settings s = MoiraiRSocket.Settings.defaults();
        assertThatThrownBy(() -> s.maxFrameLength(63)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("63");
        assertThatThrownBy(() -> s.maxFrameLength(1 << 24)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("16777216");
        assertThatThrownBy(() -> s.maxQueuedBytes(1 << 20)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1048576").hasMessageContaining("16777215");
        assertThatThrownBy(() -> s.maxFrameLength(1000).maxQueuedBytes(1002)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.maxFrameLength(1000).maxQueuedBytes(1 << 20).maxFrameLength(1 << 21))
                .isInstanceOf(IllegalArgumentException.class);
        MoiraiRSocket.Settings small = s.maxFrameLength(1000).maxQueuedBytes(1003);
        assertThat(small.maxFrameLength()).isEqualTo(1000);
        assertThat(small.maxQueuedBytes()).isEqualTo(1003);
        assertThat(small.allocator()).isSameAs(ByteBufAllocator.DEFAULT);
        assertThat(s.maxFrameLength()).isEqualTo(MoiraiRSocket.DEFAULT_MAX_FRAME_LENGTH).isEqualTo(16_777_215);
        assertThat(s.maxQueuedBytes()).isEqualTo(MoiraiRSocket.DEFAULT_MAX_QUEUED_BYTES).isEqualTo(64L << 20);
    }

    @Test
    void theTransportsReportTheirFrameLimitToRSocket() {
        MoiraiRSocket.Settings s = MoiraiRSocket.Settings.defaults().maxFrameLength(4096);
        assertThat(MoiraiRSocket.clientTransport(moirai, ADDRESS, s).maxFrameLength()).isEqualTo(4096);
        assertThat(MoiraiRSocket.serverTransport(moirai, ADDRESS, s).maxFrameLength()).isEqualTo(4096);
    }

    @Test
    void aServerOnATakenPortFailsWithTheBindError() {
        MoiraiRSocket.Server first = RSocketServer.create(SocketAcceptor.with(new io.rsocket.RSocket() { }))
                .bind(MoiraiRSocket.serverTransport(moirai, ADDRESS)).block(Loopback.TIMEOUT);
        try {
            StepVerifier.create(RSocketServer.create(SocketAcceptor.with(new io.rsocket.RSocket() { }))
                            .bind(MoiraiRSocket.serverTransport(moirai, first.address())))
                    .expectError(BindException.class)
                    .verify(Loopback.TIMEOUT);
        } finally {
            first.dispose();
        }
        assertThat(first.isDisposed()).isTrue();
        first.onClose().block(Loopback.TIMEOUT);
    }
}
