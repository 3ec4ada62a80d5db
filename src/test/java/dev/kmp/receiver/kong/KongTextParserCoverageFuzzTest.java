package dev.kmp.receiver.kong;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kmp.model.Labels;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * Coverage-guided fuzzing of the parser with Jazzer. Without {@code JAZZER_FUZZ=1} it replays the
 * seed corpus (the Kong fixtures, in KongTextParserCoverageFuzzTestInputs/) and every crash found so
 * far; with it, it fuzzes for {@code maxDuration} (CI does so, bounded). Every input must end in a
 * result or a located ParseException / SampleLimitException: any other exception, a hang or an
 * unbounded allocation is a finding.
 */
class KongTextParserCoverageFuzzTest {
    /** One parser across inputs, as a receiver reuses it across scrapes. */
    private static final KongTextParser PARSER = new KongTextParser(64 * 1024);

    @FuzzTest(maxDuration = "60s")
    void parsesOrReportsALocatedError(FuzzedDataProvider data) throws IOException {
        boolean openMetrics = data.consumeBoolean();
        long maxSamples = data.consumeBoolean() ? data.consumeLong(1, 500) : 0;
        byte[] body = data.consumeRemainingAsBytes();
        try {
            PARSER.parse(new ByteArrayInputStream(body), new ParseOptions(Labels.of("dataplane_url", "http://k/metrics"), maxSamples, openMetrics));
        } catch (ParseException e) {
            if (e.line() < 1 || e.column() < 1) {
                throw new IllegalStateException("unlocated parse error: " + e.getMessage());
            }
        } catch (SampleLimitException expected) {
            // a located, expected outcome
        }
    }
}
