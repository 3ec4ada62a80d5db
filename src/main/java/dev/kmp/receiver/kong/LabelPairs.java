package dev.kmp.receiver.kong;

import java.util.Arrays;

/**
 * Where the label pairs of the current line sit in the read buffer: byte ranges only, reused for
 * every line. Value ranges are the raw text between the quotes, escapes included.
 */
final class LabelPairs {
    private int[] ranges = new int[4 * 16];
    private int count;
    private int leIndex;
    private int blockFrom;
    private int blockTo;

    void clear() {
        count = 0;
        leIndex = -1;
        blockFrom = 0;
        blockTo = 0;
    }

    /** The whole label block, braces included; empty when the line has none. */
    void setBlock(int from, int to) {
        blockFrom = from;
        blockTo = to;
    }

    int blockFrom() {
        return blockFrom;
    }

    int blockTo() {
        return blockTo;
    }

    void add(byte[] b, int nameFrom, int nameTo, int valueFrom, int valueTo) {
        if (4 * count + 4 > ranges.length) {
            ranges = Arrays.copyOf(ranges, ranges.length * 2);
        }
        int i = 4 * count;
        ranges[i] = nameFrom;
        ranges[i + 1] = nameTo;
        ranges[i + 2] = valueFrom;
        ranges[i + 3] = valueTo;
        if (nameTo - nameFrom == 2 && b[nameFrom] == 'l' && b[nameFrom + 1] == 'e') {
            leIndex = count;
        }
        count++;
    }

    int count() {
        return count;
    }

    /** The index of the {@code le} pair, or -1. */
    int leIndex() {
        return leIndex;
    }

    int nameFrom(int i) {
        return ranges[4 * i];
    }

    int nameTo(int i) {
        return ranges[4 * i + 1];
    }

    int valueFrom(int i) {
        return ranges[4 * i + 2];
    }

    int valueTo(int i) {
        return ranges[4 * i + 3];
    }
}
