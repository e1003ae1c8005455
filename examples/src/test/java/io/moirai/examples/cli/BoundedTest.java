package io.moirai.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moirai.Moirai;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

/** The range converters: what they accept, what they refuse and why, and that their limits are the runtime's. */
class BoundedTest {

    @Test
    void acceptsPlainAndGroupedDigits() {
        assertThat(new Bounded.PositiveLong().convert("1000000")).isEqualTo(1_000_000L);
        assertThat(new Bounded.PositiveLong().convert("1_000_000")).isEqualTo(1_000_000L);
        assertThat(new Bounded.PositiveLong().convert("1,000,000")).isEqualTo(1_000_000L);
        assertThat(new Bounded.NonNegativeInt().convert(" 0 ")).isZero();
        assertThat(new Bounded.Port().convert("65535")).isEqualTo(65_535);
        assertThat(new Bounded.Port().convert("0")).isZero();
    }

    @Test
    void refusesWhatIsNotAWholeNumberOrIsOutOfRange() {
        assertThatThrownBy(() -> new Bounded.PositiveInt().convert("1,00")).isInstanceOf(TypeConversionException.class)
                .hasMessage("'1,00' is not a whole number");
        assertThatThrownBy(() -> new Bounded.PositiveInt().convert("1.5")).hasMessage("'1.5' is not a whole number");
        assertThatThrownBy(() -> new Bounded.PositiveInt().convert("")).hasMessage("'' is not a whole number");
        assertThatThrownBy(() -> new Bounded.NonNegativeLong().convert("-99999999999999999999"))
                .hasMessage("must be at least 0, got -99999999999999999999");
        assertThatThrownBy(() -> new Bounded.Port().convert("123456")).hasMessage("must be between 0 and 65535, got 123456");
        assertThatThrownBy(() -> new Bounded.Threads().convert("32768"))
                .hasMessage("must be between 1 and 32,767, got 32768");
    }

    @Test
    void theThreadLimitIsTheRuntimeBuilders() {
        Moirai.builder().workerThreads(Bounded.MAX_THREADS).ioThreads(Bounded.MAX_THREADS); // accepted
        assertThatThrownBy(() -> Moirai.builder().workerThreads(Bounded.MAX_THREADS + 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Moirai.builder().ioThreads(Bounded.MAX_THREADS + 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
