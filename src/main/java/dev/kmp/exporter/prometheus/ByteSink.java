package dev.kmp.exporter.prometheus;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * A byte buffer that writes UTF-8 text, escapes and numbers straight into a byte array, so a
 * render allocates no String per line. With an {@link OutputStream} it flushes when full (the body
 * is streamed, never held whole); without one it grows, which is how small pieces such as a
 * histogram series' label block are encoded once and then copied per bucket line.
 */
final class ByteSink {
    private static final byte[] DIGIT_PAIRS = new byte[200];

    static {
        for (int i = 0; i < 100; i++) {
            DIGIT_PAIRS[2 * i] = (byte) ('0' + i / 10);
            DIGIT_PAIRS[2 * i + 1] = (byte) ('0' + i % 10);
        }
    }

    /** Integral doubles below this magnitude convert to a long exactly and print as digits. */
    private static final double LONG_EXACT_LIMIT = 9.0e18;

    private final OutputStream out;
    private byte[] buf;
    private int pos;

    /** A sink that flushes to {@code out} whenever its {@code capacity} bytes are full. */
    ByteSink(OutputStream out, int capacity) {
        this.out = out;
        this.buf = new byte[capacity];
    }

    /** A growing in-memory sink. */
    ByteSink(int initialCapacity) {
        this(null, initialCapacity);
    }

    int size() {
        return pos;
    }

    void reset() {
        pos = 0;
    }

    private void ensure(int n) {
        if (pos + n <= buf.length) {
            return;
        }
        if (out == null) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
        } else {
            drain();
            if (n > buf.length) {
                buf = new byte[n];
            }
        }
    }

    private void drain() {
        try {
            out.write(buf, 0, pos);
        } catch (IOException e) {
            // Writers are called from loops with checked IOException on their signatures; the
            // unchecked wrapper is unwrapped again by flush() and the writers' public methods.
            throw new UncheckedIOException(e);
        }
        pos = 0;
    }

    /** Writes what is buffered to the stream and flushes it. */
    void flush() throws IOException {
        if (out == null) {
            return;
        }
        try {
            drain();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        out.flush();
    }

    void write(byte b) {
        ensure(1);
        buf[pos++] = b;
    }

    void write(byte[] bytes) {
        write(bytes, 0, bytes.length);
    }

    void write(byte[] bytes, int off, int len) {
        if (out != null && len > buf.length / 2) {
            drain();
            try {
                out.write(bytes, off, len);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return;
        }
        ensure(len);
        System.arraycopy(bytes, off, buf, pos, len);
        pos += len;
    }

    /** Copies what {@code other} (an in-memory sink) holds. */
    void write(ByteSink other) {
        write(other.buf, 0, other.pos);
    }

    /** UTF-8 of {@code s}, unescaped (metric and label names, fixed words). */
    void text(String s) {
        escaped(s, false, false);
    }

    /** HELP text of the 0.0.4 format: {@code \\} and newline escaped. */
    void helpText(String s) {
        escaped(s, true, false);
    }

    /** A label value, or HELP text in OpenMetrics: {@code \\}, {@code "} and newline escaped. */
    void labelValue(String s) {
        escaped(s, true, true);
    }

    private void escaped(String s, boolean escapeBackslashNewline, boolean escapeQuote) {
        int len = s.length();
        // Worst case is 3 bytes per char (BMP UTF-8; escapes take 2, surrogate pairs 4 for 2).
        // Reserve once for the common short string instead of checking per char.
        if (out != null && len * 3 > buf.length / 2) {
            int i = 0;
            while (i < len) {
                int end = Math.min(len, i + 256);
                if (end < len && Character.isHighSurrogate(s.charAt(end - 1))) {
                    end--; // keep a surrogate pair in one piece
                }
                escaped(s.substring(i, end), escapeBackslashNewline, escapeQuote);
                i = end;
            }
            return;
        }
        ensure(len * 3);
        byte[] b = buf;
        int p = pos;
        for (int i = 0; i < len; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                if (escapeBackslashNewline && (c == '\\' || c == '\n' || (escapeQuote && c == '"'))) {
                    b[p++] = '\\';
                    b[p++] = (byte) (c == '\n' ? 'n' : c);
                } else {
                    b[p++] = (byte) c;
                }
            } else if (c < 0x800) {
                b[p++] = (byte) (0xC0 | (c >> 6));
                b[p++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                b[p++] = (byte) (0xF0 | (cp >> 18));
                b[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                b[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                b[p++] = (byte) (0x80 | (cp & 0x3F));
            } else if (Character.isSurrogate(c)) {
                b[p++] = '?'; // a lone surrogate has no UTF-8 form; String.getBytes does the same
            } else {
                b[p++] = (byte) (0xE0 | (c >> 12));
                b[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                b[p++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        pos = p;
    }

    void longValue(long v) {
        if (v == Long.MIN_VALUE) {
            text("-9223372036854775808");
            return;
        }
        ensure(20);
        if (v < 0) {
            buf[pos++] = '-';
            v = -v;
        }
        int digits = digitCount(v);
        int p = pos + digits;
        pos = p;
        while (v >= 100) {
            int pair = (int) (v % 100);
            v /= 100;
            buf[--p] = DIGIT_PAIRS[2 * pair + 1];
            buf[--p] = DIGIT_PAIRS[2 * pair];
        }
        if (v >= 10) {
            buf[--p] = DIGIT_PAIRS[2 * (int) v + 1];
            buf[--p] = DIGIT_PAIRS[2 * (int) v];
        } else {
            buf[--p] = (byte) ('0' + v);
        }
    }

    private static int digitCount(long v) {
        long limit = 10;
        for (int d = 1; d < 19; d++) {
            if (v < limit) {
                return d;
            }
            limit *= 10;
        }
        return 19;
    }

    /**
     * A sample value that parses back (Go's ParseFloat, Java's parseDouble) to the same double:
     * integral values as plain digits (Kong's counters stay as Kong wrote them), others with
     * Java's shortest round-tripping form, and NaN, +Inf, -Inf as the format spells them.
     */
    void doubleValue(double v) {
        if (Double.isNaN(v)) {
            text("NaN");
        } else if (v == Double.POSITIVE_INFINITY) {
            text("+Inf");
        } else if (v == Double.NEGATIVE_INFINITY) {
            text("-Inf");
        } else if (v == 0) {
            text(Double.doubleToRawLongBits(v) == 0 ? "0" : "-0");
        } else if (Math.abs(v) < LONG_EXACT_LIMIT && v == Math.rint(v)) {
            longValue((long) v);
        } else {
            text(Double.toString(v));
        }
    }

    /** OpenMetrics wants floats where the 0.0.4 format had integers ({@code le="25.0"}). */
    void floatValue(double v) {
        doubleValue(v);
        if (!Double.isNaN(v) && !Double.isInfinite(v) && Math.abs(v) < LONG_EXACT_LIMIT && v == Math.rint(v)) {
            text(".0");
        }
    }
}
