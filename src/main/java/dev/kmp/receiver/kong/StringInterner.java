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
        /** The string met next, in place of this one, the last time it was not repeated (see {@link #internAfter}). */
        private InternedString successor;

        InternedString(byte[] raw, String value) {
            this.raw = raw;
            this.value = value;
        }

        boolean matches(byte[] b, int from, int to) {
            return Arrays.equals(raw, 0, raw.length, b, from, to); // unequal lengths: false
        }

        @Override
        void dropped() {
            successor = null; // a dropped string holds no other: at most one dropped string per held one stays reachable
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

    /**
     * The string written as {@code b[from, to)} where {@code previous} was written before in the
     * same place (a label's value in the previous label set), trying first the string that
     * followed {@code previous} there last time. Kong lists its services, routes and upstream
     * targets in the same order in every family, so in a target's first scrape a family's next
     * value is mostly the one that came after the current one in the family before, and the
     * string is found without hashing and probing a table of tens of thousands (three cache
     * misses each: slot, entry, bytes).
     */
    InternedString internAfter(InternedString previous, byte[] b, int from, int to) {
        InternedString next = previous.successor;
        if (next != null && next.held() && next.matches(b, from, to)) {
            touch(next);
            return next;
        }
        InternedString found = intern(b, from, to);
        previous.successor = found;
        return found;
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
