package dev.kmp.bench.jmh;

import dev.kmp.demo.GeneratorOptions;
import dev.kmp.demo.KongPayloadGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/** The benchmark's work unit ({@code --services N --routes-per-service 2 --seed 1}), made in memory. */
final class GeneratedPayload {
    private GeneratedPayload() {
    }

    static byte[] of(int services) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(services * 23_000);
        new KongPayloadGenerator(GeneratorOptions.parse("--services", String.valueOf(services),
                "--routes-per-service", "2", "--seed", "1")).write(out);
        return out.toByteArray();
    }
}
