package dev.kmp.exporter.k8smetrics;

/**
 * Formats a number as a Kubernetes resource quantity in canonical decimal form, with milli
 * precision as metrics adapters send it: {@code 20}, {@code 20500m}, {@code 1500k}, {@code 2M}.
 */
final class KubernetesQuantity {
    private static final String[] SUFFIXES = {"", "k", "M", "G", "T", "P", "E"};

    private KubernetesQuantity() {
    }

    /** @throws IllegalArgumentException for NaN, infinities and values past what int64 milli can hold */
    static String format(double value) {
        if (!Double.isFinite(value) || Math.abs(value) >= Long.MAX_VALUE / 1000.0) {
            throw new IllegalArgumentException("not a quantity: " + value);
        }
        long milli = Math.round(value * 1000);
        if (milli % 1000 != 0) {
            return milli + "m";
        }
        long whole = milli / 1000;
        int exponent = 0;
        while (whole != 0 && whole % 1000 == 0 && exponent < SUFFIXES.length - 1) {
            whole /= 1000;
            exponent++;
        }
        return whole + SUFFIXES[exponent];
    }

    /** The number a quantity text stands for (for tests and the HPA simulation). */
    static double parse(String text) {
        char last = text.charAt(text.length() - 1);
        if (last == 'm') {
            return Long.parseLong(text.substring(0, text.length() - 1)) / 1000.0;
        }
        for (int e = 1; e < SUFFIXES.length; e++) {
            if (text.endsWith(SUFFIXES[e])) {
                return Long.parseLong(text.substring(0, text.length() - 1)) * Math.pow(1000, e);
            }
        }
        return Double.parseDouble(text);
    }
}
