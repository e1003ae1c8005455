package io.moirai.examples.scale;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The scale-out commands on the command line: help and bad usage, and {@code scale-demo} end to end
 * with worker JVMs on loopback, once to the end and once with a worker killed mid-run. The demo stops
 * its children however it ends (and they stop by themselves when this JVM goes).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ScaleCommandsTest {

    @Test
    void eachCommandHasHelpAndBadUsageExitsWithTwo() {
        for (String command : new String[] {"scale-worker", "scale-coordinator", "scale-demo"}) {
            Cli.Run help = Cli.run(command, "--help");
            assertThat(help.status()).isZero();
            assertThat(help.out()).contains("Usage:").contains(command);
        }
        assertThat(Cli.run("--help").out()).contains("scale-worker").contains("scale-coordinator").contains("scale-demo");
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
        Cli.Run noWorkers = Cli.run("scale-demo", "--workers", "0");
        assertThat(noWorkers.status()).isEqualTo(2);
        assertThat(noWorkers.err()).contains("--workers must be from 1 to 16, got 0");
        Cli.Run badHeap = Cli.run("scale-demo", "--worker-heap", "lots");
        assertThat(badHeap.status()).isEqualTo(2);
        assertThat(badHeap.err()).contains("lots");
        Cli.Run badKill = Cli.run("scale-demo", "--records", "100", "--kill-worker-after", "100");
        assertThat(badKill.status()).isEqualTo(2);
        assertThat(badKill.err()).contains("--kill-worker-after");
    }

    @Test
    void theDemoRunsWorkerJvmsAndTheCoordinatorEndToEnd() {
        Cli.Run r = Cli.run("scale-demo", "--workers", "2", "--records", "20000", "--batch", "128", "--sink-delay", "20us",
                "--rounds", "50");
        assertThat(r.status()).as(r.out() + r.err()).isZero();
        assertThat(r.out())
                .contains("[worker 1] scale-worker: listening on 127.0.0.1:")
                .contains("[worker 2] scale-worker: listening on 127.0.0.1:")
                .contains("scale-coordinator: 20,000 records through 2 worker(s)")
                .contains("results in source order: yes")
                .containsPattern("worker 1 127\\.0\\.0\\.1:\\d+ +mapped 10,[0-9]{3} records")
                .contains("[worker 1] scale-worker: stream 1 completed")
                .contains("[worker 2] scale-worker: mapped ") // each worker's summary: it stopped when told to
                .endsWith("scale-demo: done" + System.lineSeparator());
        Matcher ahead = Pattern.compile("at most ([0-9,]+) ahead of the sink \\(the demand windows allow ([0-9,]+)\\)").matcher(r.out());
        assertThat(ahead.find()).isTrue();
        assertThat(number(ahead.group(1))).isLessThanOrEqualTo(number(ahead.group(2)));
    }

    @Test
    void killingAWorkerProcessMidRunEndsTheDemoWithAnErrorNamingIt() {
        Cli.Run r = Cli.run("scale-demo", "--workers", "2", "--records", "1000000", "--sink-delay", "50us", "--rounds", "50",
                "--kill-worker-after", "5000");
        assertThat(r.status()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.out()).contains("killing worker 2 (pid ").contains("[worker 1] scale-worker: stream 1 cancelled")
                .endsWith("scale-demo: done" + System.lineSeparator());
        assertThat(r.err()).containsPattern("scale-coordinator: worker 2 \\(127\\.0\\.0\\.1:\\d+\\) failed after [0-9,]+ of its [0-9,]+ results");
    }

    private static long number(String withCommas) {
        return Long.parseLong(withCommas.replace(",", ""));
    }
}
