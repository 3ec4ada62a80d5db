package dev.kmp.receiver.kong;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A deliberately naive reader of Kong's text output (regex per line, Strings everywhere) that
 * computes what the parser must produce, independently of the parser's code.
 */
final class ReferenceReader {
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{.*})?[ \\t]+(\\S+)$");
    private static final Pattern LABEL = Pattern.compile("\\s*([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"\\s*(,|$)");

    /** A sample's labels as written, in order, values unescaped. */
    record Pair(String name, String value) {
    }

    static final class Histogram {
        final Map<String, Double> bucketsByLeText = new LinkedHashMap<>();
        Double count;
        Double sum;
    }

    /** Family names in order of first appearance. */
    final Set<String> familyOrder = new LinkedHashSet<>();
    final Map<String, String> types = new HashMap<>();
    /** family -> labels without le -> histogram. */
    final Map<String, Map<List<Pair>, Histogram>> histograms = new LinkedHashMap<>();
    /** family -> "sampleName labels" -> value (last wins). */
    final Map<String, Map<String, Double>> scalars = new LinkedHashMap<>();
    int sampleLines;
    int duplicates;

    ReferenceReader(String text) {
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            if (line.startsWith("#")) {
                String[] parts = line.split(" ", 4);
                if (parts.length >= 3 && (parts[1].equals("HELP") || parts[1].equals("TYPE"))) {
                    familyOrder.add(parts[2]);
                    if (parts[1].equals("TYPE")) {
                        types.put(parts[2], parts[3]);
                    }
                }
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            if (!m.matches()) {
                throw new IllegalArgumentException("reference reader cannot read: " + line);
            }
            sampleLines++;
            String name = m.group(1);
            List<Pair> labels = labels(m.group(2));
            double value = number(m.group(3));
            String family = familyOf(name);
            familyOrder.add(family);
            if ("histogram".equals(types.get(family))) {
                List<Pair> withoutLe = new ArrayList<>();
                String le = null;
                for (Pair p : labels) {
                    if (p.name().equals("le")) {
                        le = p.value();
                    } else {
                        withoutLe.add(p);
                    }
                }
                Histogram h = histograms.computeIfAbsent(family, f -> new LinkedHashMap<>())
                        .computeIfAbsent(withoutLe, l -> new Histogram());
                if (name.endsWith("_bucket")) {
                    if (h.bucketsByLeText.put(le, value) != null) {
                        duplicates++;
                    }
                } else if (name.endsWith("_count")) {
                    if (h.count != null) {
                        duplicates++;
                    }
                    h.count = value;
                } else {
                    if (h.sum != null) {
                        duplicates++;
                    }
                    h.sum = value;
                }
            } else {
                if (scalars.computeIfAbsent(family, f -> new LinkedHashMap<>()).put(name + " " + labels, value) != null) {
                    duplicates++;
                }
            }
        }
    }

    private String familyOf(String name) {
        for (String suffix : new String[] {"_bucket", "_count", "_sum"}) {
            if (name.endsWith(suffix)) {
                String base = name.substring(0, name.length() - suffix.length());
                if ("histogram".equals(types.get(base))) {
                    return base;
                }
            }
        }
        return name;
    }

    static List<Pair> labels(String block) {
        List<Pair> out = new ArrayList<>();
        if (block == null) {
            return out;
        }
        String body = block.substring(1, block.length() - 1);
        Matcher m = LABEL.matcher(body);
        int pos = 0;
        while (pos < body.length()) {
            if (!m.find(pos) || m.start() != pos) {
                throw new IllegalArgumentException("bad label block " + block);
            }
            out.add(new Pair(m.group(1), m.group(2).replace("\\\"", "\"").replace("\\n", "\n").replace("\\\\", "\\")));
            pos = m.end();
        }
        return out;
    }

    static double number(String s) {
        return switch (s) {
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(s);
        };
    }
}
