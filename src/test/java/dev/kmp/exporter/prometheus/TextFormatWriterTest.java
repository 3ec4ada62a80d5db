package dev.kmp.exporter.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kmp.model.HistogramSeries;
import dev.kmp.model.Labels;
import dev.kmp.model.MetricType;
import dev.kmp.model.ScalarSeries;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TextFormatWriterTest {

    private static String scalarLine(double value) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TextFormatWriter w = new TextFormatWriter(out);
        w.startFamily("m", MetricType.GAUGE, "");
        w.series(new ScalarSeries("m", Labels.EMPTY, value));
        w.finish();
        String text = out.toString(StandardCharsets.UTF_8);
        return text.substring(text.lastIndexOf("m ") + 2, text.length() - 1);
    }

    @Test
    void numbersAreWrittenAsTheFormatSpellsThemAndParseBackExactly() throws IOException {
        assertEquals("1183970", scalarLine(1183970));
        assertEquals("1234567890123400", scalarLine(1.2345678901234e15));
        assertEquals("-17", scalarLine(-17));
        assertEquals("0", scalarLine(0));
        assertEquals("-0", scalarLine(-0.0));
        assertEquals("0.5", scalarLine(0.5));
        assertEquals("NaN", scalarLine(Double.NaN));
        assertEquals("+Inf", scalarLine(Double.POSITIVE_INFINITY));
        assertEquals("-Inf", scalarLine(Double.NEGATIVE_INFINITY));
        double[] awkward = {0.1 + 0.2, 1e-7, 1e20, 9.007199254740993e15, Double.MIN_VALUE, Double.MAX_VALUE,
                -Double.MAX_VALUE, 8.999999999999999e18, 9.2233720368547758e18, 123456.789, Long.MAX_VALUE};
        for (double v : awkward) {
            String text = scalarLine(v);
            assertEquals(Double.doubleToLongBits(v), Double.doubleToLongBits(SimpleExpositionReader.parseValue(text)), text);
        }
    }

    @Test
    void escapesHelpAndLabelValuesAndWritesHistogramLines() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TextFormatWriter w = new TextFormatWriter(out);
        w.startFamily("h", MetricType.HISTOGRAM, "a \\ b \"c\"\nd");
        w.series(new HistogramSeries(Labels.of("k", "v\\\"\n"), TestBatches.SPARSE, new double[] {1, 2, 3}, 3, Double.NaN,
                HistogramSeries.HAS_COUNT, 5L));
        w.series(HistogramSeries.of(Labels.EMPTY, TestBatches.bounds("+Inf"), new double[] {4}, 4, 0.5));
        w.finish();
        assertEquals("""
                # HELP h a \\\\ b "c"\\nd
                # TYPE h histogram
                h_bucket{k="v\\\\\\"\\n",le="200"} 1 5
                h_bucket{k="v\\\\\\"\\n",le="250"} 2 5
                h_bucket{k="v\\\\\\"\\n",le="+Inf"} 3 5
                h_count{k="v\\\\\\"\\n"} 3 5
                h_bucket{le="+Inf"} 4
                h_count 4
                h_sum 0.5
                """, out.toString(StandardCharsets.UTF_8));
        assertEquals(9 - 2, w.sampleLines());
    }
}
