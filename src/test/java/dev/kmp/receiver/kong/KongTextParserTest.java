package dev.kmp.receiver.kong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.List;
import org.junit.jupiter.api.Test;

class KongTextParserTest {
    private final KongTextParser parser = new KongTextParser();

    private ParseResult parse(String text) throws Exception {
        return parser.parse(body(text), ParseOptions.plainText(Labels.EMPTY));
    }

    private ParseResult parseOpenMetrics(String text) throws Exception {
        return parser.parse(body(text), new ParseOptions(Labels.EMPTY, 0, true));
    }

    private static InputStream body(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    private static ScalarSeries scalar(ParseResult r, int family, int series) {
        return assertInstanceOf(ScalarSeries.class, r.families().get(family).series().get(series));
    }

    private static HistogramSeries histogram(ParseResult r, int family, int series) {
        return assertInstanceOf(HistogramSeries.class, r.families().get(family).series().get(series));
    }

    // ---- values, labels, lines ----

    @Test
    void labelValueEscapesAndUtf8() throws Exception {
        ParseResult r = parse("m{a=\"back\\\\slash\",b=\"say \\\"hi\\\"\",c=\"two\\nlines\",d=\"größe ✓\"} 1\n");
        Labels l = scalar(r, 0, 0).labels();
        assertEquals("back\\slash", l.get("a"));
        assertEquals("say \"hi\"", l.get("b"));
        assertEquals("two\nlines", l.get("c"));
        assertEquals("größe ✓", l.get("d"));
    }

    @Test
    void helpEscapes() throws Exception {
        ParseResult r = parse("# HELP m a \\\\ b\\nc \\\" d\n# TYPE m gauge\nm 1\n");
        assertEquals("a \\ b\nc \\\" d", r.families().get(0).help());
        ParseResult om = parseOpenMetrics("# HELP m a \\\\ b\\nc \\\" d\n# TYPE m gauge\nm 1\n# EOF\n");
        assertEquals("a \\ b\nc \" d", om.families().get(0).help());
    }

    @Test
    void specialAndFormattedValues() throws Exception {
        ParseResult r = parse("""
                a NaN
                b +Inf
                c -Inf
                d Inf
                e 1.2345678901234e+15
                f 0.000123
                g -42
                h 0x1p-2
                i 12345678901234567890123
                j 1e-400
                k 3.14159265358979323846
                """);
        assertTrue(Double.isNaN(scalar(r, 0, 0).value()));
        assertEquals(Double.POSITIVE_INFINITY, scalar(r, 1, 0).value());
        assertEquals(Double.NEGATIVE_INFINITY, scalar(r, 2, 0).value());
        assertEquals(Double.POSITIVE_INFINITY, scalar(r, 3, 0).value());
        assertEquals(1.2345678901234e+15, scalar(r, 4, 0).value());
        assertEquals(0.000123, scalar(r, 5, 0).value());
        assertEquals(-42, scalar(r, 6, 0).value());
        assertEquals(0.25, scalar(r, 7, 0).value());
        assertEquals(12345678901234567890123.0, scalar(r, 8, 0).value());
        assertEquals(0.0, scalar(r, 9, 0).value());
        assertEquals(3.14159265358979323846, scalar(r, 10, 0).value());
    }

    @Test
    void timestamps() throws Exception {
        ParseResult r = parse("a 1 1700000000123\nb{x=\"y\"} 2 -5\nc 3\n");
        assertEquals(1700000000123L, scalar(r, 0, 0).timestampMillis());
        assertEquals(-5, scalar(r, 1, 0).timestampMillis());
        assertEquals(Series.NO_TIMESTAMP, scalar(r, 2, 0).timestampMillis());
        ParseResult om = parseOpenMetrics("a 1 1700000000.123\n# EOF\n");
        assertEquals(1700000000123L, scalar(om, 0, 0).timestampMillis());
    }

    @Test
    void blankLinesCommentsCrLfAndWhitespace() throws Exception {
        ParseResult r = parse("\r\n# just a comment\r\n   \r\n#\r\n# TYPE m gauge\r\nm{a=\"1\"} 1\r\n  m { a = \"2\" , } \t 2 \r\n\nm{} 3");
        assertEquals(1, r.families().size());
        MetricFamily m = r.families().get(0);
        assertEquals(MetricType.GAUGE, m.type());
        assertEquals(3, m.series().size());
        assertEquals(Labels.of("a", "1"), m.series().get(0).labels());
        assertEquals(Labels.of("a", "2"), m.series().get(1).labels());
        assertEquals(Labels.EMPTY, m.series().get(2).labels());
        assertEquals(3, r.sampleLines());
    }

    @Test
    void untypedSamplesAndFamilyOrder() throws Exception {
        ParseResult r = parse("zeta 1\n# TYPE alpha counter\nalpha 2\nzeta{a=\"b\"} 3\nmid_bucket{le=\"1\"} 4\n");
        assertEquals(List.of("zeta", "alpha", "mid_bucket"), r.families().stream().map(MetricFamily::name).toList());
        assertEquals(MetricType.UNTYPED, r.families().get(0).type());
        assertEquals(2, r.families().get(0).series().size());
        assertEquals(MetricType.COUNTER, r.families().get(1).type());
        assertEquals(MetricType.UNTYPED, r.families().get(2).type());
        assertEquals(Labels.of("le", "1"), r.families().get(2).series().get(0).labels());
    }

    @Test
    void summaryKeepsItsSampleNames() throws Exception {
        ParseResult r = parse("""
                # TYPE rpc summary
                rpc{quantile="0.5"} 1
                rpc{quantile="0.9"} 2
                rpc_sum 30
                rpc_count 10
                """);
        MetricFamily f = r.families().get(0);
        assertEquals(MetricType.SUMMARY, f.type());
        assertEquals(List.of("rpc", "rpc", "rpc_sum", "rpc_count"),
                f.series().stream().map(s -> ((ScalarSeries) s).name()).toList());
        assertEquals(Labels.of("quantile", "0.9"), f.series().get(1).labels());
    }

    @Test
    void emptyFamiliesAreLeftOut() throws Exception {
        ParseResult r = parse("# HELP a only help\n# TYPE b counter\n# HELP c x\n# TYPE c gauge\nc 1\n");
        assertEquals(List.of("c"), r.families().stream().map(MetricFamily::name).toList());
        assertEquals("x", r.families().get(0).help());
    }

    @Test
    void extraLabelsAreAppendedAndWin() throws Exception {
        ParseResult r = parser.parse(body("m{a=\"1\",dataplane_url=\"forged\"} 1\nn 2\n"),
                ParseOptions.plainText(Labels.of("dataplane_url", "http://x:8100/metrics")));
        assertEquals(Labels.of("a", "1", "dataplane_url", "http://x:8100/metrics"), scalar(r, 0, 0).labels());
        assertEquals(Labels.of("dataplane_url", "http://x:8100/metrics"), scalar(r, 1, 0).labels());
    }

    // ---- histograms ----

    @Test
    void histogramAssembledAcrossKongsBlocks() throws Exception {
        ParseResult r = parse("""
                # HELP lat latency
                # TYPE lat histogram
                lat_bucket{service="a",le="25"} 1
                lat_bucket{service="a",le="+Inf"} 3
                lat_bucket{service="b",le="200"} 5
                lat_bucket{service="b",le="1000"} 6
                lat_bucket{service="b",le="+Inf"} 7
                lat_count{service="a"} 3
                lat_count{service="b"} 7
                lat_sum{service="a"} 60.5
                lat_sum{service="b"} 4000
                """);
        assertEquals(9, r.sampleLines());
        MetricFamily f = r.families().get(0);
        assertEquals("lat", f.name());
        assertEquals("latency", f.help());
        assertEquals(2, f.series().size());
        HistogramSeries a = histogram(r, 0, 0);
        assertEquals(Labels.of("service", "a"), a.labels());
        assertEquals("[25, +Inf]", a.bounds().toString());
        assertArrayEquals(new double[] {1, 3}, a.cumulativeCounts());
        assertEquals(3, a.count());
        assertEquals(60.5, a.sum());
        HistogramSeries b = histogram(r, 0, 1);
        assertEquals(200, b.bounds().upperBound(0), "sparse: starts at 200");
        assertEquals(Double.POSITIVE_INFINITY, b.bounds().upperBound(2));
        assertArrayEquals(new double[] {5, 6, 7}, b.cumulativeCounts());
        assertEquals(7, b.count());
        assertEquals(4000, b.sum());
        assertEquals(9, f.sampleLines());
    }

    @Test
    void seriesOfOneFamilyWithMoreAndFewerBucketsThanTheOnesBefore() throws Exception {
        // A new series starts with room for the most buckets seen in its family so far: 20 (more
        // than the first guess), then 2 (fewer), then 40 (more than any before) must all come out whole.
        int[] bucketsPerSeries = {20, 2, 40};
        StringBuilder text = new StringBuilder("# TYPE h histogram\n");
        for (int s = 0; s < bucketsPerSeries.length; s++) {
            for (int i = 1; i <= bucketsPerSeries[s]; i++) {
                text.append("h_bucket{s=\"").append(s).append("\",le=\"").append(i).append("\"} ").append(100 * s + i).append('\n');
            }
        }
        ParseResult first = parse(text.toString());
        ParseResult second = parse(text.toString());
        for (ParseResult r : List.of(first, second)) {
            for (int s = 0; s < bucketsPerSeries.length; s++) {
                HistogramSeries h = histogram(r, 0, s);
                double[] expected = new double[bucketsPerSeries[s]];
                for (int i = 0; i < expected.length; i++) {
                    expected[i] = 100 * s + i + 1;
                    assertEquals(i + 1, h.bounds().upperBound(i));
                }
                assertArrayEquals(expected, h.cumulativeCounts(), "series " + s);
            }
        }
        assertNotSame(first.families().get(0).series().get(2), second.families().get(0).series().get(2));
        assertNotSame(histogram(first, 0, 2).cumulativeCounts(), histogram(second, 0, 2).cumulativeCounts(),
                "each scrape's series own their counts");
    }

    @Test
    void seriesFollowTheLayoutOfTheirFamilyAndLeaveItWhole() throws Exception {
        // A series starts by following the layout with the most buckets that a series before it
        // ended with (HistogramAccumulator): each way of leaving that layout must come out whole.
        String[][] buckets = {
            {"1", "2", "5", "+Inf"},             // no layout yet: the first one
            {"1", "2", "5", "+Inf"},             // follows it to the end
            {"1", "5", "+Inf"},                  // leaves it at a missing bound
            {"1", "2"},                          // stops early: the first buckets of it
            {"1", "2", "5", "10", "+Inf"},       // one more bound: its own, then the layout
            {"1", "2", "5", "10", "+Inf"},       // follows the new layout
            {"1.0", "2", "5", "10", "+Inf"},     // the same bound written otherwise keeps its text
            {"2", "1", "5", "10", "+Inf"},       // out of order: sorted
            {"1", "2", "2", "5", "10", "+Inf"},  // a repeated bound: the later line wins
            {},                                  // count and sum only
        };
        StringBuilder text = new StringBuilder("# TYPE h histogram\n");
        for (int s = 0; s < buckets.length; s++) {
            for (int i = 0; i < buckets[s].length; i++) {
                text.append("h_bucket{s=\"").append(s).append("\",le=\"").append(buckets[s][i]).append("\"} ")
                        .append(10 * s + i).append('\n');
            }
        }
        for (int s = 0; s < buckets.length; s++) {
            text.append("h_count{s=\"").append(s).append("\"} ").append(s).append('\n');
        }
        String[][] expectedTexts = {
            {"1", "2", "5", "+Inf"}, {"1", "2", "5", "+Inf"}, {"1", "5", "+Inf"}, {"1", "2"},
            {"1", "2", "5", "10", "+Inf"}, {"1", "2", "5", "10", "+Inf"}, {"1.0", "2", "5", "10", "+Inf"},
            {"1", "2", "5", "10", "+Inf"}, {"1", "2", "5", "10", "+Inf"}, {},
        };
        double[][] expectedCounts = {
            {0, 1, 2, 3}, {10, 11, 12, 13}, {20, 21, 22}, {30, 31}, {40, 41, 42, 43, 44}, {50, 51, 52, 53, 54},
            {60, 61, 62, 63, 64}, {71, 70, 72, 73, 74}, {80, 82, 83, 84, 85}, {},
        };
        for (int scrape = 0; scrape < 2; scrape++) {
            ParseResult r = parse(text.toString());
            assertEquals(1, r.duplicateSeries(), "scrape " + scrape);
            for (int s = 0; s < buckets.length; s++) {
                HistogramSeries h = histogram(r, 0, s);
                String where = "scrape " + scrape + ", series " + s;
                assertEquals(Labels.of("s", String.valueOf(s)), h.labels(), where);
                assertEquals(expectedTexts[s].length, h.bounds().size(), where);
                for (int i = 0; i < expectedTexts[s].length; i++) {
                    assertEquals(expectedTexts[s][i], h.bounds().text(i), where + ", bucket " + i);
                }
                assertArrayEquals(expectedCounts[s], h.cumulativeCounts(), where);
                assertEquals(s, h.count(), where);
            }
            assertSame(histogram(r, 0, 0).bounds(), histogram(r, 0, 1).bounds(), "one layout, shared");
            assertSame(histogram(r, 0, 4).bounds(), histogram(r, 0, 8).bounds(), "one layout, shared");
        }
    }

    @Test
    void bucketsSortedAndLeTextKept() throws Exception {
        ParseResult r = parse("""
                # TYPE h histogram
                h_bucket{le="+Inf",x="1"} 9
                h_bucket{x="1",le="1.0"} 2
                h_bucket{x="1",le="0.5"} 1
                h_count{x="1"} 9
                h_sum{x="1"} 4
                """);
        HistogramSeries h = histogram(r, 0, 0);
        assertEquals(Labels.of("x", "1"), h.labels(), "le removed wherever it stands");
        assertEquals("[0.5, 1.0, +Inf]", h.bounds().toString());
        assertEquals(1.0, h.bounds().upperBound(1));
        assertArrayEquals(new double[] {1, 2, 9}, h.cumulativeCounts());
    }

    @Test
    void countAndSumWithoutBuckets() throws Exception {
        ParseResult r = parse("# TYPE h histogram\nh_count 4\nh_sum 2.5\n# TYPE g histogram\ng_sum 1\n");
        HistogramSeries h = histogram(r, 0, 0);
        assertEquals(0, h.bounds().size());
        assertEquals(4, h.count());
        assertEquals(2.5, h.sum());
        HistogramSeries g = histogram(r, 1, 0);
        assertTrue(g.hasSum());
        assertFalse(g.hasCount());
        assertTrue(Double.isNaN(g.count()));
        assertEquals(1, g.sampleLines());
    }

    @Test
    void duplicatesLastWinsAndCounted() throws Exception {
        ParseResult r = parse("""
                # TYPE c counter
                c{a="1"} 1
                c{a="2"} 2
                c{a="1"} 10
                # TYPE h histogram
                h_bucket{le="1"} 1
                h_bucket{le="+Inf"} 2
                h_bucket{le="1"} 5
                h_count 2
                h_count 3
                h_sum 1
                """);
        assertEquals(3, r.duplicateSeries());
        assertEquals(9, r.sampleLines());
        assertEquals(2, r.families().get(0).series().size());
        assertEquals(10, scalar(r, 0, 0).value(), "last wins, first position kept");
        HistogramSeries h = histogram(r, 1, 0);
        assertArrayEquals(new double[] {5, 2}, h.cumulativeCounts());
        assertEquals(3, h.count());
    }

    @Test
    void streamBlockMergesIntoTheFirstFamily() throws Exception {
        ParseResult r = parse("""
                # HELP kong_node_info Kong Node metadata information
                # TYPE kong_node_info gauge
                kong_node_info{node_id="n",version="3.9.1"} 1
                # HELP kong_nginx_connections_total Number of connections by subsystem
                # TYPE kong_nginx_connections_total gauge
                kong_nginx_connections_total{node_id="n",subsystem="http",state="active"} 5
                # HELP kong_nginx_connections_total Number of connections by subsystem
                # TYPE kong_nginx_connections_total gauge
                kong_nginx_connections_total{node_id="n",subsystem="stream",state="active"} 2
                # HELP kong_node_info Kong Node metadata information
                # TYPE kong_node_info gauge
                kong_node_info{node_id="n",version="3.9.1"} 1
                """);
        assertEquals(List.of("kong_node_info", "kong_nginx_connections_total"),
                r.families().stream().map(MetricFamily::name).toList());
        assertEquals(1, r.families().get(0).series().size());
        assertEquals(2, r.families().get(1).series().size());
        assertEquals(1, r.duplicateSeries());
        assertEquals(4, r.sampleLines());
    }

    @Test
    void generatedStreamFixtureHasItsTwoDuplicates() throws Exception {
        ParseResult r = parser.parse(new ByteArrayInputStream(KongTextParserFixtureTest.fixture("gen-20-stream.prom")),
                ParseOptions.plainText(Labels.EMPTY));
        assertEquals(2, r.duplicateSeries(), "kong_node_info and kong_nginx_metric_errors_total repeated");
    }

    // ---- OpenMetrics ----

    @Test
    void openMetricsCounterCreatedUnitEofAndExemplars() throws Exception {
        ParseResult r = parseOpenMetrics("""
                # TYPE requests counter
                # UNIT requests requests
                # HELP requests Requests served.
                requests_total{code="200"} 10 # {trace_id="abc"} 1 1700000000.5
                requests_created{code="200"} 1700000000
                # TYPE lat histogram
                lat_bucket{le="1"} 1
                lat_bucket{le="+Inf"} 2 # {trace_id="x"} 0.5
                lat_count 2
                lat_sum 0.7
                lat_created 1700000000
                # TYPE build info
                build_info{version="1"} 1
                # TYPE state stateset
                state{state="a"} 1
                # TYPE gh gaugehistogram
                gh_bucket{le="+Inf"} 3
                gh_gcount 3
                gh_gsum 3
                # TYPE what unknown
                what 1
                # EOF
                after_eof 1
                """);
        List<String> names = r.families().stream().map(MetricFamily::name).toList();
        assertEquals(List.of("requests_total", "lat", "build_info", "state", "gh", "what"), names);
        MetricFamily requests = r.families().get(0);
        assertEquals(MetricType.COUNTER, requests.type());
        assertEquals("Requests served.", requests.help());
        assertEquals(1, requests.series().size(), "_created dropped");
        assertEquals(10, scalar(r, 0, 0).value());
        assertEquals(4, histogram(r, 1, 0).sampleLines(), "2 buckets, count, sum; _created dropped");
        assertEquals(MetricType.HISTOGRAM, r.families().get(1).type());
        assertEquals(MetricType.GAUGE, r.families().get(2).type());
        assertEquals(MetricType.GAUGE, r.families().get(3).type());
        assertEquals(MetricType.UNTYPED, r.families().get(4).type());
        assertEquals(3, r.families().get(4).series().size());
        assertEquals(MetricType.UNTYPED, r.families().get(5).type());
        assertEquals(13, r.sampleLines(), "lines read, _created included, nothing after # EOF");
    }

    @Test
    void eofToleratedInPlainText() throws Exception {
        ParseResult r = parse("a 1\n# EOF\nthis is { not parsed\n");
        assertEquals(1, r.sampleLines());
    }

    @Test
    void plainTextDoesNotApplyOpenMetricsSuffixes() throws Exception {
        ParseResult r = parse("# TYPE requests counter\nrequests_total 1\n");
        assertEquals("requests_total", r.families().get(0).name());
        assertEquals(MetricType.UNTYPED, r.families().get(0).type());
    }

    // ---- limits ----

    @Test
    void sampleLimit() throws Exception {
        String text = "# TYPE a gauge\na 1\nb 2\n\nc 3\n";
        assertEquals(3, parser.parse(body(text), new ParseOptions(Labels.EMPTY, 3, false)).sampleLines());
        SampleLimitException e = assertThrows(SampleLimitException.class,
                () -> parser.parse(body(text), new ParseOptions(Labels.EMPTY, 2, false)));
        assertEquals(2, e.limit());
        assertEquals(5, e.line());
    }

    @Test
    void sampleLimitStopsReading() {
        // An endless body: only stopping at the limit ends this test.
        InputStream endless = new InputStream() {
            private final byte[] line = "kong_x{a=\"b\"} 1\n".getBytes(StandardCharsets.US_ASCII);
            private long position;

            @Override
            public int read() {
                return line[(int) (position++ % line.length)];
            }

            @Override
            public int read(byte[] b, int off, int len) {
                for (int i = 0; i < len; i++) {
                    b[off + i] = (byte) read();
                }
                return len;
            }
        };
        SampleLimitException e = assertThrows(SampleLimitException.class,
                () -> parser.parse(endless, new ParseOptions(Labels.EMPTY, 10_000, false)));
        assertEquals(10_001, e.line());
    }

    @Test
    void lineLengthIsBounded() {
        StringBuilder sb = new StringBuilder("ok 1\nm{a=\"");
        sb.append("x".repeat(2 << 20)).append("\"} 1\n");
        ParseException e = assertThrows(ParseException.class, () -> parse(sb.toString()));
        assertEquals(2, e.line());
        assertTrue(e.getMessage().contains("longer than 1048576 bytes"), e.getMessage());

        KongTextParser small = new KongTextParser(20);
        ParseException e2 = assertThrows(ParseException.class, () -> small.parse(
                body("a 1\nb{c=\"1234567890123\"} 1\n"), ParseOptions.plainText(Labels.EMPTY)));
        assertEquals(2, e2.line());
    }

    @Test
    void longLinesUnderTheLimitCrossBufferBoundaries() throws Exception {
        String value = "v".repeat(300_000);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            sb.append("m{i=\"").append(i).append("\",long=\"").append(value).append("\"} ").append(i).append('\n');
        }
        ParseResult r = parse(sb.toString());
        assertEquals(5, r.families().get(0).series().size());
        assertEquals(value, scalar(r, 0, 4).labels().get("long"));
        assertEquals(4, scalar(r, 0, 4).value());
    }

