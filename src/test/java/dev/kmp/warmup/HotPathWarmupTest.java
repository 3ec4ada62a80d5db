package dev.kmp.warmup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HotPathWarmupTest {
    @Test
    void runsTheWholePathOverAGeneratedPayloadWithinItsBudget() {
        Duration budget = Duration.ofSeconds(60);
        HotPathWarmup.Result result = HotPathWarmup.run(budget, Optional.empty());
        // Every pass parses, enriches, stores and renders; a broken stage would throw here.
        assertTrue(result.passes() >= 4, "at least the minimum passes: " + result);
        assertTrue(result.payloadBytes() > 500_000, "a payload of tens of Kong services: " + result);
        assertTrue(result.took().compareTo(budget) < 0, result.toString());
    }

    @Test
    void aSpentBudgetStopsBeforeTheFirstPass() {
        assertEquals(0, HotPathWarmup.run(Duration.ZERO, Optional.empty()).passes());
    }
}
