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
    private static final String[] NONE = new String[0];
    public static final Labels EMPTY = new Labels(NONE, NONE, NONE);

    private final String[] names;
    // The values are values followed by tail. A set that extends another (see extending) holds
    // that set's values array and a tail shared by many sets, so it owns no array of its own.
    private final String[] values;
    private final String[] tail;
    // Computed on first use, as String does: the k8sattributes processor builds a new set for
    // every series of a target's first scrape, and most of them are never hashed.
    private int hash;

    private Labels(String[] names, String[] values, String[] tail) {
        this.names = names;
        this.values = values;
        this.tail = tail;
    }

    /** Takes ownership of the arrays: callers must not modify them afterwards. */
    public static Labels ofArrays(String[] names, String[] values) {
        if (names.length != values.length) {
            throw new IllegalArgumentException("names and values differ in length");
        }
        return names.length == 0 ? EMPTY : new Labels(names, values, NONE);
    }

    /**
     * The set named {@code names} whose values are {@code head}'s, in order, followed by
     * {@code tail}'s. Takes ownership of both arrays, which may be shared by any number of sets:
     * the k8sattributes processor gives every series of one Kong service the same tail (the
     * Kubernetes object's labels), so an enriched set costs one small object and no array, and
     * keeps no copy of the values the parser already holds.
     */
    public static Labels extending(Labels head, String[] names, String[] tail) {
        if (names.length != head.size() + tail.length) {
            throw new IllegalArgumentException("names and values differ in length");
        }
        if (tail.length == 0) {
            return head.names == names ? head : new Labels(names, head.values, head.tail);
        }
        if (head.tail.length != 0) { // one level only: value(i) stays a single branch
            return new Labels(names, concat(head.values, head.tail, tail), NONE);
        }
        return new Labels(names, head.values, tail);
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
        return i < values.length ? values[i] : tail[i - values.length];
    }

    /** The value of label {@code name}, or null. */
    public String get(String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return value(i);
            }
        }
        return null;
    }

    /** The values in one array: the own one when there is no tail, else a copy. */
    private String[] flatValues() {
        return tail.length == 0 ? values : concat(values, tail, NONE);
    }

    private static String[] concat(String[] a, String[] b, String[] c) {
        String[] all = Arrays.copyOf(a, a.length + b.length + c.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        System.arraycopy(c, 0, all, a.length + b.length, c.length);
        return all;
    }

    /** A copy with {@code name} set to {@code value}: replaced in place if present, else appended. */
    public Labels with(String name, String value) {
        String[] flat = flatValues();
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                if (flat[i].equals(value)) {
                    return this;
                }
                String[] v = flat.clone();
                v[i] = value;
                return new Labels(names, v, NONE);
            }
        }
        String[] n = Arrays.copyOf(names, names.length + 1);
        String[] v = Arrays.copyOf(flat, flat.length + 1);
        n[names.length] = name;
        v[flat.length] = value;
        return new Labels(n, v, NONE);
    }

    /** A copy without label {@code name} (this instance when it has no such label). */
    public Labels without(String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                String[] flat = flatValues();
                String[] n = new String[names.length - 1];
                String[] v = new String[names.length - 1];
                System.arraycopy(names, 0, n, 0, i);
                System.arraycopy(flat, 0, v, 0, i);
                System.arraycopy(names, i + 1, n, i, names.length - i - 1);
                System.arraycopy(flat, i + 1, v, i, names.length - i - 1);
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
                && sameValues(other);
    }

    private boolean sameValues(Labels other) {
        if (tail.length == 0 && other.tail.length == 0) {
            return Arrays.equals(values, other.values);
        }
        for (int i = 0; i < names.length; i++) {
            if (!value(i).equals(other.value(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            // Arrays.hashCode of the values as one array, whichever way they are held.
            int v = Arrays.hashCode(values);
            for (String t : tail) {
                v = 31 * v + t.hashCode();
            }
            h = 31 * Arrays.hashCode(names) + v;
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
            sb.append(names[i]).append("=\"").append(value(i)).append('"');
        }
        return sb.append('}').toString();
    }
}