    // ---- what the parser keeps between scrapes ----

    @Test
    void labelsAndStringsReusedAcrossScrapes() throws Exception {
        byte[] fixture = KongTextParserFixtureTest.fixture("kong-small.prom");
        ParseOptions options = ParseOptions.plainText(Labels.of("dataplane_url", "u"));
        ParseResult first = parser.parse(new ByteArrayInputStream(fixture), options);
        ParseResult second = parser.parse(new ByteArrayInputStream(fixture), options);
        assertEquals(first.families(), second.families());
        for (int f = 0; f < first.families().size(); f++) {
            List<Series> a = first.families().get(f).series();
            List<Series> b = second.families().get(f).series();
            assertSame(first.families().get(f).name(), second.families().get(f).name());
            for (int s = 0; s < a.size(); s++) {
                assertSame(a.get(s).labels(), b.get(s).labels());
                if (a.get(s) instanceof HistogramSeries h) {
                    assertSame(h.bounds(), ((HistogramSeries) b.get(s)).bounds());
                }
            }
        }
        // Another parser shares nothing.
        ParseResult other = new KongTextParser().parse(new ByteArrayInputStream(fixture), options);
        assertNotSame(first.families().get(0).series().get(0).labels(), other.families().get(0).series().get(0).labels());
    }

