package dev.kmp.config;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.Node;

/** Reads YAML files into {@link ConfigNode} trees that keep line numbers. */
public final class YamlFiles {
    private YamlFiles() {
    }

    /** Parses {@code file}; a syntax error is recorded and an empty root returned. */
    public static ConfigNode read(Path file, Problems problems, EnvSubstitution env) {
        String name = file.toString();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            problems.error(name, 1, "", "cannot read file: " + e.getMessage());
            return ConfigNode.unreadable(name, problems, env);
        }
        return parse(name, text, problems, env);
    }

    public static ConfigNode parse(String name, String text, Problems problems, EnvSubstitution env) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(true); // ConfigNode reports duplicates with both lines
        options.setMaxAliasesForCollections(50);
        options.setCodePointLimit(16 * 1024 * 1024);
        Yaml yaml = new Yaml(options);
        try (Reader reader = new StringReader(text)) {
            Node node = yaml.compose(reader);
            return ConfigNode.root(name, node, problems, env);
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() != null ? e.getProblemMark().getLine() + 1 : 1;
            problems.error(name, line, "", "YAML syntax: " + e.getProblem());
        } catch (RuntimeException | IOException e) {
            problems.error(name, 1, "", "YAML syntax: " + e.getMessage());
        }
        return ConfigNode.unreadable(name, problems, env);
    }
}
