package io.moirai.examples.http;

/**
 * A tiny JSON serializer for the one shape the server sends: an object with string members. It
 * escapes what RFC 8259 requires (quotation mark, reverse solidus, control characters) and nothing
 * else, so the output is valid JSON for any input string.
 *
 * <p>Threads: stateless; any thread.
 */
final class Json {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Json() {}

    /**
     * @param nameValuePairs member names and string values, alternating
     * @return the JSON object, for example {@code {"message":"Hello, World!"}}
     * @throws IllegalArgumentException if the pairs are not complete
     */
    static String object(String... nameValuePairs) {
        if (nameValuePairs.length % 2 != 0) {
            throw new IllegalArgumentException("names and values must alternate, got " + nameValuePairs.length + " strings");
        }
        StringBuilder out = new StringBuilder(32).append('{');
        for (int i = 0; i < nameValuePairs.length; i += 2) {
            if (i > 0) {
                out.append(',');
            }
            string(out, nameValuePairs[i]);
            out.append(':');
            string(out, nameValuePairs[i + 1]);
        }
        return out.append('}').toString();
    }

    /** Appends {@code s} as a JSON string literal. */
    static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