    @Test
    void histogramBucketAndCountLinesShareOneLabels() throws Exception {
        ParseResult r = parse("# TYPE h histogram\nh_bucket{a=\"1\",le=\"+Inf\"} 1\nh_count{a=\"1\"} 1\nh_sum{a=\"1\"} 1\n");
        assertEquals(1, r.families().get(0).series().size());
        assertEquals(1, parser.cachedLabelSetCount());
    }

    @Test
    void internerForgetsWhatTheLatestScrapeDidNotUse() throws Exception {
        String common = "# HELP m help text\n# TYPE m gauge\nm{service=\"kept\"} 1\n";
        parse(common + "m{service=\"only-in-a\"} 2\n# TYPE h histogram\nh_bucket{le=\"7\"} 1\n");
        assertTrue(parser.isInterned("only-in-a"));
        assertTrue(parser.isInterned("7"));
        int sizeAfterA = parser.internedStringCount();
        int labelSetsAfterA = parser.cachedLabelSetCount();
        assertEquals(1, parser.bucketLayoutCount());

        parse(common + "m{service=\"only-in-b\"} 2\n");
        assertFalse(parser.isInterned("only-in-a"));
        assertFalse(parser.isInterned("7"));
        assertFalse(parser.isInterned("h_bucket"));
        assertTrue(parser.isInterned("only-in-b"));
        assertTrue(parser.isInterned("service"));
        // A label set found again needs no strings looked up: its Labels hold their own.
        assertFalse(parser.isInterned("kept"));
        assertTrue(parser.isInterned("m"));
        assertEquals(0, parser.bucketLayoutCount());
        assertTrue(parser.internedStringCount() < sizeAfterA);
        assertEquals(labelSetsAfterA - 1, parser.cachedLabelSetCount());

        // Churn does not grow the tables.
        for (int i = 0; i < 100; i++) {
            parse(common + "m{service=\"churn-" + i + "\"} 2\n");
        }
        assertEquals(7, sizeAfterA, "m, service, kept, only-in-a, h, h_bucket, 7");
        assertEquals(3, parser.internedStringCount(), "m, service, churn-99");
        assertEquals(2, parser.cachedLabelSetCount());
    }

