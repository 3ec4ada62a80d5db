package dev.kmp.receiver.kong;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kmp.model.Labels;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random mutations of the fixtures (fixed seed) must end in a result, a ParseException or a
 * SampleLimitException: never another exception, never a hang. One parser is reused across all
 * inputs, as a receiver reuses it across scrapes, so broken scrapes must not poison its tables.
 */
class KongTextParserFuzzTest {
    private static final byte[] INTERESTING = "{}=\",\\\n\r \t#_:le+-.eE0123456789NaInfxp\u00c3\u00a9"
            .getBytes(StandardCharsets.ISO_8859_1);
    private static final String[] FRAGMENTS = {
        "# TYPE x histogram\n", "# TYPE x_bucket counter\n", "# HELP x \\n\\\\\n", "# EOF\n", "le=\"+Inf\"",
        "_bucket", "_count", "_sum", "_total", "_created", "{", "}", "\"", "\\", "\n", " # {a=\"b\"} 1",
        " 1700000000000", " NaN", " -Inf", "0x1p3", "1e400", ",,", "{le=\"1\"}", "# TYPE kong_kong_latency_ms gauge\n",
    };

    @Test
    void mutatedFixturesNeverThrowAnythingElse() throws Exception {
        byte[][] seeds = {
            KongTextParserFixtureTest.fixture("kong-small.prom"),
            KongTextParserFixtureTest.fixture("kong-multibackend.prom"),
            Arrays.copyOf(KongTextParserFixtureTest.fixture("gen-20-stream.prom"), 60_000),
        };
        Random random = new Random(20240611L);
        KongTextParser parser = new KongTextParser(4096);
        int results = 0;
        int parseErrors = 0;
        long deadline = System.nanoTime() + 20_000_000_000L;
        int iterations = 4000;
        for (int i = 0; i < iterations && System.nanoTime() < deadline; i++) {
            byte[] input = mutate(seeds[random.nextInt(seeds.length)], random);
            boolean openMetrics = random.nextInt(4) == 0;
            long maxSamples = random.nextInt(10) == 0 ? random.nextInt(300) + 1 : 0;
            try {
                parser.parse(new ByteArrayInputStream(input), new ParseOptions(Labels.of("dataplane_url", "u"), maxSamples, openMetrics));
                results++;
            } catch (ParseException | SampleLimitException expected) {
                parseErrors++;
            } catch (Exception | Error e) {
                fail("iteration " + i + " threw " + e + " for input:\n" + new String(input, StandardCharsets.UTF_8), e);
            }
        }
        assertTrue(results > 100, "some mutations still parse: " + results);
        assertTrue(parseErrors > 100, "some mutations break: " + parseErrors);
    }

    private static byte[] mutate(byte[] seed, Random random) {
        byte[] b = seed.clone();
        int edits = 1 + random.nextInt(6);
        for (int e = 0; e < edits; e++) {
            int at = random.nextInt(b.length);
            switch (random.nextInt(6)) {
                case 0 -> b[at] = INTERESTING[random.nextInt(INTERESTING.length)];
                case 1 -> b[at] = (byte) random.nextInt(256);
                case 2 -> { // delete a run
                    int n = Math.min(random.nextInt(40) + 1, b.length - at);
                    byte[] shorter = new byte[b.length - n];
                    System.arraycopy(b, 0, shorter, 0, at);
                    System.arraycopy(b, at + n, shorter, at, b.length - at - n);
                    b = shorter.length == 0 ? new byte[] {'\n'} : shorter;
                }
                case 3 -> b = insert(b, at, FRAGMENTS[random.nextInt(FRAGMENTS.length)].getBytes(StandardCharsets.UTF_8));
                case 4 -> { // duplicate a slice elsewhere (repeats series, blocks)
                    int n = Math.min(random.nextInt(400) + 1, b.length - at);
                    b = insert(b, random.nextInt(b.length), Arrays.copyOfRange(b, at, at + n));
                }
                default -> b = Arrays.copyOf(b, Math.max(1, at)); // truncate
            }
        }
        return b;
    }

    private static byte[] insert(byte[] b, int at, byte[] piece) {
        byte[] longer = new byte[b.length + piece.length];
        System.arraycopy(b, 0, longer, 0, at);
        System.arraycopy(piece, 0, longer, at, piece.length);
        System.arraycopy(b, at, longer, at + piece.length, b.length - at);
        return longer;
    }
}
