package dev.kmp.bench;

import dev.kmp.demo.GeneratedCluster;
import dev.kmp.demo.GeneratorOptions;
import dev.kmp.demo.KongPayloadGenerator;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

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

    /**
     * The payload in one direct buffer, outside the heap: the loopback server sends from it and the
     * in-memory parse stage reads it, so the benchmark holds a single copy that never counts as
     * the pipeline's heap. Writable: the Kong churn cycles change one digit of it in place.
     */
    static ByteBuffer load(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer payload = ByteBuffer.allocateDirect(Math.toIntExact(channel.size()));
            while (payload.hasRemaining() && channel.read(payload) >= 0) {
                // until full
            }
            return payload.flip();
        }
    }

    /** Sample lines of a payload: lines that are neither blank nor comments. */
    static int sampleLines(ByteBuffer body) {
        int n = 0;
        boolean lineStart = true;
        boolean sample = false;
        for (int i = body.position(); i < body.limit(); i++) {
            byte b = body.get(i);
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

    /** Reads a buffer from its position without moving it. */
    static InputStream stream(ByteBuffer body) {
        ByteBuffer view = body.duplicate();
        return new InputStream() {
            @Override
            public int read() {
                return view.hasRemaining() ? view.get() & 0xFF : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (!view.hasRemaining()) {
                    return -1;
                }
                int n = Math.min(len, view.remaining());
                view.get(b, off, n);
                return n;
            }
        };
    }
}