    @Test
    void tablesAreSweptAfterAFailedScrapeToo() throws Exception {
        parse("m{service=\"a\"} 1\n");
        assertThrows(ParseException.class, () -> parse("m{service=\"b\"} 1\nbroken{\n"));
        assertFalse(parser.isInterned("a"));
        ParseResult r = parse("m{service=\"a\"} 1\n");
        assertEquals(1, r.sampleLines());
    }

    @Test
    void seriesInAnotherOrderThanTheScrapeBefore() throws Exception {
        // The label-set cache first tries the set of the same step in the previous scrape.
        String a = "m{s=\"a\"} 1\n", b = "m{s=\"b\"} 2\n", c = "m{s=\"c\"} 3\n", d = "m{s=\"d\"} 4\n";
        String h = "# TYPE h histogram\nh_bucket{s=\"a\",le=\"1\"} 1\nh_bucket{s=\"a\",le=\"+Inf\"} 2\nh_count{s=\"a\"} 2\n";
        // A line without labels (an empty key) where the scrape before had one with labels, and back.
        String bare = "n 5\n", empty = "n{} 6\n";
        String[] bodies = {a + b + c + h, c + b + a + h, d + a + b + c + h, h + a + c, b + h + a + b, a + b + c + h,
            bare + a + b, a + bare + b, bare + a + b, empty + a, bare + a, a + bare, a + empty};
        for (String text : bodies) {
            ParseResult r = parse(text);
            ParseResult fresh = new KongTextParser().parse(body(text), ParseOptions.plainText(Labels.EMPTY));
            assertEquals(fresh.families(), r.families(), text);
            assertEquals(fresh.duplicateSeries(), r.duplicateSeries(), text);
        }
    }

