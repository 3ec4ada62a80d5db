package dev.kmp.receiver.kong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kmp.demo.GeneratorOptions;
import dev.kmp.demo.KongPayloadGenerator;
import dev.kmp.model.HistogramSeries;
import dev.kmp.model.Labels;
import dev.kmp.model.MetricFamily;
import dev.kmp.model.MetricType;
import dev.kmp.model.ScalarSeries;
import dev.kmp.model.Series;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every Kong fixture, checked against {@link ReferenceReader}'s independent reading. */
class KongTextParserFixtureTest {
    static final String DATAPLANE_URL = "http://10.0.0.7:8100/metrics";

    /**
     * A committed fixture, or {@code generated:<services>[:stream]}: a payload of the project's own
     * generator (the same shape as ../shared/kong/gen_kong_metrics.py), made at test time.
     */
    static byte[] fixture(String name) throws IOException {
        if (name.startsWith("generated:")) {
            String[] parts = name.split(":");
            List<String> args = new ArrayList<>(List.of("--services", parts[1], "--routes-per-service", "2", "--seed", "1"));
            if (parts.length > 2) {
                args.add("--" + parts[2]);
            }
            var out = new java.io.ByteArrayOutputStream();
            new KongPayloadGenerator(GeneratorOptions.parse(args.toArray(String[]::new))).write(out);
            return out.toByteArray();
        }
        try (InputStream in = KongTextParserFixtureTest.class.getResourceAsStream("/kong/" + name)) {
            assertNotNull(in, name);
            return in.readAllBytes();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"kong-small.prom", "kong-multibackend.prom", "gen-20-stream.prom", "gen-3.5-5.prom",
            "generated:100", "generated:30:stream"})
    void matchesTheReferenceReading(String name) throws Exception {
        byte[] body = fixture(name);
        ReferenceReader expected = new ReferenceReader(new String(body, StandardCharsets.UTF_8));
        ParseResult result = new KongTextParser().parse(new ByteArrayInputStream(body),
                ParseOptions.plainText(Labels.of("dataplane_url", DATAPLANE_URL)));

        assertEquals(expected.sampleLines, result.sampleLines(), "sample lines");
        assertEquals(expected.duplicates, result.duplicateSeries(), "duplicate series");
        assertEquals(body.length, result.bytesRead());

        List<String> names = new ArrayList<>();
        for (MetricFamily f : result.families()) {
            names.add(f.name());
        }
        assertEquals(new ArrayList<>(expected.familyOrder), names, "families once each, in order of appearance");

        int histogramSeries = 0;
        int scalarSamples = 0;
        for (MetricFamily family : result.families()) {
            boolean histogram = "histogram".equals(expected.types.get(family.name()));
            assertEquals(histogram ? MetricType.HISTOGRAM : MetricType.valueOf(
                    expected.types.getOrDefault(family.name(), "untyped").toUpperCase()), family.type());
            if (histogram) {
                Map<List<ReferenceReader.Pair>, ReferenceReader.Histogram> wanted = expected.histograms.get(family.name());
                assertEquals(wanted.size(), family.series().size(), family.name() + " series");
                for (Series s : family.series()) {
                    HistogramSeries h = assertInstanceOf(HistogramSeries.class, s);
                    assertEquals(DATAPLANE_URL, h.labels().get("dataplane_url"));
                    ReferenceReader.Histogram want = wanted.get(pairs(h.labels().without("dataplane_url")));
                    assertNotNull(want, () -> "unexpected series " + h.labels());
                    List<String> wantTexts = new ArrayList<>(want.bucketsByLeText.keySet());
                    assertEquals(wantTexts.size(), h.bounds().size(), h.labels() + " bucket count");
                    for (int i = 0; i < h.bounds().size(); i++) {
                        assertEquals(wantTexts.get(i), h.bounds().text(i));
                        assertEquals(ReferenceReader.number(wantTexts.get(i)), h.bounds().upperBound(i));
                        assertEquals(want.bucketsByLeText.get(wantTexts.get(i)), h.cumulativeCounts()[i],
                                () -> h.labels() + " bucket");
                    }
                    assertTrue(h.hasCount() && h.hasSum());
                    assertEquals(want.count, h.count(), h.labels() + " count");
                    assertEquals(want.sum, h.sum(), h.labels() + " sum");
                    assertTrue(h.bounds().endsWithInf());
                    histogramSeries++;
                }
            } else {
                Map<String, Double> wanted = expected.scalars.get(family.name());
                assertEquals(wanted.size(), family.series().size(), family.name() + " series");
                for (Series s : family.series()) {
                    ScalarSeries scalar = assertInstanceOf(ScalarSeries.class, s);
                    String key = scalar.name() + " " + pairs(scalar.labels().without("dataplane_url"));
                    assertTrue(wanted.containsKey(key), () -> "unexpected sample " + key);
                    assertEquals(wanted.get(key), scalar.value(), key);
                    assertEquals(Series.NO_TIMESTAMP, scalar.timestampMillis());
                    scalarSamples++;
                }
            }
        }
        int expectedHistograms = expected.histograms.values().stream().mapToInt(Map::size).sum();
        int expectedScalars = expected.scalars.values().stream().mapToInt(Map::size).sum();
        assertEquals(expectedHistograms, histogramSeries);
        assertEquals(expectedScalars, scalarSamples);
        assertTrue(histogramSeries > 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"kong-small.prom", "gen-20-stream.prom"})
    void bucketLayoutsAreShared(String name) throws Exception {
        ParseResult result = new KongTextParser().parse(new ByteArrayInputStream(fixture(name)), ParseOptions.plainText(Labels.EMPTY));
        Set<Object> distinctInstances = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        Set<Object> distinctLayouts = new HashSet<>();
        for (MetricFamily f : result.families()) {
            for (Series s : f.series()) {
                if (s instanceof HistogramSeries h) {
                    distinctInstances.add(h.bounds());
                    distinctLayouts.add(h.bounds());
                }
            }
        }
        assertFalse(distinctLayouts.isEmpty());
        assertEquals(distinctLayouts.size(), distinctInstances.size(), "one BucketBounds per layout");
    }

    static List<ReferenceReader.Pair> pairs(Labels labels) {
        List<ReferenceReader.Pair> out = new ArrayList<>();
        for (int i = 0; i < labels.size(); i++) {
            out.add(new ReferenceReader.Pair(labels.name(i), labels.value(i)));
        }
        return out;
    }
}
