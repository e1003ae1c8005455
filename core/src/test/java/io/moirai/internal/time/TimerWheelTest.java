package io.moirai.internal.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TimerWheelTest {

    static final class Entry implements TimerEntry {
        final int id;
        final long deadline;
        long firedAt = -1;
        int fires;
        private TimerEntry prev;
        private TimerEntry next;
        private int index = UNSCHEDULED;

        Entry(int id, long deadline) {
            this.id = id;
            this.deadline = deadline;
        }

        boolean isScheduled() {
            return TimerWheel.isScheduled(this);
        }

        @Override public long timerDeadline() { return deadline; }
        @Override public TimerEntry timerPrev() { return prev; }
        @Override public void timerPrev(TimerEntry p) { prev = p; }
        @Override public TimerEntry timerNext() { return next; }
        @Override public void timerNext(TimerEntry n) { next = n; }
        @Override public int timerIndex() { return index; }
        @Override public void timerIndex(int i) { index = i; }
    }

    @Test
    void firesAtTheDeadlineNotBefore() {
        TimerWheel wheel = new TimerWheel(0);
        Entry e = new Entry(0, 100);
        assertThat(wheel.insert(e)).isTrue();
        assertThat(wheel.nextExpiration()).isLessThanOrEqualTo(100);
        List<TimerEntry> fired = new ArrayList<>();
        assertThat(wheel.advance(99, fired::add)).isZero();
        assertThat(fired).isEmpty();
        assertThat(wheel.advance(100, fired::add)).isEqualTo(1);
        assertThat(fired).containsExactly(e);
        assertThat(e.isScheduled()).isFalse();
        assertThat(wheel.size()).isZero();
        assertThat(wheel.nextExpiration()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aPassedDeadlineIsRefusedSoTheCallerFiresItNow() {
        TimerWheel wheel = new TimerWheel(50);
        assertThat(wheel.insert(new Entry(0, 50))).isFalse();
        assertThat(wheel.insert(new Entry(1, 10))).isFalse();
        assertThat(wheel.size()).isZero();
    }

    @Test
    void removeIsImmediateAndIdempotent() {
        TimerWheel wheel = new TimerWheel(0);
        Entry a = new Entry(0, 5_000);
        Entry b = new Entry(1, 5_000);
        wheel.insert(a);
        wheel.insert(b);
        wheel.remove(a);
        wheel.remove(a);
        assertThat(wheel.size()).isEqualTo(1);
        List<TimerEntry> fired = new ArrayList<>();
        wheel.advance(10_000, fired::add);
        assertThat(fired).containsExactly(b);
        wheel.remove(b); // already fired: nothing happens
        assertThat(wheel.size()).isZero();
    }

    @Test
    void deadlinesBeyondTheWheelsRangeWaitAndFireOnTime() {
        long far = TimerWheel.MAX_RANGE * 3 + 12_345;
        TimerWheel wheel = new TimerWheel(7);
        Entry e = new Entry(0, far);
        wheel.insert(e);
        List<TimerEntry> fired = new ArrayList<>();
        for (long now = 7; now < far - 1; now += TimerWheel.MAX_RANGE / 5) {
            wheel.advance(now, fired::add);
            assertThat(fired).isEmpty();
        }
        wheel.advance(far - 1, fired::add);
        assertThat(fired).isEmpty();
        wheel.advance(far, fired::add);
        assertThat(fired).containsExactly(e);
    }

    /**
     * A model check: timers with random deadlines across every level are inserted and removed while
     * the wheel advances by random steps; each timer fires exactly once, never before its deadline,
     * and at the first advance whose {@code now} reaches it; removed timers never fire.
     */
    @Test
    void randomScheduleRemoveAndAdvanceMatchesTheModel() {
        SplittableRandom random = new SplittableRandom(Long.getLong("moirai.test.seed", 42L));
        for (int round = 0; round < 20; round++) {
            long start = random.nextLong(0, 1L << 40);
            TimerWheel wheel = new TimerWheel(start);
            List<Entry> all = new ArrayList<>();
            List<Entry> removed = new ArrayList<>();
            long now = start;
            for (int step = 0; step < 2_000; step++) {
                int inserts = random.nextInt(0, 20);
                for (int i = 0; i < inserts; i++) {
                    long span = switch (random.nextInt(4)) {
                        case 0 -> random.nextLong(1, 64);
                        case 1 -> random.nextLong(1, 64L * 64);
                        case 2 -> random.nextLong(1, 1L << 24);
                        default -> random.nextLong(1, 1L << 37);
                    };
                    Entry e = new Entry(all.size(), now + span);
                    assertThat(wheel.insert(e)).isTrue();
                    all.add(e);
                }
                if (!all.isEmpty() && random.nextInt(4) == 0) {
                    Entry victim = all.get(random.nextInt(all.size()));
                    if (victim.fires == 0 && victim.isScheduled()) {
                        wheel.remove(victim);
                        removed.add(victim);
                    }
                }
                long target = now + switch (random.nextInt(3)) {
                    case 0 -> random.nextLong(0, 64);
                    case 1 -> random.nextLong(0, 1L << 16);
                    default -> random.nextLong(0, 1L << 30);
                };
                long previous = now;
                String before = wheel.toString();
                wheel.advance(target, t -> {
                    Entry e = (Entry) t;
                    e.fires++;
                    e.firedAt = target;
                });
                now = target;
                for (Entry e : all) {
                    boolean due = e.deadline <= now;
                    boolean wasDue = e.deadline <= previous;
                    if (removed.contains(e)) {
                        if (e.fires != 0) {
                            throw new AssertionError("removed timer " + e.id + " fired");
                        }
                    } else if (due && e.fires != 1) {
                        throw new AssertionError("timer " + e.id + " due at " + e.deadline + " fired "
                                + e.fires + " times by " + now + " (previous " + previous + ", index " + e.index
                                + ", " + wheel + " before: " + before + ")");
                    } else if (!due && e.fires != 0) {
                        throw new AssertionError("timer " + e.id + " fired early: deadline " + e.deadline
                                + ", now " + now);
                    } else if (due && !wasDue && e.firedAt != now) {
                        throw new AssertionError("timer " + e.id + " fired late");
                    }
                }
                long current = now;
                all.removeIf(e -> e.fires == 1 && e.firedAt < current); // keep the check cheap
                assertThat(wheel.elapsed()).isEqualTo(now);
            }
        }
    }

    @Test
    void nextExpirationNeverLiesAfterTheEarliestDeadline() {
        SplittableRandom random = new SplittableRandom(7);
        TimerWheel wheel = new TimerWheel(1_000);
        long earliest = Long.MAX_VALUE;
        for (int i = 0; i < 10_000; i++) {
            long d = 1_001 + random.nextLong(0, 1L << 33);
            earliest = Math.min(earliest, d);
            wheel.insert(new Entry(i, d));
            assertThat(wheel.nextExpiration()).isGreaterThan(1_000).isLessThanOrEqualTo(earliest);
        }
    }
}