    @Test
    void aFirstScrapeFollowsEarlierRunsOfTheSameSeriesOnlyWhileTheyMatch() throws Exception {
        // Nothing from a previous scrape to guess with: the count and sum lines are tried against
        // the bucket run's series, and g's against h's, step by step; b moved, x is new.
        String text = """
                # TYPE h histogram
                h_bucket{s="a",le="1"} 1
                h_bucket{s="a",le="+Inf"} 2
                h_bucket{s="b",le="1"} 3
                h_bucket{s="b",le="+Inf"} 4
                h_bucket{s="c",le="+Inf"} 5
                h_count{s="a"} 2
                h_count{s="c"} 5
                h_count{s="b"} 4
                h_sum{s="a"} 10
                h_sum{s="c"} 30
                h_sum{s="b"} 20
                # TYPE g histogram
                g_bucket{s="a",le="+Inf"} 6
                g_bucket{s="x",le="+Inf"} 7
                g_bucket{s="b",le="+Inf"} 8
                g_count{s="a"} 6
                g_count{s="x"} 7
                g_count{s="b"} 8
                g_sum{s="a"} 60
                g_sum{s="x"} 70
                g_sum{s="b"} 80
                m{s="b"} 9
                """;
        ParseResult r = parse(text);
        double[][] hExpected = {{2, 10}, {4, 20}, {5, 30}};
        double[][] gExpected = {{6, 60}, {7, 70}, {8, 80}};
        String[] hSeries = {"a", "b", "c"};
        String[] gSeries = {"a", "x", "b"};
        for (int i = 0; i < 3; i++) {
            HistogramSeries h = histogram(r, 0, i);
            assertEquals(hSeries[i], h.labels().get("s"));
            assertEquals(hExpected[i][0], h.count(), "h count " + hSeries[i]);
            assertEquals(hExpected[i][1], h.sum(), "h sum " + hSeries[i]);
            HistogramSeries g = histogram(r, 1, i);
            assertEquals(gSeries[i], g.labels().get("s"));
            assertEquals(gExpected[i][0], g.count(), "g count " + gSeries[i]);
            assertEquals(gExpected[i][1], g.sum(), "g sum " + gSeries[i]);
        }
        assertEquals(3, r.families().get(0).series().size());
        assertEquals(0, r.duplicateSeries());
        // Shared where the run followed matched (a, step by step); the sets met out of step are
        // made again, as a first scrape has no table to find them in (see LabelSetCache).
        assertSame(histogram(r, 0, 0).labels(), histogram(r, 1, 0).labels());
        assertEquals(histogram(r, 0, 1).labels(), histogram(r, 1, 2).labels());
        assertEquals(8, parser.cachedLabelSetCount());
        // A scrape unlike the one before (m's series changed) builds the table: one instance per
        // label set from then on (a, b, c, x, y).
        String changed = text.replace("m{s=\"b\"} 9", "m{s=\"y\"} 9");
        parse(changed);
        ParseResult again = parse(changed);
        assertEquals(5, parser.cachedLabelSetCount());
        assertSame(histogram(again, 0, 0).labels(), histogram(again, 1, 0).labels());
        assertSame(histogram(again, 0, 1).labels(), histogram(again, 1, 2).labels());
        assertEquals(r.families().subList(0, 2), again.families().subList(0, 2));
        assertEquals(new KongTextParser().parse(body(changed), ParseOptions.plainText(Labels.EMPTY)).families(), again.families());
    }

