package io.moirai.examples.scale;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The scale-out commands on the command line: help and bad usage. */
@Timeout(value = 90, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ScaleCommandsTest {

    @Test
    void eachCommandHasHelpAndBadUsageExitsWithTwo() {
        for (String command : new String[] {"scale-worker", "scale-coordinator"}) {
            Cli.Run help = Cli.run(command, "--help");
            assertThat(help.status()).isZero();
            assertThat(help.out()).contains("Usage:").contains(command);
        }
        assertThat(Cli.run("--help").out()).contains("scale-worker").contains("scale-coordinator");
        assertThat(Cli.run("scale-worker", "--help").out()).doesNotContain("stdin");

        Cli.Run noWorker = Cli.run("scale-coordinator");
        assertThat(noWorker.status()).isEqualTo(2);
        assertThat(noWorker.err()).contains("--worker");
        Cli.Run noPort = Cli.run("scale-coordinator", "--worker", "127.0.0.1");
        assertThat(noPort.status()).isEqualTo(2);
        assertThat(noPort.err()).contains("'127.0.0.1' is not host:port");
        Cli.Run badRecords = Cli.run("scale-coordinator", "--worker", "127.0.0.1:7000", "--records", "0");
        assertThat(badRecords.status()).isEqualTo(2);
        assertThat(badRecords.err()).contains("--records must be at least 1, got 0");
        Cli.Run badDelay = Cli.run("scale-coordinator", "--worker", "127.0.0.1:7000", "--sink-delay", "slow");
        assertThat(badDelay.status()).isEqualTo(2);
        assertThat(badDelay.err()).contains("slow");
    }
}
