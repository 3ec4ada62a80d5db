package dev.kmp.demo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Test helpers: generated payloads as text, and the committed reference files. */
final class Payloads {
    private Payloads() {
    }

    static String generate(String... args) {
        return render(new KongPayloadGenerator(GeneratorOptions.parse(args)));
    }

    static String render(KongPayloadGenerator g) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            g.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    static String render(SimulatedTraffic t) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            t.render(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    static String resource(String name) {
        try (InputStream in = Payloads.class.getResourceAsStream("/kong-gen/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource kong-gen/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
