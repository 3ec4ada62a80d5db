package dev.kmp.model;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One shared {@code names} array per distinct list of label names. A Kong payload has tens of
 * thousands of label sets but only a few dozen shapes (every series of a family has the same
 * names), so sharing the names array halves the arrays a label set holds.
 *
 * <p>Whoever builds {@link Labels} in bulk (the parser, the enrichment) keeps one of these and
 * passes {@link #share} the names it built; the result may be handed to
 * {@link Labels#ofArrays} by any number of label sets, since nobody modifies it. Shapes are few
 * and only grow with new label names, so the table is emptied when it passes {@code maxShapes}
 * (a source inventing label names cannot grow it forever; sharing simply starts over).
 */
public final class LabelNameSets {
    private record Key(String[] names) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(names, k.names);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(names);
        }
    }

    private final ConcurrentHashMap<Key, String[]> shared = new ConcurrentHashMap<>();
    private final int maxShapes;
    // Label sets come in runs of one shape (a family's series): the last answer is tried first.
    private volatile String[] last;

    public LabelNameSets(int maxShapes) {
        this.maxShapes = maxShapes;
    }

    /** The shared array equal to {@code names} (which becomes the shared one when it is the first). */
    public String[] share(String[] names) {
        String[] recent = last;
        if (recent != null && Arrays.equals(recent, names)) {
            return recent;
        }
        String[] found = shared.get(new Key(names));
        if (found == null) {
            if (shared.size() >= maxShapes) {
                shared.clear();
            }
            String[] raced = shared.putIfAbsent(new Key(names), names);
            found = raced != null ? raced : names;
        }
        last = found;
        return found;
    }

    public int size() {
        return shared.size();
    }
}
