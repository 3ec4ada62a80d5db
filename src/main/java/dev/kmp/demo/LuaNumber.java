package dev.kmp.demo;

import java.util.Locale;

/** Numbers as Kong prints them: LuaJIT {@code tostring()}, which is C's {@code "%.14g"}. */
final class LuaNumber {
    private static final double EXACT_LONG_LIMIT = 1e14;

    private LuaNumber() {
    }

    static String format(double v) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        if (isPlainInteger(v)) {
            return Long.toString((long) v);
        }
        return formatG14(v);
    }

    /** Integral values below 1e14 print as plain digits under %.14g; that is nearly every sample. */
    static boolean isPlainInteger(double v) {
        return v == Math.rint(v) && Math.abs(v) < EXACT_LONG_LIMIT && !(v == 0 && 1 / v < 0);
    }

    /** Java's %g never strips trailing zeros while C's does, so strip them here. */
    private static String formatG14(double v) {
        String s = String.format(Locale.ROOT, "%.14g", v);
        int e = s.indexOf('e');
        String mantissa = e < 0 ? s : s.substring(0, e);
        String exponent = e < 0 ? "" : s.substring(e);
        if (mantissa.indexOf('.') >= 0) {
            int end = mantissa.length();
            while (mantissa.charAt(end - 1) == '0') {
                end--;
            }
            if (mantissa.charAt(end - 1) == '.') {
                end--;
            }
            mantissa = mantissa.substring(0, end);
        }
        return mantissa + exponent;
    }
}
