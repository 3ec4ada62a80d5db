package dev.kmp.demo;

/**
 * A Kong Gateway version, reduced to what changes the Prometheus plugin's output.
 *
 * @param major major
 * @param minor minor
 * @param patch patch
 */
public record KongVersion(int major, int minor, int patch) implements Comparable<KongVersion> {
    public static final KongVersion DEFAULT = new KongVersion(3, 9, 1);

    /** Lenient like the reference generator: "3.9.1", "3.5", "3.4.2.0-enterprise" all parse. */
    public static KongVersion parse(String text) {
        String[] parts = text.trim().split("\\.");
        int[] v = new int[3];
        for (int i = 0; i < 3 && i < parts.length; i++) {
            String digits = parts[i].replaceAll("\\D", "");
            v[i] = digits.isEmpty() ? 0 : Integer.parseInt(digits);
        }
        return new KongVersion(v[0], v[1], v[2]);
    }

    /** Kong 3.7 added the {@code workspace} label to the per-service families. */
    public boolean hasWorkspaceLabel() {
        return compareTo(new KongVersion(3, 7, 0)) >= 0;
    }

    /** Kong 3.8.1 / 3.9.0 added the 3000 and 6000 ms buckets to {@code kong_latency_ms}. */
    public boolean hasLongKongLatencyBuckets() {
        return compareTo(new KongVersion(3, 8, 1)) >= 0;
    }

    @Override
    public int compareTo(KongVersion o) {
        int c = Integer.compare(major, o.major);
        if (c == 0) {
            c = Integer.compare(minor, o.minor);
        }
        return c != 0 ? c : Integer.compare(patch, o.patch);
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch;
    }
}
