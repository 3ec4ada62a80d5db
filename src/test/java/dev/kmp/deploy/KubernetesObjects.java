package dev.kmp.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.yaml.snakeyaml.Yaml;

/** Kubernetes objects as plain YAML maps, read from files or from {@code kubectl kustomize}, with path lookups. */
final class KubernetesObjects {
    private KubernetesObjects() {
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> parse(String yaml) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object doc : new Yaml().loadAll(yaml)) {
            if (doc != null) {
                out.add((Map<String, Object>) doc);
            }
        }
        return out;
    }

    static List<Map<String, Object>> read(Path file) throws IOException {
        return parse(Files.readString(file));
    }

    /**
     * {@code kubectl kustomize DIR}; the test is skipped (with the reason printed) only when kubectl
     * is not installed. A kustomize error fails the test with kubectl's message.
     */
    static List<Map<String, Object>> kustomize(Path dir) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder("kubectl", "kustomize", dir.toString()).redirectErrorStream(false).start();
        } catch (IOException e) {
            System.out.println("SKIPPED: kubectl is not installed (" + e.getMessage() + "); the kustomize base was not rendered");
            Assumptions.abort("kubectl is not installed");
            throw e;
        }
        byte[] out;
        byte[] err;
        try (InputStream o = p.getInputStream(); InputStream e = p.getErrorStream()) {
            out = o.readAllBytes();
            err = e.readAllBytes();
        }
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("kubectl kustomize " + dir + " failed: " + new String(err, StandardCharsets.UTF_8));
        }
        return parse(new String(out, StandardCharsets.UTF_8));
    }

    /** The value at a dotted path ("spec.template.metadata.labels"), or null. */
    static Object at(Object root, String path) {
        Object cur = root;
        for (String part : path.split("\\.")) {
            if (!(cur instanceof Map<?, ?> m)) {
                return null;
            }
            cur = m.get(part);
        }
        return cur;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object root, String path) {
        Object v = at(root, path);
        return v instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Object root, String path) {
        Object v = at(root, path);
        return v instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
    }

    static String str(Object root, String path) {
        Object v = at(root, path);
        return v == null ? null : String.valueOf(v);
    }

    static String kind(Map<String, Object> o) {
        return str(o, "kind");
    }

    static String name(Map<String, Object> o) {
        return str(o, "metadata.name");
    }

    static String id(Map<String, Object> o) {
        String ns = str(o, "metadata.namespace");
        return kind(o) + " " + (ns == null ? "" : ns + "/") + name(o);
    }
}
