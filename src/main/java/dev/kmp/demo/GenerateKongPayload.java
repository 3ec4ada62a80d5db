package dev.kmp.demo;

import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Command line for {@link KongPayloadGenerator}, with gen_kong_metrics.py's flags; prints the
 * payload to stdout. {@code java -cp target/classes dev.kmp.demo.GenerateKongPayload --services 5000}
 */
public final class GenerateKongPayload {
    private GenerateKongPayload() {
    }

    public static void main(String[] args) throws IOException {
        for (String a : args) {
            if (a.equals("-h") || a.equals("--help")) {
                System.out.println(GeneratorOptions.USAGE);
                return;
            }
        }
        GeneratorOptions options;
        try {
            options = GeneratorOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        long start = System.nanoTime();
        KongPayloadGenerator generator = new KongPayloadGenerator(options);
        // System.out is a PrintStream that flushes and swallows errors; write to fd 1 directly.
        // A closed pipe (| head) ends the program quietly, as SIGPIPE does for the Python tool.
        OutputStream stdout = new FileOutputStream(FileDescriptor.out);
        long bytes;
        try {
            bytes = generator.write(stdout);
        } catch (IOException e) {
            if (String.valueOf(e.getMessage()).contains("Broken pipe")) {
                return;
            }
            throw e;
        }
        if (System.getenv("KMP_GEN_VERBOSE") != null) {
            System.err.printf("generated %d services, %d bytes in %d ms%n", options.services(), bytes,
                    (System.nanoTime() - start) / 1_000_000);
        }
    }
}
