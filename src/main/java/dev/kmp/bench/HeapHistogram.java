package dev.kmp.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.management.ObjectName;

/**
 * The live objects per class ({@code jcmd PID GC.class_histogram}, which runs a full GC first),
 * taken from inside the benchmark so that two of them can be subtracted: what the pipeline keeps
 * is the difference between the histogram after the cycles and the one before the first.
 */
record HeapHistogram(Map<String, long[]> byClass) {
    static HeapHistogram take() throws Exception {
        String text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
        Map<String, long[]> byClass = new HashMap<>();
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            // "  1:   123456   7890123  java.lang.String (java.base@25)"
            if (f.length >= 4 && f[0].endsWith(":") && !f[0].equals("Total")) {
                try {
                    byClass.put(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
                } catch (NumberFormatException e) {
                    // a header line
                }
            }
        }
        return new HeapHistogram(byClass);
    }

    /** The classes that grew most from {@code before} to this one, in bytes, with per-sample figures. */
    List<String> growthSince(HeapHistogram before, int top, long samples) {
        record Growth(String name, long instances, long bytes) {
        }
        List<Growth> growth = new ArrayList<>();
        long net = 0;
        long grown = 0;
        for (Map.Entry<String, long[]> e : byClass.entrySet()) {
            long[] was = before.byClass.getOrDefault(e.getKey(), new long[2]);
            long bytes = e.getValue()[1] - was[1];
            net += bytes;
            grown += Math.max(0, bytes);
            growth.add(new Growth(e.getKey(), e.getValue()[0] - was[0], bytes));
        }
        growth.sort((a, b) -> Long.compare(b.bytes, a.bytes));
        List<String> out = new ArrayList<>();
        // Net counts classes that shrank too (garbage of the set-up the first histogram still saw);
        // grown is the sum of the classes that grew, an upper bound of what the pipeline keeps.
        out.add(String.format(Locale.ROOT, "retained by class (after GC, minus before the first cycle): grown %.1f MB = %.0f bytes/sample, net %.1f MB",
                grown / 1e6, (double) grown / samples, net / 1e6));
        for (Growth g : growth.subList(0, Math.min(top, growth.size()))) {
            out.add(String.format(Locale.ROOT, "  %10d bytes %9d objects %6.1f bytes/sample  %s",
                    g.bytes, g.instances, (double) g.bytes / samples, g.name));
        }
        return out;
    }
}
