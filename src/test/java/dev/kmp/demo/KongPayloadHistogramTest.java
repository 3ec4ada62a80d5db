package dev.kmp.demo;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertTrue;

class KongPayloadHistogramTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "--services 40",
            "--services 15 --kong-version 3.5.0 --stream --consumers 3",
            "--services 15 --kong-version 3.8.0 --multi-backend-ratio 1 --httproute-ratio 1",
            "--services 15 --median-requests 3 --idle-fraction 0.5",
    })
    void generatedHistogramsAreCumulativeAndComplete(String args) {
        int series = HistogramChecks.assertConsistent(PromLines.read(Payloads.generate(args.split(" "))));
        assertTrue(series > 10, "checked " + series + " series");
    }

    @Test
    void histogramsStayConsistentWhileTrafficAdvances() {
        KongPayloadGenerator g = new KongPayloadGenerator(GeneratorOptions.parse("--services", "25"));
        for (Duration step : new Duration[]{Duration.ofMillis(300), Duration.ofSeconds(1), Duration.ofMinutes(7),
                Duration.ofHours(3)}) {
            g.traffic().advance(step);
            HistogramChecks.assertConsistent(PromLines.read(Payloads.render(g)));
        }
    }
}
