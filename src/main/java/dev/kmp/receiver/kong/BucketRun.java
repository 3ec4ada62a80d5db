package dev.kmp.receiver.kong;

import java.util.Arrays;

/**
 * The histogram series whose bucket lines are being read. Kong writes the buckets of a series one
 * after the other, each line equal to the one before except for the {@code le} value; a line
 * whose bytes before and after that value are the run's bytes belongs to the same series, so it
 * needs no tokenising of its label block and no lookup of its labels.
 *
 * <p>Equal bytes tokenise to equal pairs (the value scanner only stops at a quote or a
 * backslash, and the le value holds neither), so the check is exact, not a heuristic.
 */
final class BucketRun {
    private byte[] prefix = new byte[256]; // from the metric name to the first byte of the le value
    private int prefixLength;
    private byte[] suffix = new byte[16];  // from the le value's closing quote through the block's '}'
    private int suffixLength;
    private HistogramAccumulator histogram; // null while no run is open

    /**
     * Opens a run at a bucket line: {@code b[lineFrom, leFrom)} is what comes before the le value,
     * {@code b[leTo, blockTo)} what follows it up to and including '}'.
     */
    void start(byte[] b, int lineFrom, int leFrom, int leTo, int blockTo, HistogramAccumulator series) {
        prefixLength = leFrom - lineFrom;
        if (prefix.length < prefixLength) {
            prefix = new byte[Math.max(prefixLength, prefix.length * 2)];
        }
        System.arraycopy(b, lineFrom, prefix, 0, prefixLength);
        suffixLength = blockTo - leTo;
        if (suffix.length < suffixLength) {
            suffix = new byte[Math.max(suffixLength, suffix.length * 2)];
        }
        System.arraycopy(b, leTo, suffix, 0, suffixLength);
        histogram = series;
    }

    void stop() {
        histogram = null;
    }

    /** The series of the run; only valid after {@link #leEnd} matched. */
    HistogramAccumulator histogram() {
        return histogram;
    }

    /** Where the le value of a continuing line starts: {@code p + prefixLength}. */
    int leStart(int p) {
        return p + prefixLength;
    }

    /** The length of what follows the le value up to the end of the label block. */
    int suffixLength() {
        return suffixLength;
    }

    /**
     * The position of the closing quote of the le value when the line starting at {@code p}
     * continues the run, else -1.
     */
    int leEnd(byte[] b, int p, int end) {
        if (histogram == null) {
            return -1;
        }
        int from = p + prefixLength;
        if (from >= end || !Arrays.equals(prefix, 0, prefixLength, b, p, from)) {
            return -1;
        }
        int quote = ByteText.indexOfEither(b, from, end, (byte) '"', (byte) '\\');
        if (quote < 0 || b[quote] != '"' || end - quote < suffixLength
                || !Arrays.equals(suffix, 0, suffixLength, b, quote, quote + suffixLength)) {
            return -1;
        }
        return quote;
    }
}
