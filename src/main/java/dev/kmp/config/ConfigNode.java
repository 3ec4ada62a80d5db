package dev.kmp.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A YAML node that knows where it came from ({@code file:line}) and its key path, and reports
 * problems there. Readers of a map mark the keys they read; {@link #reportUnknownKeys()} then names
 * every key nobody read, so a misspelled key is an error rather than silently ignored.
 *
 * <p>Typed getters never throw: a bad value is recorded in {@link Problems} and the default is
 * returned, so validation goes on and reports every problem at once.
 */
public final class ConfigNode {
    private final String file;
    private final String path;
    private final Node node;
    private final int line;
    private final Problems problems;
    private final EnvSubstitution env;
    /** For maps: key -> (key line, value), in file order. */
    private final Map<String, Entry> entries;
    private final Set<String> read = new java.util.HashSet<>();
    private boolean freeForm;
    private boolean ignored;
    private boolean unreadable;

    private record Entry(int keyLine, ConfigNode value) {
    }

    private ConfigNode(String file, String path, Node node, int line, Problems problems, EnvSubstitution env) {
        this.file = file;
        this.path = path;
        this.node = node;
        this.line = line;
        this.problems = problems;
        this.env = env;
        this.entries = node instanceof MappingNode m ? index(m) : Map.of();
    }

    /** The root of a parsed file; a null node (empty file) is an empty map. */
    public static ConfigNode root(String file, Node node, Problems problems, EnvSubstitution env) {
        return new ConfigNode(file, "", node, node == null ? 1 : node.getStartMark().getLine() + 1, problems, env);
    }

    /** The stand-in root of a file that could not be read or parsed (the reason is already reported). */
    public static ConfigNode unreadable(String file, Problems problems, EnvSubstitution env) {
        ConfigNode n = root(file, null, problems, env);
        n.unreadable = true;
        return n;
    }

    /** True for the root of a file that could not be read or parsed. */
    public boolean unreadable() {
        return unreadable;
    }

    private Map<String, Entry> index(MappingNode m) {
        Map<String, Entry> map = new LinkedHashMap<>();
        for (NodeTuple t : m.getValue()) {
            int keyLine = t.getKeyNode().getStartMark().getLine() + 1;
            if (!(t.getKeyNode() instanceof ScalarNode k)) {
                problems.error(file, keyLine, path, "keys must be plain strings");
                continue;
            }
            String key = k.getValue();
            String childPath = path.isEmpty() ? key : path + "." + key;
            Node v = t.getValueNode();
            if (map.containsKey(key)) {
                problems.error(file, keyLine, childPath, "duplicate key (first at line " + map.get(key).keyLine + ")");
                continue;
            }
            // A value is reported at its key's line: a block map's own start is the line below it.
            map.put(key, new Entry(keyLine, new ConfigNode(file, childPath, v, keyLine, problems, env)));
        }
        return map;
    }

    public String file() {
        return file;
    }

    public int line() {
        return line;
    }

    public String path() {
        return path;
    }

    public Problems problems() {
        return problems;
    }

    /** Absent from the file (a key that was not written). */
    public boolean isMissing() {
        return node == null;
    }

    /** A map, or a key written with no value ({@code prometheus:}), which counts as an empty map. */
    public boolean isMap() {
        return node instanceof MappingNode || isNull() || (node == null && path.isEmpty());
    }

    public boolean isList() {
        return node instanceof SequenceNode;
    }

    public boolean isNull() {
        return node instanceof ScalarNode s && s.getTag().equals(Tag.NULL);
    }

    public boolean isScalar() {
        return node instanceof ScalarNode && !isNull();
    }

    /** Keys of a map, in file order. */
    public Set<String> keys() {
        return Collections.unmodifiableSet(entries.keySet());
    }

    public boolean has(String key) {
        return entries.containsKey(key);
    }

    /** The value under {@code key} (marked as read); a missing node when absent. */
    public ConfigNode get(String key) {
        read.add(key);
        Entry e = entries.get(key);
        if (e != null) {
            return e.value;
        }
        return new ConfigNode(file, path.isEmpty() ? key : path + "." + key, null, line, problems, env);
    }

    /** The line of {@code key} itself (where unknown-key errors point). */
    public int keyLine(String key) {
        Entry e = entries.get(key);
        return e == null ? line : e.keyLine;
    }

    /** Items of a list, with paths like {@code targets[2]}; a missing node is an empty list. */
    public List<ConfigNode> items() {
        if (node == null || isNull()) {
            return List.of();
        }
        if (!(node instanceof SequenceNode seq)) {
            error("expected a list");
            return List.of();
        }
        List<ConfigNode> out = new ArrayList<>();
        int i = 0;
        for (Node n : seq.getValue()) {
            out.add(new ConfigNode(file, path + "[" + i++ + "]", n, n.getStartMark().getLine() + 1, problems, env));
        }
        return out;
    }

    /** The scalar's text with {@code ${env:...}} expanded; null when missing or not a scalar (reported). */
    public String asString() {
        if (node == null || isNull()) {
            return null;
        }
        if (!(node instanceof ScalarNode s)) {
            error("expected a single value, not a " + (isList() ? "list" : "map"));
            return null;
        }
        try {
            return env.expand(s.getValue());
        } catch (IllegalArgumentException e) {
            error(e.getMessage());
            return null;
        }
    }

    /** The text as written in the file, before substitution (safe to show: secrets come from env). */
    public String rawText() {
        return node instanceof ScalarNode s ? s.getValue() : "";
    }

    public void error(String message) {
        problems.error(file, line, path, message);
    }

    public void warning(String message) {
        problems.warning(file, line, path, message);
    }

    // ---- typed getters: record a problem and fall back to the default on bad input ----

    public String string(String key, String dflt) {
        String s = get(key).asString();
        return s == null ? dflt : s;
    }

    public String requiredString(String key) {
        ConfigNode n = get(key);
        if (n.isMissing() || n.isNull()) {
            problems.error(file, line, n.path, "is required");
            return null;
        }
        return n.asString();
    }

    public boolean bool(String key, boolean dflt) {
        ConfigNode n = get(key);
        String s = n.asString();
        if (s == null) {
            return dflt;
        }
        return switch (s) {
            case "true" -> true;
            case "false" -> false;
            default -> {
                n.error("'" + n.rawText() + "' is not true or false");
                yield dflt;
            }
        };
    }

    public long integer(String key, long dflt, long min, long max) {
        ConfigNode n = get(key);
        String s = n.asString();
        if (s == null) {
            return dflt;
        }
        try {
            long v = Long.parseLong(s.strip());
            if (v < min || v > max) {
                n.error(v + " is out of range [" + min + ", " + max + "]");
                return dflt;
            }
            return v;
        } catch (NumberFormatException e) {
            n.error("'" + n.rawText() + "' is not a whole number");
            return dflt;
        }
    }

    public Duration duration(String key, Duration dflt, Duration min) {
        ConfigNode n = get(key);
        String s = n.asString();
        if (s == null) {
            return dflt;
        }
        try {
            Duration d = Durations.parse(s);
            if (d.compareTo(min) < 0) {
                n.error(s + " is shorter than the minimum " + Durations.format(min));
                return dflt;
            }
            return d;
        } catch (IllegalArgumentException e) {
            n.error(e.getMessage());
            return dflt;
        }
    }

    public long size(String key, long dflt, long min) {
        ConfigNode n = get(key);
        String s = n.asString();
        if (s == null) {
            return dflt;
        }
        try {
            long v = Sizes.parse(s);
            if (v < min) {
                n.error(s + " is below the minimum of " + min + " bytes");
                return dflt;
            }
            return v;
        } catch (IllegalArgumentException e) {
            n.error(e.getMessage());
            return dflt;
        }
    }

    /** One of a fixed set of words. */
    public String oneOf(String key, String dflt, String... allowed) {
        ConfigNode n = get(key);
        String s = n.asString();
        if (s == null) {
            return dflt;
        }
        for (String a : allowed) {
            if (a.equals(s)) {
                return s;
            }
        }
        n.error("'" + n.rawText() + "' is not one of " + String.join(", ", allowed));
        return dflt;
    }

    /** A list of strings; a single string is accepted as a list of one. */
    public List<String> stringList(String key) {
        ConfigNode n = get(key);
        if (n.isScalar()) {
            String s = n.asString();
            return s == null ? List.of() : List.of(s);
        }
        List<String> out = new ArrayList<>();
        for (ConfigNode item : n.items()) {
            String s = item.asString();
            if (s != null) {
                out.add(s);
            }
        }
        return List.copyOf(out);
    }

    /** A map of free-form string keys to string values (e.g. HTTP headers). */
    public Map<String, String> stringMap(String key) {
        ConfigNode n = map(key);
        n.freeForm = true;
        Map<String, String> out = new LinkedHashMap<>();
        for (String k : n.keys()) {
            String v = n.get(k).asString();
            if (v != null) {
                out.put(k, v);
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /** The map under {@code key}; a missing key is an empty map, a non-map is reported. */
    public ConfigNode map(String key) {
        ConfigNode n = get(key);
        if (!n.isMissing() && !n.isMap()) {
            n.error("expected a map of keys");
        }
        return n;
    }

    /** Marks every key of this map as read, for maps whose keys are names chosen by the user. */
    public void markFreeForm() {
        freeForm = true;
    }

    /** Skips the key check of this subtree (its parent was already reported as wrong). */
    public void ignoreUnknownKeys() {
        ignored = true;
    }

    /**
     * Reports, for this node and everything below it, each map key that no reader asked for,
     * with a suggestion when a known key is close.
     */
    public void reportUnknownKeys() {
        if (ignored) {
            return;
        }
        if (!freeForm) {
            for (Map.Entry<String, Entry> e : entries.entrySet()) {
                if (!read.contains(e.getKey())) {
                    String hint = suggestion(e.getKey(), read);
                    problems.error(file, e.getValue().keyLine, e.getValue().value.path,
                            "unknown key" + (hint == null ? "" : " (did you mean '" + hint + "'?)"));
                }
            }
        }
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            if (freeForm || read.contains(e.getKey())) {
                e.getValue().value.reportUnknownKeysBelow();
            }
        }
    }

    private void reportUnknownKeysBelow() {
        if (node instanceof MappingNode) {
            reportUnknownKeys();
        }
        // list items are new wrappers each time items() is called; readers of list items that are
        // maps must call reportUnknownKeys() on them (see forEachMapItem).
    }

    /** Visits each item of a list of maps and checks its keys afterwards. */
    public void forEachMapItem(java.util.function.Consumer<ConfigNode> reader) {
        for (ConfigNode item : items()) {
            if (!item.isMap()) {
                item.error("expected a map of keys");
                continue;
            }
            reader.accept(item);
            item.reportUnknownKeys();
        }
    }

    /** The known key closest to {@code key}, if it is a plausible typo. */
    static String suggestion(String key, Set<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : new TreeSet<>(known)) {
            int d = distance(key, k);
            if (d < bestDistance) {
                bestDistance = d;
                best = k;
            }
        }
        return best != null && bestDistance <= Math.max(1, Math.min(3, key.length() / 3)) ? best : null;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
