package dev.kmp.model;

import java.util.Arrays;

/**
 * An immutable list of label name/value pairs, kept in the order the source wrote them (Kong's
 * order), so that rendering reproduces what was scraped. Two label sets are equal when they hold
 * the same pairs in the same order; a scrape always writes one family's labels in one order.
 *
 * <p>Label names and values are interned by the parser: one Kong payload repeats the same
 * strings thousands of times.
 */
public final class Labels {
    public static final Labels EMPTY = new Labels(new String[0], new String[0]);

    private final String[] names;
    private final String[] values;
    // Computed on first use, as String does: the k8sattributes processor builds a new set for
    // every series of a target's first scrape, and most of them are never hashed.
    private int hash;

    private Labels(String[] names, String[] values) {
        this.names = names;
        this.values = values;
    }

    /** Takes ownership of the arrays: callers must not modify them afterwards. */
    public static Labels ofArrays(String[] names, String[] values) {
        if (names.length != values.length) {
            throw new IllegalArgumentException("names and values differ in length");
        }
        return names.length == 0 ? EMPTY : new Labels(names, values);
    }

    /** {@code Labels.of("service", "a", "route", "b")}. */
    public static Labels of(String... pairs) {
        if (pairs.length % 2 != 0) {
            throw new IllegalArgumentException("name/value pairs expected");
        }
        String[] n = new String[pairs.length / 2];
        String[] v = new String[pairs.length / 2];
        for (int i = 0; i < n.length; i++) {
            n[i] = pairs[2 * i];
            v[i] = pairs[2 * i + 1];
        }
        return ofArrays(n, v);
    }

    /**
     * Whether both hold the very same names array (as label sets of one shape do when their
     * builder shares names through {@link LabelNameSets}): then their names are equal without
     * comparing them.
     */
    public boolean sharesNamesWith(Labels other) {
        return names == other.names;
    }

    public int size() {
        return names.length;
    }

    public String name(int i) {
        return names[i];
    }

    public String value(int i) {
        return values[i];
    }

    /** The value of label {@code name}, or null. */
    public String get(String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return values[i];
            }
        }
        return null;
    }

    /** A copy with {@code name} set to {@code value}: replaced in place if present, else appended. */
    public Labels with(String name, String value) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                if (values[i].equals(value)) {
                    return this;
                }
                String[] v = values.clone();
                v[i] = value;
                return new Labels(names, v);
            }
        }
        String[] n = Arrays.copyOf(names, names.length + 1);
        String[] v = Arrays.copyOf(values, values.length + 1);
        n[names.length] = name;
        v[values.length] = value;
        return new Labels(n, v);
    }

    /** A copy without label {@code name} (this instance when it has no such label). */
    public Labels without(String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                String[] n = new String[names.length - 1];
                String[] v = new String[names.length - 1];
                System.arraycopy(names, 0, n, 0, i);
                System.arraycopy(values, 0, v, 0, i);
                System.arraycopy(names, i + 1, n, i, names.length - i - 1);
                System.arraycopy(values, i + 1, v, i, names.length - i - 1);
                return ofArrays(n, v);
            }
        }
        return this;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Labels other
                && hashCode() == other.hashCode()
                && Arrays.equals(names, other.names)
                && Arrays.equals(values, other.values);
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = 31 * Arrays.hashCode(names) + Arrays.hashCode(values);
            hash = h; // a racing thread computes the same value
        }
        return h;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < names.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(names[i]).append("=\"").append(values[i]).append('"');
        }
        return sb.append('}').toString();
    }
}
