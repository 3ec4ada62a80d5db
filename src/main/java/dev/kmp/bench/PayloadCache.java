package dev.kmp.bench;

import dev.kmp.demo.GeneratedCluster;
import dev.kmp.demo.GeneratorOptions;
import dev.kmp.demo.KongPayloadGenerator;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The benchmark's work unit: the project's own generator output for
 * {@code --services N --routes-per-service 2 --seed 1}, cached on disk (5000 services is 111 MB).
 */
final class PayloadCache {
    private PayloadCache() {
    }

    static Path payload(Path cacheDir, int services) throws IOException {
        Files.createDirectories(cacheDir);
        Path file = cacheDir.resolve("kong-" + services + "-r2-s1.prom");
        if (Files.isRegularFile(file)) {
            return file;
        }
        Path tmp = Files.createTempFile(cacheDir, "kong-", ".tmp");
        GeneratorOptions options = generatorOptions(services);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
            new KongPayloadGenerator(options).write(out);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return file;
    }

    /** The generator settings of the work unit; the same options give the same payload and cluster. */
    static GeneratorOptions generatorOptions(int services) {
        return GeneratorOptions.parse("--services", String.valueOf(services), "--routes-per-service", "2", "--seed", "1");
    }

    /** The Kubernetes objects and Kong entities behind the payload of {@code services}. */
    static GeneratedCluster cluster(int services) {
        return new KongPayloadGenerator(generatorOptions(services)).cluster();
    }

    /** Sample lines of a payload: lines that are neither blank nor comments. */
    static int sampleLines(byte[] body) {
        int n = 0;
        boolean lineStart = true;
        boolean sample = false;
        for (byte b : body) {
            if (lineStart) {
                sample = b != '#' && b != '\n';
                lineStart = false;
            }
            if (b == '\n') {
                if (sample) {
                    n++;
                }
                lineStart = true;
                sample = false;
            }
        }
        return sample ? n + 1 : n;
    }
}
