package io.moirai.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.moirai.examples.MainTest.Run;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every bad value of every flag is a usage error: exit 2, a message naming the flag and the value,
 * then the usage, and nothing started (no "listening" line, no runtime).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BadUsageTest {

    private static void assertUsageError(Run r, String flag, String... messageParts) {
        assertThat(r.status()).as(r.out() + r.err()).isEqualTo(2);
        assertThat(r.err()).contains("Invalid value for option '" + flag + "'").contains(messageParts).contains("Usage:");
        assertThat(r.out()).doesNotContain("listening");
    }

    @ParameterizedTest(name = "{0} {1}={2}")
    @CsvSource(delimiter = '|', textBlock = """
            echo-server | --workers         | 0                    | must be between 1 and 32,767, got 0
            echo-server | --io-threads      | 0                    | must be between 1 and 32,767, got 0
            http-server | --workers         | -1                   | must be between 1 and 32,767, got -1
            http-server | --io-threads      | 40000                | must be between 1 and 32,767, got 40000
            echo-server | --workers         | many                 | 'many' is not a whole number
            echo-server | --port            | -1                   | '-1' is not a port number
            echo-server | --port            | 70000                | must be between 0 and 65535, got 70000
            http-server | --port            | http                 | 'http' is not a port number
            echo-server | --duration        | 0s                   | must be positive, got '0s'
            echo-server | --duration        | 200000h              | must be at most 100000h, got '200000h'
            http-server | --max-connections | 0                    | must be at least 1, got 0
            http-server | --max-connections | 3000000000           | must be at most 2,147,483,647, got 3000000000
            http-server | --max-body        | -1                   | must be at least 0, got -1
            http-server | --header-timeout  | 0ms                  | must be positive, got '0ms'
            http-server | --idle-timeout    | soon                 | 'soon' is not a duration
            http-server | --write-timeout   | PT1000000H           | must be at most 100000h, got 'PT1000000H'
            pipeline    | --items           | 0                    | must be at least 1, got 0
            pipeline    | --items           | 99999999999999999999 | must be at most 9,223,372,036,854,775,807
            pipeline    | --parallelism     | 0                    | must be between 1 and 10,000, got 0
            pipeline    | --parallelism     | 10001                | must be between 1 and 10,000, got 10001
            pipeline    | --rounds          | -1                   | must be at least 0, got -1
            ticker      | --count           | 0                    | must be at least 1, got 0
            ticker      | --period          | 0s                   | must be positive, got '0s'
            ticker      | --work            | -1s                  | must be positive, got '-1s'
            """)
    void aBadValueExitsWithTwoNamingTheFlag(String command, String flag, String value, String message) {
        assertUsageError(MainTest.run(command, flag + "=" + value), flag, message);
    }

    @Test
    void anUnresolvableHostFailsBeforeServing() {
        Run r = MainTest.run("echo-server", "--host", "nosuch.invalid", "--duration", "10s");
        assertUsageError(r, "--host", "cannot resolve host 'nosuch.invalid'");
    }

    @Test
    void aHostThatIsNotThisMachinesFailsBeforeServing() {
        // 192.0.2.1 is TEST-NET-1 (RFC 5737): documentation only, never a machine's address
        Run r = MainTest.run("http-server", "--host", "192.0.2.1", "--duration", "10s");
        assertUsageError(r, "--host", "'192.0.2.1' (192.0.2.1) is not an address of this machine");
    }

    @Test
    void aPortFileInADirectoryThatDoesNotExistFailsBeforeServing() {
        Run r = MainTest.run("echo-server", "--port-file", "/no/such/dir/p", "--duration", "10s");
        assertUsageError(r, "--port-file", "directory /no/such/dir does not exist");
    }

    @Test
    void aPortFileThatIsADirectoryFailsBeforeServing(@TempDir Path dir) {
        Run r = MainTest.run("http-server", "--port-file", dir.toString(), "--duration", "10s");
        assertUsageError(r, "--port-file", dir.toAbsolutePath() + " is a directory");
    }
}
