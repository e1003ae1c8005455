package io.moirai.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class MainTest {

    @Test
    void tourRunsAndReportsEachStep() throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        int status;
        try {
            status = Main.run();
        } finally {
            System.setOut(original);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(status).isZero();
        assertThat(text).contains("sum of 0..999,999 in 100 subtasks = 499999500000")
                .contains("blocking: slept 50 ms")
                .contains("async   : completed by another task")
                .contains("a subscriber received 499999500000")
                .contains("timer   : delay(20 ms) completed after at least 20 ms")
                .contains("tcp     : echo server replied \"hello, Moirai\"");
    }
}
