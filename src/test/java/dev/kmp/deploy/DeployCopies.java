package dev.kmp.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The files kustomize needs from outside deploy/ (it refuses to read there): each source and its
 * committed copy. {@link #main} refreshes the copies; DeployCopiesTest fails when one drifts.
 */
public final class DeployCopies {
    /** One source file and where deploy/ keeps its copy. */
    public record Copy(Path source, Path copy) {
    }

    public static final List<Copy> COPIES = List.of(
            new Copy(Path.of("config", "application.yaml"), Path.of("deploy", "config", "application.yaml")),
            new Copy(Path.of("pipelines", "kubernetes.yaml"), Path.of("deploy", "pipelines", "kubernetes.yaml")));

    private DeployCopies() {
    }

    public static void write() throws IOException {
        for (Copy c : COPIES) {
            Files.createDirectories(c.copy().getParent());
            Files.copy(c.source(), c.copy(), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Run from the repository root. */
    public static void main(String[] args) throws IOException {
        write();
        COPIES.forEach(c -> System.out.println(c.source() + " -> " + c.copy()));
    }
}
