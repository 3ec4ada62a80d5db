package dev.kmp.receiver.kong;

import dev.kmp.model.BucketBounds;
import java.util.Arrays;

/**
 * One {@link BucketBounds} per distinct layout, kept across scrapes: Kong's sparse buckets give a
 * family a handful of layouts shared by thousands of series.
 */
final class BucketLayouts extends GenerationalTable {
    private static final class Layout extends Entry {
        final BucketBounds bounds;

        Layout(BucketBounds bounds) {
            this.bounds = bounds;
        }

        boolean matches(double[] upperBounds, String[] texts, int n) {
            if (bounds.size() != n) {
                return false;
            }
            for (int i = 0; i < n; i++) {
                if (Double.compare(bounds.upperBound(i), upperBounds[i]) != 0 || !bounds.text(i).equals(texts[i])) {
                    return false;
                }
            }
            return true;
        }
    }

    /** The shared bounds for the first {@code n} entries of these arrays (which are not kept). */
    BucketBounds layout(double[] upperBounds, String[] texts, int n) {
        int h = n;
        for (int i = 0; i < n; i++) {
            h = h * 31 + Double.hashCode(upperBounds[i]);
            h = h * 31 + texts[i].hashCode();
        }
        int hash = ByteText.spread(h);
        for (int slot = firstCandidate(hash); slot >= 0; slot = nextCandidate(slot, hash)) {
            Layout layout = (Layout) entryAt(slot);
            if (layout.matches(upperBounds, texts, n)) {
                touch(layout);
                return layout.bounds;
            }
        }
        Layout added = new Layout(new BucketBounds(Arrays.copyOf(upperBounds, n), Arrays.copyOf(texts, n)));
        add(added, hash);
        return added.bounds;
    }
}
