package dev.kmp.receiver.kong;

import java.nio.charset.StandardCharsets;

/**
 * Numbers straight from bytes. The common shapes (integers and {@code %.14g} output) are
 * computed exactly without a String; anything needing more precision falls back to
 * {@link Double#parseDouble} after the grammar was checked here, so Java-only forms ({@code 1d},
 * {@code Infinity} with spaces) are never accepted by accident.
 */
final class ByteNumbers {
    // Powers of ten exactly representable as doubles: m * 10^e is then a single rounding.
    private static final double[] EXACT_POWERS_OF_TEN = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    };
    private static final long MAX_EXACT_MANTISSA = 1L << 53;

    private ByteNumbers() {
    }

    /**
     * A sample value as Go's {@code strconv.ParseFloat} reads it: decimal, hex with a {@code p}
     * exponent, {@code NaN}, {@code Inf}, {@code Infinity} (any case, optional sign).
     */
    static double parseDouble(byte[] b, int from, int to) {
        if (to - from <= 15) { // Kong's counters and bucket counts: plain integers, exact as doubles
            long v = 0;
            int i = from;
            for (; i < to; i++) {
                int d = b[i] - '0';
                if (d < 0 || d > 9) {
                    break;
                }
                v = v * 10 + d;
            }
            if (i == to && i > from) {
                return v;
            }
        }
        int p = from;
        if (p == to) {
            throw new NumberFormatException("empty");
        }
        boolean negative = false;
        if (b[p] == '+' || b[p] == '-') {
            negative = b[p] == '-';
            p++;
        }
        if (p < to && (b[p] | 0x20) == 'i' || p < to && (b[p] | 0x20) == 'n') {
            if (ByteText.isIgnoreCase(b, p, to, "inf") || ByteText.isIgnoreCase(b, p, to, "infinity")) {
                return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            }
            if (ByteText.isIgnoreCase(b, p, to, "nan")) {
                return Double.NaN;
            }
            throw new NumberFormatException("not a number");
        }
        if (p + 1 < to && b[p] == '0' && (b[p + 1] | 0x20) == 'x') {
            return parseHex(b, from, p + 2, to);
        }
        long mantissa = 0;
        int digits = 0;          // significant digits kept in mantissa
        int dropped = 0;         // integer digits beyond what the mantissa holds
        boolean inexact = false; // a non-zero digit was dropped
        int fractionDigits = 0;
        boolean sawDigit = false;
        for (; p < to && b[p] >= '0' && b[p] <= '9'; p++) {
            sawDigit = true;
            int d = b[p] - '0';
            if (digits < 18) {
                mantissa = mantissa * 10 + d;
                if (mantissa != 0) {
                    digits++;
                }
            } else {
                dropped++;
                inexact |= d != 0;
            }
        }
        if (p < to && b[p] == '.') {
            p++;
            for (; p < to && b[p] >= '0' && b[p] <= '9'; p++) {
                sawDigit = true;
                int d = b[p] - '0';
                if (digits < 18) {
                    mantissa = mantissa * 10 + d;
                    fractionDigits++;
                    if (mantissa != 0) {
                        digits++;
                    }
                } else {
                    inexact |= d != 0;
                }
            }
        }
        if (!sawDigit) {
            throw new NumberFormatException("no digits");
        }
        int exponent = 0;
        if (p < to && (b[p] | 0x20) == 'e') {
            p++;
            boolean negativeExponent = false;
            if (p < to && (b[p] == '+' || b[p] == '-')) {
                negativeExponent = b[p] == '-';
                p++;
            }
            if (p == to) {
                throw new NumberFormatException("no exponent digits");
            }
            for (; p < to && b[p] >= '0' && b[p] <= '9'; p++) {
                if (exponent < 100_000) {
                    exponent = exponent * 10 + (b[p] - '0');
                }
            }
            if (negativeExponent) {
                exponent = -exponent;
            }
        }
        if (p != to) {
            throw new NumberFormatException("unexpected character");
        }
        if (mantissa == 0 && !inexact) {
            return negative ? -0.0 : 0.0;
        }
        int scale = exponent - fractionDigits + dropped;
        if (!inexact && mantissa <= MAX_EXACT_MANTISSA && scale >= -22 && scale <= 22) {
            double v = scale >= 0 ? mantissa * EXACT_POWERS_OF_TEN[scale] : mantissa / EXACT_POWERS_OF_TEN[-scale];
            return negative ? -v : v;
        }
        return Double.parseDouble(new String(b, from, to - from, StandardCharsets.ISO_8859_1));
    }

    private static double parseHex(byte[] b, int from, int p, int to) {
        boolean sawDigit = false;
        for (; p < to && Character.digit((char) b[p], 16) >= 0; p++) {
            sawDigit = true;
        }
        if (p < to && b[p] == '.') {
            for (p++; p < to && Character.digit((char) b[p], 16) >= 0; p++) {
                sawDigit = true;
            }
        }
        if (!sawDigit || p == to || (b[p] | 0x20) != 'p') {
            throw new NumberFormatException("hex float needs digits and a p exponent");
        }
        p++;
        if (p < to && (b[p] == '+' || b[p] == '-')) {
            p++;
        }
        int exponentStart = p;
        while (p < to && b[p] >= '0' && b[p] <= '9') {
            p++;
        }
        if (p == exponentStart || p != to) {
            throw new NumberFormatException("bad hex exponent");
        }
        return Double.parseDouble(new String(b, from, to - from, StandardCharsets.ISO_8859_1));
    }

    /** A decimal integer with optional sign, as the text format writes timestamps. */
    static long parseLong(byte[] b, int from, int to) {
        int p = from;
        boolean negative = false;
        if (p < to && (b[p] == '+' || b[p] == '-')) {
            negative = b[p] == '-';
            p++;
        }
        if (p == to) {
            throw new NumberFormatException("no digits");
        }
        long v = 0;
        for (; p < to; p++) {
            int d = b[p] - '0';
            if (d < 0 || d > 9) {
                throw new NumberFormatException("not a digit");
            }
            // Accumulate negatively so Long.MIN_VALUE fits.
            if (v < (Long.MIN_VALUE + d) / 10) {
                throw new NumberFormatException("overflow");
            }
            v = v * 10 - d;
        }
        if (!negative) {
            if (v == Long.MIN_VALUE) {
                throw new NumberFormatException("overflow");
            }
            v = -v;
        }
        return v;
    }
}
