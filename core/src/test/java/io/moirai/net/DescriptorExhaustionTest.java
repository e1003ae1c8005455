package io.moirai.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Running out of file descriptors must not kill a listener for good: in a JVM of its own whose soft
 * descriptor limit is 256 ({@code ulimit -n}), {@link AcceptExhaustionProbe} fills the table with
 * loopback connections until accepts fail with "Too many open files", gives the descriptors back,
 * and checks that the same listener accepts a new client. Needs a POSIX shell; skipped elsewhere.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DescriptorExhaustionTest {

    @Test
    void theListenerServesAgainOnceDescriptorsComeBack(@TempDir Path dir) throws IOException, InterruptedException {
        assumeTrue(new File("/bin/sh").canExecute(), "needs /bin/sh to lower the descriptor limit");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String command = "ulimit -n 256 && exec \"$0\" -Xmx128m -cp \"$1\" " + AcceptExhaustionProbe.class.getName();
        Path out = dir.resolve("probe.log");
        Process p = new ProcessBuilder(List.of("/bin/sh", "-c", command, java, System.getProperty("java.class.path")))
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        boolean exited = p.waitFor(90, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly();
        }
        String log = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(exited).as("the probe ended; its output:%n%s", log).isTrue();
        assertThat(p.exitValue()).as("the probe's verdict; its output:%n%s", log).isZero();
        assertThat(log).contains("accept failed and was reported").contains("served again");
    }
}
