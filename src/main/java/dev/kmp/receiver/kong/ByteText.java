package dev.kmp.receiver.kong;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Byte-level helpers shared by the parser and its tables: character classes and hashing. */
final class ByteText {
    private static final int METRIC_NAME_START = 1;
    private static final int METRIC_NAME_PART = 2;
    private static final int LABEL_NAME_START = 4;
    private static final int LABEL_NAME_PART = 8;
    private static final byte[] CLASSES = new byte[256];

    static {
        for (int c = 0; c < 256; c++) {
            boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
            boolean digit = c >= '0' && c <= '9';
            int k = 0;
            if (letter || c == ':') {
                k |= METRIC_NAME_START | METRIC_NAME_PART;
            }
            if (digit) {
                k |= METRIC_NAME_PART | LABEL_NAME_PART;
            }
            if (letter) {
                k |= LABEL_NAME_START | LABEL_NAME_PART;
            }
            CLASSES[c] = (byte) k;
        }
    }

    // Reads 8 bytes at a time: hashing label blocks is on the per-sample path.
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long M1 = 0x9E3779B97F4A7C15L;
    private static final long M2 = 0xC2B2AE3D27D4EB4FL;

    private ByteText() {
    }

    static boolean isMetricNameStart(byte c) {
        return (CLASSES[c & 0xFF] & METRIC_NAME_START) != 0;
    }

    static boolean isMetricNamePart(byte c) {
        return (CLASSES[c & 0xFF] & METRIC_NAME_PART) != 0;
    }

    static boolean isLabelNameStart(byte c) {
        return (CLASSES[c & 0xFF] & LABEL_NAME_START) != 0;
    }

    static boolean isLabelNamePart(byte c) {
        return (CLASSES[c & 0xFF] & LABEL_NAME_PART) != 0;
    }

    static boolean isBlank(byte c) {
        return c == ' ' || c == '\t';
    }

    static int skipBlanks(byte[] b, int p, int end) {
        while (p < end && (b[p] == ' ' || b[p] == '\t')) {
            p++;
        }
        return p;
    }

    static int skipNonBlanks(byte[] b, int p, int end) {
        while (p < end && b[p] != ' ' && b[p] != '\t') {
            p++;
        }
        return p;
    }

    /** True when {@code b[from, to)} is exactly the ASCII word {@code word}. */
    static boolean is(byte[] b, int from, int to, String word) {
        if (to - from != word.length()) {
            return false;
        }
        for (int i = 0; i < word.length(); i++) {
            if (b[from + i] != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Like {@link #is} ignoring ASCII case. */
    static boolean isIgnoreCase(byte[] b, int from, int to, String word) {
        if (to - from != word.length()) {
            return false;
        }
        for (int i = 0; i < word.length(); i++) {
            if (Character.toLowerCase((char) b[from + i]) != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    /**
     * The first index in {@code b[from, to)} holding {@code x} or {@code y}, or -1. Tests eight
     * bytes per step: finding line ends and the end of label values is most of the reading.
     */
    static int indexOfEither(byte[] b, int from, int to, byte x, byte y) {
        long xs = ONES * (x & 0xFF);
        long ys = ONES * (y & 0xFF);
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long word = (long) LONGS.get(b, i);
            long tx = word ^ xs;
            long ty = word ^ ys;
            // A zero byte in tx or ty is a match; the lowest flagged byte is always a true one.
            long found = ((tx - ONES) & ~tx | (ty - ONES) & ~ty) & HIGHS;
            if (found != 0) {
                return i + (Long.numberOfTrailingZeros(found) >>> 3);
            }
        }
        for (; i < to; i++) {
            if (b[i] == x || b[i] == y) {
                return i;
            }
        }
        return -1;
    }

    /** Feeds {@code b[from, to)} into a running hash state; finish with {@link #finish}. */
    static long mix(long state, byte[] b, int from, int to) {
        long h = state ^ ((to - from) * M1);
        int i = from;
        for (; i + 8 <= to; i += 8) {
            h = Long.rotateLeft(h ^ ((long) LONGS.get(b, i)) * M2, 31) * M1;
        }
        long tail = 0;
        for (int shift = 0; i < to; i++, shift += 8) {
            tail |= (b[i] & 0xFFL) << shift;
        }
        return Long.rotateLeft(h ^ tail * M2, 31) * M1;
    }

    static int finish(long state) {
        state ^= state >>> 33;
        state *= M2;
        state ^= state >>> 29;
        return (int) state;
    }

    static int hash(byte[] b, int from, int to) {
        return finish(mix(0, b, from, to));
    }

    /** Spreads a Java hashCode over the low bits that open addressing uses. */
    static int spread(int h) {
        return finish(h * M1);
    }
}