    /** Gauge m with series s="0" to s="n-1", each line's value its number. */
    private static String gaugeOfNumberedSeries(int n) {
        StringBuilder text = new StringBuilder("# TYPE m gauge\n");
        for (int i = 0; i < n; i++) {
            text.append("m{s=\"").append(i).append("\"} ").append(i).append('\n');
        }
        return text.toString();
    }

    @Test
    void theFirstScrapeWhoseSeriesMovedFindsEverySetOfTheOneBeforeIt() throws Exception {
        String before = gaugeOfNumberedSeries(5000);
        // One series gone near the start and one new in the middle: every step after the first moved.
        String moved = before.replace("m{s=\"3\"} 3\n", "").replace("m{s=\"2500\"} 2500\n", "m{s=\"2500\"} 2500\nm{s=\"new\"} 1\n");
        ParseResult first = parse(before);
        assertSame(scalar(first, 0, 4999).labels(), scalar(parse(before), 0, 4999).labels());
        assertEquals(5000, parser.cachedLabelSetCount());

        ParseResult r = parse(moved);
        List<Series> series = r.families().get(0).series();
        assertEquals(5000, series.size());
        for (Series s : series) {
            String value = s.labels().get("s");
            if (!value.equals("new")) {
                Labels same = scalar(first, 0, Integer.parseInt(value)).labels();
                assertSame(same, s.labels(), value);
            }
        }
        // s="3" is forgotten, "new" kept; the next scrape of the same body hands out the same sets.
        assertEquals(5000, parser.cachedLabelSetCount());
        ParseResult again = parse(moved);
        for (int i = 0; i < series.size(); i++) {
            assertSame(series.get(i).labels(), again.families().get(0).series().get(i).labels());
        }
    }

