package dev.kmp.exporter.k8smetrics;

import dev.kmp.model.Labels;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A Kubernetes label selector in its query-string form, as an HPA sends it:
 * {@code a=b}, {@code a==b}, {@code a!=b}, {@code a in (x,y)}, {@code a notin (x,y)}, {@code a},
 * {@code !a}, joined by commas (all must hold). Parsing reports the position of the first problem.
 */
public final class LabelSelector implements Predicate<Labels> {
    public static final LabelSelector EVERYTHING = new LabelSelector(List.of());

    enum Operator { EQUALS, NOT_EQUALS, IN, NOT_IN, EXISTS, DOES_NOT_EXIST }

    /** One requirement; {@code values} is empty for EXISTS / DOES_NOT_EXIST. */
    record Requirement(String key, Operator operator, Set<String> values) {
        boolean matches(Labels labels) {
            String v = labels.get(key);
            return switch (operator) {
                case EQUALS, IN -> v != null && values.contains(v);
                // Kubernetes: "a!=b" and "a notin (b)" also match objects without label a.
                case NOT_EQUALS, NOT_IN -> v == null || !values.contains(v);
                case EXISTS -> v != null;
                case DOES_NOT_EXIST -> v == null;
            };
        }
    }

    private final List<Requirement> requirements;

    private LabelSelector(List<Requirement> requirements) {
        this.requirements = List.copyOf(requirements);
    }

    List<Requirement> requirements() {
        return requirements;
    }

    public boolean isEmpty() {
        return requirements.isEmpty();
    }

    @Override
    public boolean test(Labels labels) {
        for (Requirement r : requirements) {
            if (!r.matches(labels)) {
                return false;
            }
        }
        return true;
    }

    /** The {@code key=value} requirements, which every matching series carries. */
    Map<String, String> equalities() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Requirement r : requirements) {
            if ((r.operator == Operator.EQUALS || r.operator == Operator.IN) && r.values.size() == 1) {
                out.put(r.key, r.values.iterator().next());
            }
        }
        return out;
    }

    /** The selector as a {@code metav1.LabelSelector} ({@code matchLabels}, {@code matchExpressions}). */
    Map<String, Object> toLabelSelectorObject() {
        Map<String, String> matchLabels = new LinkedHashMap<>();
        List<Map<String, Object>> expressions = new ArrayList<>();
        for (Requirement r : requirements) {
            if (r.operator == Operator.EQUALS) {
                matchLabels.put(r.key, r.values.iterator().next());
                continue;
            }
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("key", r.key);
            e.put("operator", switch (r.operator) {
                case IN -> "In";
                case NOT_IN, NOT_EQUALS -> "NotIn";
                case EXISTS -> "Exists";
                default -> "DoesNotExist";
            });
            if (!r.values.isEmpty()) {
                e.put("values", List.copyOf(r.values));
            }
            expressions.add(e);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        if (!matchLabels.isEmpty()) {
            out.put("matchLabels", matchLabels);
        }
        if (!expressions.isEmpty()) {
            out.put("matchExpressions", expressions);
        }
        return out;
    }

    /** A selector that also requires {@code key=value}. */
    LabelSelector and(String key, String value) {
        List<Requirement> more = new ArrayList<>(requirements);
        more.add(new Requirement(key, Operator.EQUALS, Set.of(value)));
        return new LabelSelector(more);
    }

    /**
     * @throws IllegalArgumentException with a message that says where the selector is wrong
     */
    public static LabelSelector parse(String text) {
        if (text == null || text.isBlank()) {
            return EVERYTHING;
        }
        return new Parser(text).parse();
    }

    private static final class Parser {
        private final String s;
        private int pos;

        Parser(String s) {
            this.s = s;
        }

        LabelSelector parse() {
            List<Requirement> out = new ArrayList<>();
            while (true) {
                skipSpace();
                out.add(requirement());
                skipSpace();
                if (pos == s.length()) {
                    return new LabelSelector(out);
                }
                expect(',');
            }
        }

        private Requirement requirement() {
            if (peek() == '!') {
                pos++;
                skipSpace();
                return new Requirement(key(), Operator.DOES_NOT_EXIST, Set.of());
            }
            String key = key();
            skipSpace();
            if (pos == s.length() || peek() == ',') {
                return new Requirement(key, Operator.EXISTS, Set.of());
            }
            if (s.startsWith("==", pos)) {
                pos += 2;
                return new Requirement(key, Operator.EQUALS, Set.of(value()));
            }
            if (s.startsWith("!=", pos)) {
                pos += 2;
                return new Requirement(key, Operator.NOT_EQUALS, Set.of(value()));
            }
            if (peek() == '=') {
                pos++;
                return new Requirement(key, Operator.EQUALS, Set.of(value()));
            }
            String word = word();
            Operator op = switch (word) {
                case "in" -> Operator.IN;
                case "notin" -> Operator.NOT_IN;
                default -> throw error(word.isEmpty() ? "expected an operator (=, ==, !=, in, notin)"
                        : "'" + word + "' is not an operator (=, ==, !=, in, notin)");
            };
            skipSpace();
            expect('(');
            Set<String> values = new LinkedHashSet<>();
            while (true) {
                skipSpace();
                String v = word();
                if (v.isEmpty()) {
                    throw error("expected a value");
                }
                values.add(v);
                skipSpace();
                if (peek() == ')') {
                    pos++;
                    return new Requirement(key, op, values);
                }
                expect(',');
            }
        }

        private String key() {
            String k = word();
            if (k.isEmpty()) {
                throw error("expected a label name");
            }
            return k;
        }

        private String value() {
            skipSpace();
            // An empty value is allowed: "a=" selects series whose label a is empty.
            return word();
        }

        private String word() {
            int start = pos;
            while (pos < s.length() && isWordChar(s.charAt(pos))) {
                pos++;
            }
            return s.substring(start, pos);
        }

        private static boolean isWordChar(char c) {
            return Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.' || c == '/';
        }

        private char peek() {
            return pos < s.length() ? s.charAt(pos) : '\0';
        }

        private void expect(char c) {
            if (peek() != c) {
                throw error("expected '" + c + "'");
            }
            pos++;
        }

        private void skipSpace() {
            while (pos < s.length() && s.charAt(pos) == ' ') {
                pos++;
            }
        }

        private IllegalArgumentException error(String message) {
            String found = pos < s.length() ? "'" + s.charAt(pos) + "'" : "the end";
            return new IllegalArgumentException("label selector '" + s + "': at character " + (pos + 1) + " (" + found
                    + "): " + message);
        }
    }
}
