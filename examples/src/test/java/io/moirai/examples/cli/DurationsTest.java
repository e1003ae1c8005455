package io.moirai.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Durations are read and printed as people write them, and what is printed reads back. */
class DurationsTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "2s, 2s", "1m30s, 1m30s", "90s, 1m30s", "500ms, 500ms", "1.5s, 1.5s", "1500ms, 1.5s", "1h, 1h",
        "60m, 1h", "1h0m30s, 1h30s", "1h0.5s, 1h0.5s", "250us, 250us", "250µs, 250us", "1.5ms, 1.5ms",
        "10ns, 10ns", "-1.5s, -1.5s", "PT2S, 2s", "pt0.5s, 500ms", "PT1H30M, 1h30m", "100000h, 100000h", "' 2S ', 2s",
    })
    void parsesAndFormatsAsWritten(String written, String printed) {
        Duration d = Durations.parse(written);
        assertThat(Durations.format(d)).isEqualTo(printed);
        assertThat(Durations.parse(printed)).isEqualTo(d);
    }

    @Test
    void formatsEdgeValues() {
        assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
        assertThat(Durations.format(Duration.ofNanos(1))).isEqualTo("1ns");
        assertThat(Durations.format(Duration.ofNanos(1_001))).isEqualTo("1.001us");
        assertThat(Durations.format(Duration.ofSeconds(1, 1))).isEqualTo("1.000000001s");
        assertThat(Durations.format(Duration.ofMillis(-1_500))).isEqualTo("-1.5s");
        assertThat(Durations.format(Duration.ofHours(25).plusMinutes(1))).isEqualTo("25h1m");
    }

    @Test
    void refusesWhatIsNotADuration() {
        for (String bad : new String[] {"", "soon", "2", "s", "2 s", "1.s", "2x", "1m-30s", "--1s", "-", "P", "99999999999999999999h"}) {
            assertThatThrownBy(() -> Durations.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is not a duration (examples: 250ms, 2s, 1.5s, 1m30s, 1h, PT0.5S)");
        }
    }

    @Test
    void theConverterRefusesZeroNegativeAndTooLong() {
        DurationConverter c = new DurationConverter();
        assertThat(c.convert("1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThatThrownBy(() -> c.convert("0s")).hasMessage("must be positive, got '0s'");
        assertThatThrownBy(() -> c.convert("-PT1S")).hasMessage("must be positive, got '-PT1S'");
        assertThatThrownBy(() -> c.convert("100001h")).hasMessage("must be at most 100000h, got '100001h'");
    }
}