    @Test
    void aSeriesThatComesOrGoesEarlyLeavesTheRestOfTheScrapeOnItsGuesses() throws Exception {
        String all = gaugeOfNumberedSeries(5000);
        String withoutThird = all.replace("m{s=\"3\"} 3\n", "");
        String withTwoNew = all.replace("m{s=\"10\"} 10\n", "m{s=\"10\"} 10\nm{s=\"a\"} 1\nm{s=\"b\"} 1\n");
        ParseResult first = parse(all);
        parse(all);
        assertEquals(0, parser.labelSetHashLookups());

        // Every series after s="3" moved up a step: found by guess once the gap is seen.
        ParseResult gone = parse(withoutThird);
        assertTrue(parser.labelSetHashLookups() <= 2, "hash lookups: " + parser.labelSetHashLookups());
        assertSame(scalar(first, 0, 4999).labels(), scalar(gone, 0, 4998).labels());
        // Back again: every series after it moved down a step.
        ParseResult back = parse(all);
        assertTrue(parser.labelSetHashLookups() <= 2, "hash lookups: " + parser.labelSetHashLookups());
        assertSame(scalar(first, 0, 4999).labels(), scalar(back, 0, 4999).labels());
        // Two new ones early: two steps down.
        ParseResult two = parse(withTwoNew);
        assertTrue(parser.labelSetHashLookups() <= 4, "hash lookups: " + parser.labelSetHashLookups());
        assertSame(scalar(first, 0, 4999).labels(), scalar(two, 0, 5001).labels());
        assertEquals("b", scalar(two, 0, 12).labels().get("s"));
    }

