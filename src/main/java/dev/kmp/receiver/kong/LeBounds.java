package dev.kmp.receiver.kong;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The bound and the text of an {@code le} value, by its bytes. A family's buckets repeat a few
 * dozen bounds over thousands of lines; values of up to seven bytes (all of Kong's) are packed
 * into a long and found in a small direct-mapped table, so a bucket line pays neither a number
 * parse nor a hash probe. Fixed size: a collision overwrites, so it never grows.
 */
final class LeBounds {
    private static final int SLOTS = 256;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final StringInterner strings;
    private final long[] keys = new long[SLOTS];  // 0: empty (a key always has a length byte)
    private final double[] bounds = new double[SLOTS];
    private final String[] texts = new String[SLOTS];
    private int slot;  // of the latest find(), -1 when its value cannot be kept here
    private long key;  // of the latest find()

    LeBounds(StringInterner strings) {
        this.strings = strings;
    }

    /**
     * Looks up {@code b[from, to)}; returns false when it must be parsed (then call
     * {@link #remember}). After true, {@link #bound()} and {@link #text()} hold the answer.
     */
    boolean find(byte[] b, int from, int to) {
        key = key(b, from, to);
        if (key == 0) {
            slot = -1;
            return false;
        }
        slot = (int) ((key * 0x9E3779B97F4A7C15L) >>> 56);
        return keys[slot] == key;
    }

    double bound() {
        return bounds[slot];
    }

    String text() {
        return texts[slot];
    }

    /** Stores a parsed bound for the value of the latest {@link #find}; returns its text. */
    String remember(byte[] b, int from, int to, double bound) {
        String text = strings.intern(b, from, to).value;
        if (slot >= 0) {
            keys[slot] = key;
            bounds[slot] = bound;
            texts[slot] = text;
        }
        return text;
    }

    // Up to 7 bytes and the length in the top byte; 0 when the value is empty or longer.
    private static long key(byte[] b, int from, int to) {
        int length = to - from;
        if (length <= 0 || length > 7) {
            return 0;
        }
        long packed;
        if (from + 8 <= b.length) {
            packed = (long) LONGS.get(b, from) & (-1L >>> (64 - 8 * length));
        } else {
            packed = 0;
            for (int i = 0; i < length; i++) {
                packed |= (b[from + i] & 0xFFL) << (8 * i);
            }
        }
        return packed | ((long) length << 56);
    }
}
