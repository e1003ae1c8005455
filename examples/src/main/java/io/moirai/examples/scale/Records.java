package io.moirai.examples.scale;

import io.rsocket.Payload;
import io.rsocket.util.DefaultPayload;
import java.nio.ByteBuffer;
import java.util.stream.LongStream;

/**
 * The records of the scale-out example and how they are split: record {@code i} is the number
 * {@code i}; it travels to a worker as an 8-byte payload and comes back as {@link Result}, its index
 * and the value the worker computed, in a 16-byte payload. The records are dealt round-robin in
 * batches: batch {@code k} (records {@code k * batch} to {@code (k + 1) * batch - 1}) goes to worker
 * {@code k mod workers}, so the workers take turns and the coordinator merges their results back in
 * source order by taking one batch from each in the same turns.
 *
 * <p>Stateless; any thread.
 */
public final class Records {

    /** The size of a record's payload: its index. */
    public static final int RECORD_BYTES = Long.BYTES;

    /** The size of a result's payload: the index and the value. */
    public static final int RESULT_BYTES = 2 * Long.BYTES;

    private Records() {}

    /**
     * A record mapped by a worker.
     *
     * @param index the record's place in the source, from 0
     * @param value what the worker computed from it
     */
    public record Result(long index, long value) {}

    /** @return the payload of record {@code index} */
    public static Payload record(long index) {
        return DefaultPayload.create(ByteBuffer.allocate(RECORD_BYTES).putLong(0, index));
    }

    /**
     * Reads a record's index and releases the payload.
     *
     * @throws IllegalArgumentException if the payload is not {@value #RECORD_BYTES} bytes
     */
    public static long index(Payload record) {
        try {
            ByteBuffer data = record.getData();
            if (data.remaining() != RECORD_BYTES) {
                throw new IllegalArgumentException("a record is " + RECORD_BYTES + " bytes, got " + data.remaining());
            }
            return data.getLong(data.position());
        } finally {
            record.release();
        }
    }

    /** @return the payload of a result */
    public static Payload result(Result result) {
        return DefaultPayload.create(ByteBuffer.allocate(RESULT_BYTES).putLong(0, result.index()).putLong(8, result.value()));
    }

    /**
     * Reads a result and releases the payload.
     *
     * @throws IllegalArgumentException if the payload is not {@value #RESULT_BYTES} bytes
     */
    public static Result result(Payload payload) {
        try {
            ByteBuffer data = payload.getData();
            if (data.remaining() != RESULT_BYTES) {
                throw new IllegalArgumentException("a result is " + RESULT_BYTES + " bytes, got " + data.remaining());
            }
            return new Result(data.getLong(data.position()), data.getLong(data.position() + 8));
        } finally {
            payload.release();
        }
    }

    /**
     * @param records the records in all, {@code 0} to {@code records - 1}
     * @param batch records per batch
     * @param workers how many workers share them
     * @param worker which worker, from 0
     * @return how many records that worker maps
     */
    public static long countFor(long records, int batch, int workers, int worker) {
        long fullBatches = records / batch;
        long partial = records % batch;
        long mine = fullBatches / workers + (worker < fullBatches % workers ? 1 : 0);
        return mine * batch + (partial > 0 && fullBatches % workers == worker ? partial : 0);
    }

    /**
     * The indices of the records one worker maps, in source order, made one at a time as they are
     * taken (a stream of {@code map}s over a range: nothing is computed ahead).
     *
     * @param records the records in all
     * @param batch records per batch
     * @param workers how many workers share them
     * @param worker which worker, from 0
     * @return that worker's record indices
     */
    public static LongStream indicesFor(long records, int batch, int workers, int worker) {
        return LongStream.range(0, countFor(records, batch, workers, worker))
                .map(j -> ((j / batch) * workers + worker) * batch + j % batch);
    }
}