    @Test
    void keysOfSetsThatAreGoneDoNotPileUp() throws Exception {
        // Each scrape brings 2000 new series with long keys (1.3 MB of them) and drops the previous
        // scrape's, except 5 that stay from then on: without compaction those few would keep every
        // scrape's chunk of keys alive.
        String padding = "x".repeat(600);
        StringBuilder kept = new StringBuilder();
        java.util.Map<String, Labels> keptLabels = new java.util.HashMap<>();
        for (int scrape = 0; scrape < 30; scrape++) {
            StringBuilder text = new StringBuilder("# TYPE m gauge\n").append(kept);
            for (int i = 0; i < 2000; i++) {
                String line = "m{s=\"" + (i < 5 ? "keep-" : "gone-") + scrape + "-" + i + "\",p=\"" + padding + "\"} 1\n";
                text.append(line);
                if (i < 5) {
                    kept.append(line);
                }
            }
            ParseResult r = parse(text.toString());
            assertEquals(5 * scrape + 2000, parser.cachedLabelSetCount());
            assertTrue(parser.labelKeyChunkBytes() <= 4 << 20, "chunks held: " + parser.labelKeyChunkBytes());
            for (Series series : r.families().get(0).series()) {
                String s = series.labels().get("s");
                if (s.startsWith("keep-")) {
                    // The same instance scrape after scrape: a moved key still matches its lines.
                    assertSame(keptLabels.computeIfAbsent(s, k -> series.labels()), series.labels(), s);
                }
            }
        }
    }

    @Test
    void aFailedScrapeLeavesNoStaleGuess() throws Exception {
        String text = "m{s=\"a\"} 1\nm{s=\"b\"} 2\nm{s=\"c\"} 3\n";
        parse(text);
        // Fails at its second line: b and c are swept, though the previous scrape had them there.
        assertThrows(ParseException.class, () -> parse("m{s=\"a\"} 1\nbroken{\n"));
        ParseResult r = parse(text);
        assertEquals(3, parser.cachedLabelSetCount());
        assertEquals(3, r.families().get(0).series().size());
        ParseResult again = parse(text);
        for (int i = 0; i < 3; i++) {
            assertSame(r.families().get(0).series().get(i).labels(), again.families().get(0).series().get(i).labels());
        }
    }

    @Test
    void changingExtraLabelsRebuildsLabels() throws Exception {
        ParseResult a = parser.parse(body("m{x=\"1\"} 1\n"), ParseOptions.plainText(Labels.of("dataplane_url", "a")));
        ParseResult b = parser.parse(body("m{x=\"1\"} 1\n"), ParseOptions.plainText(Labels.of("dataplane_url", "b")));
        assertEquals("a", scalar(a, 0, 0).labels().get("dataplane_url"));
        assertEquals("b", scalar(b, 0, 0).labels().get("dataplane_url"));
    }

    @Test
    void readsFromAStreamThatTricklesBytes() throws Exception {
        byte[] fixture = KongTextParserFixtureTest.fixture("kong-multibackend.prom");
        InputStream trickle = new InputStream() {
            private int position;

            @Override
            public int read() {
                return position < fixture.length ? fixture[position++] & 0xFF : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (position >= fixture.length) {
                    return -1;
                }
                int n = Math.min(Math.min(len, 7), fixture.length - position);
                System.arraycopy(fixture, position, b, off, n);
                position += n;
                return n;
            }
        };
        ParseResult r = parser.parse(trickle, ParseOptions.plainText(Labels.EMPTY));
        ParseResult whole = new KongTextParser().parse(new ByteArrayInputStream(fixture), ParseOptions.plainText(Labels.EMPTY));
        assertEquals(whole.families(), r.families());
        assertEquals(fixture.length, r.bytesRead());
    }

    @Test
    void ioErrorsPropagate() {
        InputStream failing = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("connection reset");
            }
        };
        assertThrows(IOException.class, () -> parser.parse(failing, ParseOptions.plainText(Labels.EMPTY)));
    }
}
