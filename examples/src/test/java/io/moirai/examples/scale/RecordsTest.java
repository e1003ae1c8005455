package io.moirai.examples.scale;

import static org.assertj.core.api.Assertions.assertThat;

import io.moirai.examples.scale.Records.Result;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The split and the wire format of the scale-out example. */
class RecordsTest {

    @Test
    void theWorkersSharesAreTheSourceDealtRoundRobinInBatches() {
        for (long records : new long[] {1, 7, 100, 256, 1_000, 10_007}) {
            for (int batch : new int[] {1, 3, 64, 256}) {
                for (int workers = 1; workers <= 4; workers++) {
                    List<Long> merged = new ArrayList<>();
                    long[][] shares = new long[workers][];
                    long total = 0;
                    for (int w = 0; w < workers; w++) {
                        shares[w] = Records.indicesFor(records, batch, workers, w).toArray();
                        assertThat(shares[w]).hasSize((int) Records.countFor(records, batch, workers, w));
                        total += shares[w].length;
                    }
                    assertThat(total).isEqualTo(records);
                    int[] at = new int[workers];
                    for (long k = 0; merged.size() < records; k++) { // batch k from worker k mod workers
                        int w = (int) (k % workers);
                        for (int j = 0; j < batch && at[w] < shares[w].length; j++) {
                            merged.add(shares[w][at[w]++]);
                        }
                    }
                    assertThat(merged).as("records %d, batch %d, workers %d", records, batch, workers)
                            .containsExactlyElementsOf(LongStream.range(0, records).boxed().toList());
                }
            }
        }
    }

    @Test
    void recordsAndResultsRoundTripThroughTheirPayloads() {
        assertThat(Records.index(Records.record(123_456_789_012L))).isEqualTo(123_456_789_012L);
        Result r = new Result(42, -7);
        assertThat(Records.result(Records.result(r))).isEqualTo(r);
    }

    @Test
    void workerStatsRoundTripThroughTheirWireForm() {
        WorkerStats s = new WorkerStats(10, 9, 4, 1024, 2, 400, 1L << 20, 2L << 20, 64L << 20);
        assertThat(WorkerStats.fromWire(s.toWire())).isEqualTo(s);
    }
}
