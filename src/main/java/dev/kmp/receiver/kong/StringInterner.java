package dev.kmp.receiver.kong;

import java.util.Arrays;

/**
 * Strings keyed by the raw bytes they were written as, so a hit costs a hash and a byte compare
 * and allocates nothing. Keys are the escaped form: decoding happens once, on a miss.
 */
final class StringInterner extends GenerationalTable {
    static final class InternedString extends Entry {
        final byte[] raw;
        final String value;

        InternedString(byte[] raw, String value) {
            this.raw = raw;
            this.value = value;
        }

        boolean matches(byte[] b, int from, int to) {
            return Arrays.equals(raw, 0, raw.length, b, from, to); // unequal lengths: false
        }
    }

    private Escapes escapes;

    StringInterner(Escapes escapes) {
        this.escapes = escapes;
    }

    /** Switches the escape rules; what was interned under the old ones is forgotten. */
    void useEscapes(Escapes newEscapes) {
        if (newEscapes != escapes) {
            escapes = newEscapes;
            clear();
        }
    }

    /** The string written as {@code b[from, to)}, marked as used by this scrape. */
    InternedString intern(byte[] b, int from, int to) {
        int hash = ByteText.hash(b, from, to);
        InternedString found = find(hash, b, from, to);
        if (found != null) {
            touch(found);
            return found;
        }
        InternedString added = new InternedString(Arrays.copyOfRange(b, from, to), escapes.decode(b, from, to));
        add(added, hash);
        return added;
    }

    /** Whether these raw bytes are interned; does not mark them used. */
    boolean contains(byte[] raw) {
        return find(ByteText.hash(raw, 0, raw.length), raw, 0, raw.length) != null;
    }

    private InternedString find(int hash, byte[] b, int from, int to) {
        for (int slot = firstCandidate(hash); slot >= 0; slot = nextCandidate(slot, hash)) {
            InternedString s = (InternedString) entryAt(slot);
            if (s.matches(b, from, to)) {
                return s;
            }
        }
        return null;
    }
}
