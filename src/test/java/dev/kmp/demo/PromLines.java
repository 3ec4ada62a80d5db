package dev.kmp.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A deliberately simple reader of Prometheus text lines for tests: independent of the project's
 * parser, so the generator is not checked against code that shares its assumptions.
 */
final class PromLines {
    /** One "# HELP"/"# TYPE" pair and the samples that follow it, until the next pair. */
    record Block(String family, String help, String type, List<Sample> samples) {
    }

    record Sample(String name, Map<String, String> labels, double value) {
        String labelsWithout(String label) {
            Map<String, String> m = new LinkedHashMap<>(labels);
            m.remove(label);
            return m.toString();
        }

        String labelNames() {
            return String.join(",", labels.keySet());
        }
    }

    private PromLines() {
    }

    static List<Block> read(String text) {
        try (BufferedReader r = new BufferedReader(new StringReader(text))) {
            return read(r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Block> read(InputStream in) throws IOException {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            return read(r);
        }
    }

    private static List<Block> read(BufferedReader r) throws IOException {
        List<Block> blocks = new ArrayList<>();
        String pendingHelp = null;
        String pendingHelpFamily = null;
        Block current = null;
        String line;
        while ((line = r.readLine()) != null) {
            if (line.startsWith("# HELP ")) {
                String rest = line.substring(7);
                int sp = rest.indexOf(' ');
                pendingHelpFamily = rest.substring(0, sp);
                pendingHelp = rest.substring(sp + 1);
            } else if (line.startsWith("# TYPE ")) {
                String[] p = line.substring(7).split(" ");
                if (!p[0].equals(pendingHelpFamily)) {
                    throw new IllegalStateException("TYPE without matching HELP: " + line);
                }
                current = new Block(p[0], pendingHelp, p[1], new ArrayList<>());
                blocks.add(current);
            } else if (!line.isEmpty()) {
                Objects.requireNonNull(current, "sample before any HELP/TYPE: " + line);
                current.samples().add(sample(line));
            }
        }
        return blocks;
    }

    static Sample sample(String line) {
        int brace = line.indexOf('{');
        int space;
        Map<String, String> labels = new LinkedHashMap<>();
        String name;
        if (brace < 0) {
            space = line.indexOf(' ');
            name = line.substring(0, space);
        } else {
            name = line.substring(0, brace);
            int i = brace + 1;
            while (line.charAt(i) != '}') {
                int eq = line.indexOf('=', i);
                String label = line.substring(i, eq);
                StringBuilder v = new StringBuilder();
                int j = eq + 2; // skip ="
                while (line.charAt(j) != '"') {
                    char c = line.charAt(j);
                    if (c == '\\') {
                        j++;
                        c = line.charAt(j);
                    }
                    v.append(c);
                    j++;
                }
                labels.put(label, v.toString());
                i = j + 1;
                if (line.charAt(i) == ',') {
                    i++;
                }
            }
            space = i + 1;
        }
        String value = line.substring(space).trim();
        double v = switch (value) {
            case "+Inf", "inf" -> Double.POSITIVE_INFINITY;
            case "-Inf", "-inf" -> Double.NEGATIVE_INFINITY;
            case "nan", "NaN" -> Double.NaN;
            default -> Double.parseDouble(value);
        };
        return new Sample(name, labels, v);
    }

    static int sampleCount(List<Block> blocks) {
        return blocks.stream().mapToInt(b -> b.samples().size()).sum();
    }
}
