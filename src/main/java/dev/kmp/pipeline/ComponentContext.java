package dev.kmp.pipeline;

import dev.kmp.telemetry.SelfMetrics;
import java.time.Clock;

/** What the service hands every component it creates; wired in Main, never looked up globally. */
public record ComponentContext(SelfMetrics selfMetrics, Clock clock) {
}
