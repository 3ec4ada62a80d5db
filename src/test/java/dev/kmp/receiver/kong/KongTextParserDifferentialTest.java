package dev.kmp.receiver.kong;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kmp.model.HistogramSeries;
import dev.kmp.model.Labels;
import dev.kmp.model.MetricFamily;
import dev.kmp.model.ScalarSeries;
import dev.kmp.model.Series;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Random histogram bodies (le anywhere in the label block, label values from a small pool so sets
 * repeat, runs of buckets broken up, series interleaved, lines without labels, lines shuffled, odd
 * spacing; each body's order unlike the one before it) read by
 * one reused parser and by {@link ReferenceReader}: both readings must be the same. This is what
 * keeps the parser's shortcuts (bucket runs, label-set guesses, cached le bounds) honest.
 */
class KongTextParserDifferentialTest {
    private static final String[] LE = {"0.5", "1", "2", "5", "10", "25", "100", "1000", "2.5e3", "60000", "+Inf"};
    private static final String[] VALUES = {"a", "b", "checkout.shop.80", "x\\\"y", "line\\nbreak", "back\\\\slash", ""};

    @Test
    void randomBodiesReadLikeTheReferenceReader() throws Exception {
        Random random = new Random(20261127L);
        KongTextParser parser = new KongTextParser(4096);
        for (int round = 0; round < 400; round++) {
            String body = randomBody(random);
            // Each body twice: the second reading runs on what the first left in the tables.
            for (int reading = 0; reading < 2; reading++) {
                ParseResult result = parser.parse(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)),
                        ParseOptions.plainText(Labels.EMPTY));
                ReferenceReader reference = new ReferenceReader(body);
                String context = "round " + round + " reading " + reading + ", body:\n" + body;
                assertEquals(reference.sampleLines, result.sampleLines(), context);
                assertEquals(reference.duplicates, result.duplicateSeries(), context);
                assertEquals(expected(reference), actual(result), context);
            }
        }
    }

    private static String randomBody(Random random) {
        List<String> lines = new ArrayList<>();
        int families = 1 + random.nextInt(3);
        for (int f = 0; f < families; f++) {
            String family = "h" + f;
            List<String> names = new ArrayList<>(List.of("service", "route", "workspace").subList(0, 1 + random.nextInt(3)));
            int lePosition = random.nextInt(names.size() + 1);
            List<String> familyLines = new ArrayList<>();
            familyLines.add("# TYPE " + family + " histogram");
            int series = 1 + random.nextInt(6);
            List<String> counts = new ArrayList<>();
            List<String> sums = new ArrayList<>();
            for (int s = 0; s < series; s++) {
                List<String> values = new ArrayList<>();
                for (int i = 0; i < names.size(); i++) {
                    values.add(VALUES[random.nextInt(VALUES.length)]);
                }
                List<String> bounds = new ArrayList<>();
                for (String le : LE) {
                    if (random.nextInt(3) > 0) {
                        bounds.add(le);
                    }
                }
                if (random.nextInt(8) == 0 && !bounds.isEmpty()) {
                    bounds.add(bounds.get(random.nextInt(bounds.size()))); // a repeated bound
                }
                if (random.nextInt(6) == 0) {
                    Collections.shuffle(bounds, random);
                }
                long cumulative = 0;
                for (String le : bounds) {
                    cumulative += random.nextInt(5);
                    familyLines.add(family + "_bucket" + block(names, values, lePosition, le, random) + space(random) + cumulative);
                    if (random.nextInt(12) == 0) {
                        familyLines.add("other_gauge" + block(names, values, -1, null, random) + " " + random.nextInt(9));
                    }
                    if (random.nextInt(20) == 0) { // no labels at all, written both ways
                        familyLines.add((random.nextBoolean() ? "bare_gauge " : "bare_gauge{} ") + random.nextInt(9));
                    }
                }
                counts.add(family + "_count" + block(names, values, -1, null, random) + " " + cumulative);
                sums.add(family + "_sum" + block(names, values, -1, null, random) + " " + random.nextInt(1000));
            }
            familyLines.addAll(counts);
            familyLines.addAll(sums);
            if (random.nextInt(5) == 0) {
                Collections.shuffle(familyLines.subList(1, familyLines.size()), random);
            }
            lines.addAll(familyLines);
        }
        return String.join("\n", lines) + "\n";
    }

    private static String block(List<String> names, List<String> values, int lePosition, String le, Random random) {
        List<String> pairs = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            pairs.add(names.get(i) + "=\"" + values.get(i) + "\"");
        }
        if (le != null) {
            pairs.add(lePosition, "le=\"" + le + "\"");
        }
        return "{" + String.join(random.nextInt(10) == 0 ? ", " : ",", pairs) + "}";
    }

    private static String space(Random random) {
        return random.nextInt(10) == 0 ? "  " : " ";
    }

    // Both readings as one sorted map of "family series-labels [le]" -> value.
    private static Map<String, Double> expected(ReferenceReader reference) {
        Map<String, Double> out = new TreeMap<>();
        reference.histograms.forEach((family, bySeries) -> bySeries.forEach((labels, h) -> {
            h.bucketsByLeText.forEach((le, v) -> out.put(family + " " + labels + " le=" + ReferenceReader.number(le), v));
            out.put(family + " " + labels + " count", h.count == null ? Double.NaN : h.count);
            out.put(family + " " + labels + " sum", h.sum == null ? Double.NaN : h.sum);
        }));
        reference.scalars.forEach((family, byKey) -> byKey.forEach((key, v) -> out.put(family + " " + key, v)));
        return out;
    }

    private static Map<String, Double> actual(ParseResult result) {
        Map<String, Double> out = new TreeMap<>();
        for (MetricFamily family : result.families()) {
            for (Series s : family.series()) {
                String labels = KongTextParserFixtureTest.pairs(s.labels()).toString();
                if (s instanceof HistogramSeries h) {
                    for (int i = 0; i < h.bounds().size(); i++) {
                        out.put(family.name() + " " + labels + " le=" + h.bounds().upperBound(i), h.cumulativeCounts()[i]);
                    }
                    out.put(family.name() + " " + labels + " count", h.hasCount() ? h.count() : Double.NaN);
                    out.put(family.name() + " " + labels + " sum", h.hasSum() ? h.sum() : Double.NaN);
                } else {
                    ScalarSeries scalar = (ScalarSeries) s;
                    out.put(family.name() + " " + scalar.name() + " " + labels, scalar.value());
                }
            }
        }
        return out;
    }
}
