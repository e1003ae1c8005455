package io.moirai.rsocket.internal;

import java.nio.ByteBuffer;
import java.util.Arrays;

/** Test helpers: frames as bytes, with and without RSocket's 24-bit length prefix. */
final class Frames {

    private Frames() {}

    /** @return {@code length} bytes whose value is {@code seed + index} */
    static byte[] frame(int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (seed + i);
        }
        return b;
    }

    /** @return the frames, each behind its 3-byte length, one after the other */
    static byte[] prefixed(byte[]... frames) {
        int total = Arrays.stream(frames).mapToInt(f -> f.length + 3).sum();
        ByteBuffer out = ByteBuffer.allocate(total);
        for (byte[] f : frames) {
            out.put(prefix(f.length)).put(f);
        }
        return out.array();
    }

    /** @return RSocket's length prefix of a frame of {@code length} bytes */
    static byte[] prefix(int length) {
        return new byte[] {(byte) (length >>> 16), (byte) (length >>> 8), (byte) length};
    }
}
