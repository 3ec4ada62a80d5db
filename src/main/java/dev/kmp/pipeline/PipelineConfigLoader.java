package dev.kmp.pipeline;

import dev.kmp.config.ConfigNode;
import dev.kmp.config.EnvSubstitution;
import dev.kmp.config.Problems;
import dev.kmp.config.YamlFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads pipeline files in the OpenTelemetry Collector's shape ({@code receivers}, {@code processors},
 * {@code exporters}, {@code service.pipelines}) and validates them, collecting every problem:
 * unknown keys and types, references to components that are not configured, components that no
 * pipeline uses (a warning) and bad values (reported by each factory).
 */
public final class PipelineConfigLoader {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.\\-]+");

    private final Factories factories;
    private final EnvSubstitution env;

    public PipelineConfigLoader(Factories factories, EnvSubstitution env) {
        this.factories = factories;
        this.env = env;
    }

    /** The outcome: a config when there are no errors (warnings may remain), and every problem found. */
    public record Result(PipelinesConfig config, Problems problems) {
        public boolean ok() {
            return config != null;
        }
    }

    /** The YAML files a path stands for: the file itself, or a directory's {@code *.yaml}/{@code *.yml} files by name. */
    public static List<Path> pipelineFiles(Path fileOrDir) throws IOException {
        if (!Files.isDirectory(fileOrDir)) {
            return List.of(fileOrDir);
        }
        try (Stream<Path> s = Files.list(fileOrDir)) {
            // Kubernetes mounts ConfigMaps with hidden ..data folders beside symlinks: skip dot entries.
            return s.filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .filter(Files::isRegularFile)
                    .sorted()
                    .toList();
        }
    }

    public Result load(Path fileOrDir) {
        Problems problems = new Problems();
        List<Path> files;
        try {
            files = pipelineFiles(fileOrDir);
        } catch (IOException e) {
            problems.error(fileOrDir.toString(), 1, "", "cannot list pipeline files: " + e.getMessage());
            return new Result(null, problems);
        }
        if (files.isEmpty()) {
            problems.error(fileOrDir.toString(), 1, "", "no pipeline files (*.yaml) found");
            return new Result(null, problems);
        }
        List<ConfigNode> roots = new ArrayList<>();
        for (Path f : files) {
            roots.add(YamlFiles.read(f, problems, env));
        }
        return validate(roots, files.stream().map(Path::toString).toList(), problems);
    }

    /** Validates already-parsed roots (one per file); used by tests with in-memory YAML too. */
    public Result validate(List<ConfigNode> roots, List<String> fileNames, Problems problems) {
        Map<Factories.Section, Map<String, ComponentSpec>> components = new HashMap<>();
        Map<Factories.Section, Map<String, ConfigNode>> declaredAt = new HashMap<>();
        for (Factories.Section s : Factories.Section.values()) {
            components.put(s, new LinkedHashMap<>());
            declaredAt.put(s, new LinkedHashMap<>());
        }
        List<PipelineSpec> pipelines = new ArrayList<>();
        Map<String, ConfigNode> pipelineNodes = new LinkedHashMap<>();

        for (ConfigNode root : roots) {
            if (!root.isMap()) {
                root.error("a pipeline file must be a map with receivers, processors, exporters and service");
                continue;
            }
            for (Factories.Section section : Factories.Section.values()) {
                readSection(root.map(section.key), section, components.get(section), declaredAt.get(section));
            }
            ConfigNode service = root.map("service");
            ConfigNode pipes = service.map("pipelines");
            pipes.markFreeForm();
            for (String id : pipes.keys()) {
                ConfigNode p = pipes.get(id);
                if (pipelineNodes.containsKey(id)) {
                    ConfigNode first = pipelineNodes.get(id);
                    p.error("pipeline '" + id + "' is already defined at " + first.file() + ":" + first.line());
                    continue;
                }
                pipelineNodes.put(id, p);
                PipelineSpec spec = readPipeline(id, p);
                if (spec != null) {
                    pipelines.add(spec);
                }
            }
        }

        if (pipelineNodes.isEmpty() && roots.stream().noneMatch(ConfigNode::unreadable)) {
            ConfigNode where = roots.isEmpty() ? null : roots.getFirst();
            if (where != null) {
                problems.error(where.file(), where.line(), "service.pipelines", "no pipeline is defined");
            }
        }
        checkReferences(pipelines, pipelineNodes, components, declaredAt);
        checkServedPaths(components.get(Factories.Section.EXPORTERS), declaredAt.get(Factories.Section.EXPORTERS));
        for (ConfigNode root : roots) {
            root.reportUnknownKeys();
        }
        if (problems.hasErrors()) {
            return new Result(null, problems);
        }
        return new Result(new PipelinesConfig(
                components.get(Factories.Section.RECEIVERS),
                components.get(Factories.Section.PROCESSORS),
                components.get(Factories.Section.EXPORTERS),
                pipelines, fileNames), problems);
    }

    private void readSection(ConfigNode sectionNode, Factories.Section section,
                             Map<String, ComponentSpec> out, Map<String, ConfigNode> declaredAt) {
        sectionNode.markFreeForm();
        Map<String, ? extends ComponentFactory<?, ?>> known = factories.section(section);
        for (String id : sectionNode.keys()) {
            ConfigNode node = sectionNode.get(id);
            if (declaredAt.containsKey(id)) {
                node.ignoreUnknownKeys();
                ConfigNode first = declaredAt.get(id);
                node.error(section.noun + " '" + id + "' is already configured at " + first.file() + ":" + first.line());
                continue;
            }
            String type = typeOf(id);
            String name = id.contains("/") ? id.substring(id.indexOf('/') + 1) : null;
            if (name != null && !NAME.matcher(name).matches()) {
                node.ignoreUnknownKeys();
                node.error("'" + id + "' is not a valid id (write type or type/name, the name made of letters, digits, '_', '-', '.')");
                continue;
            }
            ComponentFactory<?, ?> factory = known.get(type);
            if (factory == null) {
                node.ignoreUnknownKeys();
                node.error("unknown " + section.noun + " type '" + type + "' (known: " + String.join(", ", known.keySet()) + ")");
                continue;
            }
            if (!node.isMap()) {
                node.error("expected a map of settings (or nothing, for the defaults)");
                continue;
            }
            declaredAt.put(id, node);
            Object config = factory.parseConfig(node);
            out.put(id, new ComponentSpec(id, type, config, node.file(), node.line()));
        }
    }

    private static String typeOf(String id) {
        int slash = id.indexOf('/');
        return slash < 0 ? id : id.substring(0, slash);
    }

    private PipelineSpec readPipeline(String id, ConfigNode node) {
        String type = typeOf(id);
        if (!type.equals("metrics")) {
            node.ignoreUnknownKeys();
            node.error("unknown pipeline type '" + type + "' (only metrics pipelines exist: metrics or metrics/<name>)");
            return null;
        }
        if (!node.isMap()) {
            node.error("expected a map with receivers, processors and exporters");
            return null;
        }
        List<String> receivers = node.stringList("receivers");
        List<String> processors = node.stringList("processors");
        List<String> exporters = node.stringList("exporters");
        if (receivers.isEmpty()) {
            node.problems().error(node.file(), node.line(), node.path() + ".receivers", "a pipeline needs at least one receiver");
        }
        if (exporters.isEmpty()) {
            node.problems().error(node.file(), node.line(), node.path() + ".exporters", "a pipeline needs at least one exporter");
        }
        return new PipelineSpec(id, receivers, processors, exporters);
    }

    private void checkReferences(List<PipelineSpec> pipelines, Map<String, ConfigNode> pipelineNodes,
                                 Map<Factories.Section, Map<String, ComponentSpec>> components,
                                 Map<Factories.Section, Map<String, ConfigNode>> declaredAt) {
        Map<Factories.Section, Set<String>> used = new HashMap<>();
        for (Factories.Section s : Factories.Section.values()) {
            used.put(s, new HashSet<>());
        }
        for (PipelineSpec p : pipelines) {
            ConfigNode node = pipelineNodes.get(p.id());
            checkList(node, Factories.Section.RECEIVERS, p.receivers(), components, declaredAt, used);
            checkList(node, Factories.Section.PROCESSORS, p.processors(), components, declaredAt, used);
            checkList(node, Factories.Section.EXPORTERS, p.exporters(), components, declaredAt, used);
        }
        for (Factories.Section s : Factories.Section.values()) {
            for (Map.Entry<String, ConfigNode> e : declaredAt.get(s).entrySet()) {
                if (!used.get(s).contains(e.getKey())) {
                    e.getValue().warning(s.noun + " '" + e.getKey() + "' is configured but no pipeline uses it");
                }
            }
        }
    }

    private void checkList(ConfigNode pipeline, Factories.Section section, List<String> ids,
                           Map<Factories.Section, Map<String, ComponentSpec>> components,
                           Map<Factories.Section, Map<String, ConfigNode>> declaredAt,
                           Map<Factories.Section, Set<String>> used) {
        ConfigNode listNode = pipeline.get(section.key);
        List<ConfigNode> items = listNode.items();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            ConfigNode at = i < items.size() ? items.get(i) : listNode;
            if (!seen.add(id)) {
                at.error(section.noun + " '" + id + "' is listed twice in this pipeline");
                continue;
            }
            // A component whose own config is invalid is declared but has no spec: do not report it twice.
            if (!declaredAt.get(section).containsKey(id)) {
                String hint = closest(id, declaredAt.get(section).keySet());
                at.error(section.noun + " '" + id + "' is not configured under " + section.key
                        + (hint == null ? "" : " (did you mean '" + hint + "'?)"));
                continue;
            }
            used.get(section).add(id);
        }
    }

    private static String closest(String id, Set<String> known) {
        for (String k : known) {
            if (k.equalsIgnoreCase(id) || typeOf(k).equals(id)) {
                return k;
            }
        }
        return null;
    }

    private void checkServedPaths(Map<String, ComponentSpec> exporters, Map<String, ConfigNode> declaredAt) {
        Map<String, String> claimed = new HashMap<>();
        for (ComponentSpec spec : exporters.values()) {
            if (spec.config() instanceof ServedPath sp) {
                String other = claimed.putIfAbsent(sp.path(), spec.id());
                if (other != null) {
                    declaredAt.get(spec.id()).error("path " + sp.path() + " is already served by exporter '" + other
                            + "' (give each prometheus exporter its own path)");
                }
            }
        }
    }
}
