package io.moirai.internal.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The adaptive search window: widened by short parks up to its maximum, reset by a long one. */
class SpinBudgetTest {

    @Test
    void startsAtTheMinimum() {
        assertThat(new SpinBudget().window(true)).isEqualTo(SpinBudget.MIN_NANOS);
    }

    @Test
    void shortParksWidenTheWindowUpToTheMaximum() {
        SpinBudget b = new SpinBudget();
        long previous = b.window(true);
        for (int i = 0; i < 20; i++) {
            b.adapt(1_000L);
            assertThat(b.window(true)).isGreaterThanOrEqualTo(previous).isLessThanOrEqualTo(SpinBudget.MAX_NANOS);
            previous = b.window(true);
        }
        assertThat(b.window(true)).isEqualTo(SpinBudget.MAX_NANOS);
    }

    @Test
    void aLongParkResetsTheWindow() {
        SpinBudget b = new SpinBudget();
        b.adapt(1_000L);
        b.adapt(1_000L);
        b.adapt(SpinBudget.SHORT_PARK_NANOS);
        assertThat(b.window(true)).isEqualTo(SpinBudget.MIN_NANOS);
    }

    @Test
    void theDefaultsSpinFiveToFiftyMicroseconds() {
        assertThat(SpinBudget.MIN_NANOS).isEqualTo(5_000L);
        assertThat(SpinBudget.MAX_NANOS).isEqualTo(50_000L);
    }
}
