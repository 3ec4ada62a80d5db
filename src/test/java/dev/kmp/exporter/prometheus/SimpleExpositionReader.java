package dev.kmp.exporter.prometheus;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A deliberately small reader of the text formats, written apart from the code under test so that
 * the tests do not check the writers against themselves.
 */
final class SimpleExpositionReader {
    record Sample(String name, Map<String, String> labels, String valueText, double value, String timestamp) {
        String key() {
            return name + labels;
        }
    }

    final Map<String, Integer> helpLines = new HashMap<>();
    final Map<String, Integer> typeLines = new HashMap<>();
    final Map<String, String> help = new HashMap<>();
    final Map<String, String> type = new HashMap<>();
    /** Family names in the order their TYPE lines appear. */
    final List<String> familyOrder = new ArrayList<>();
    final List<Sample> samples = new ArrayList<>();
    boolean eof;

    static SimpleExpositionReader read(String text) {
        SimpleExpositionReader r = new SimpleExpositionReader();
        for (String line : text.split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            if (r.eof) {
                throw new AssertionError("text after # EOF: " + line);
            }
            if (line.equals("# EOF")) {
                r.eof = true;
            } else if (line.startsWith("# HELP ")) {
                String rest = line.substring(7);
                int sp = rest.indexOf(' ');
                String name = sp < 0 ? rest : rest.substring(0, sp);
                r.helpLines.merge(name, 1, Integer::sum);
                r.help.put(name, sp < 0 ? "" : unescape(rest.substring(sp + 1)));
            } else if (line.startsWith("# TYPE ")) {
                String[] w = line.substring(7).split(" ");
                r.typeLines.merge(w[0], 1, Integer::sum);
                r.type.put(w[0], w[1]);
                r.familyOrder.add(w[0]);
            } else if (line.startsWith("#")) {
                throw new AssertionError("unexpected comment: " + line);
            } else {
                r.samples.add(sample(line));
            }
        }
        return r;
    }

    private static Sample sample(String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
            i++;
        }
        String name = line.substring(0, i);
        Map<String, String> labels = new LinkedHashMap<>();
        if (line.charAt(i) == '{') {
            i++;
            while (line.charAt(i) != '}') {
                int eq = line.indexOf('=', i);
                String labelName = line.substring(i, eq);
                if (line.charAt(eq + 1) != '"') {
                    throw new AssertionError("unquoted label value: " + line);
                }
                StringBuilder value = new StringBuilder();
                int j = eq + 2;
                while (line.charAt(j) != '"') {
                    char c = line.charAt(j);
                    if (c == '\\') {
                        char n = line.charAt(++j);
                        value.append(switch (n) {
                            case 'n' -> '\n';
                            case '\\' -> '\\';
                            case '"' -> '"';
                            default -> throw new AssertionError("bad escape \\" + n + " in " + line);
                        });
                    } else {
                        value.append(c);
                    }
                    j++;
                }
                labels.put(labelName, value.toString());
                i = j + 1;
                if (line.charAt(i) == ',') {
                    i++;
                }
            }
            i++;
        }
        String[] rest = line.substring(i + 1).split(" ");
        if (line.charAt(i) != ' ' || rest.length > 2) {
            throw new AssertionError("bad sample line: " + line);
        }
        return new Sample(name, labels, rest[0], parseValue(rest[0]), rest.length > 1 ? rest[1] : null);
    }

    static double parseValue(String s) {
        return switch (s) {
            case "NaN" -> Double.NaN;
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(s);
        };
    }

    private static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                b.append(n == 'n' ? '\n' : n);
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    List<Sample> samplesNamed(String name) {
        return samples.stream().filter(s -> s.name().equals(name)).toList();
    }
}
