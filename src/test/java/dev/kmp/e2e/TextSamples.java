package dev.kmp.e2e;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A deliberately plain reader of Prometheus text for assertions: every sample line becomes
 * {@code name{sorted labels}} -> value, and HELP/TYPE lines are counted per family. Independent of
 * the service's parser so the tests do not grade it with itself.
 */
final class TextSamples {
    final Map<String, Double> values = new LinkedHashMap<>();
    final Map<String, Integer> typeLines = new LinkedHashMap<>();
    final Map<String, Integer> helpLines = new LinkedHashMap<>();

    static TextSamples parse(String text) {
        TextSamples s = new TextSamples();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            if (line.startsWith("# TYPE ")) {
                s.typeLines.merge(line.split(" ")[2], 1, Integer::sum);
                continue;
            }
            if (line.startsWith("# HELP ")) {
                s.helpLines.merge(line.split(" ")[2], 1, Integer::sum);
                continue;
            }
            if (line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int close = line.lastIndexOf('}');
            String name;
            Map<String, String> labels = new TreeMap<>();
            String rest;
            if (brace >= 0) {
                name = line.substring(0, brace);
                for (String[] kv : labelPairs(line.substring(brace + 1, close))) {
                    labels.put(kv[0], kv[1]);
                }
                rest = line.substring(close + 1).strip();
            } else {
                int sp = line.indexOf(' ');
                name = line.substring(0, sp);
                rest = line.substring(sp + 1).strip();
            }
            String value = rest.split(" ")[0];
            s.values.put(key(name, labels), parseValue(value));
        }
        return s;
    }

    static String key(String name, Map<String, String> labels) {
        return name + new TreeMap<>(labels);
    }

    static double parseValue(String v) {
        return switch (v) {
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(v);
        };
    }

    /** Splits {@code a="x",b="y\"z"} honouring escapes. */
    static List<String[]> labelPairs(String s) {
        List<String[]> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            int eq = s.indexOf('=', i);
            String name = s.substring(i, eq).strip();
            int j = eq + 2; // skip ="
            StringBuilder v = new StringBuilder();
            while (s.charAt(j) != '"') {
                char c = s.charAt(j);
                if (c == '\\') {
                    char n = s.charAt(j + 1);
                    v.append(n == 'n' ? '\n' : n);
                    j += 2;
                } else {
                    v.append(c);
                    j++;
                }
            }
            out.add(new String[] {name, v.toString()});
            i = j + 1;
            if (i < s.length() && s.charAt(i) == ',') {
                i++;
            }
        }
        return out;
    }
}
