package dev.kmp.reconciler;

import static dev.kmp.reconciler.ManagedMarks.EXTENSION_LABEL;
import static dev.kmp.reconciler.ManagedMarks.MANAGED_BY_LABEL;
import static dev.kmp.reconciler.ManagedMarks.MANAGED_PLUGINS_ANNOTATION;
import static dev.kmp.reconciler.ManagedMarks.PLUGINS_ANNOTATION;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pure parts: comma lists, Service marks, selection and backoff. */
class ServiceMarksTest {
    @Test
    void pluginListKeepsOrderDropsBlanksAndNeverListsTwice() {
        PluginList l = PluginList.parse(" cors, ,rate-limit,cors ");
        assertEquals(List.of("cors", "rate-limit"), l.names());
        assertEquals("cors,rate-limit,x", l.with("x").with("x").render());
        assertNull(l.without(List.of("cors", "rate-limit")).render(), "an empty list renders as no annotation");
        assertEquals(List.of(), PluginList.parse(null).names());
    }

    @Test
    void applyAppendsAndRecordsThenUndoRestores() {
        ServiceMarks before = ServiceMarks.of(Map.of("app", "web"), Map.of(PLUGINS_ANNOTATION, "cors, rate-limit", "other", "x"));
        ServiceMarks applied = before.applied("metrics", "web-metrics-prometheus");
        assertEquals("cors,rate-limit,web-metrics-prometheus", applied.annotations().get(PLUGINS_ANNOTATION));
        assertEquals("web-metrics-prometheus", applied.annotations().get(MANAGED_PLUGINS_ANNOTATION));
        assertEquals(Map.of("app", "web", MANAGED_BY_LABEL, "kong-metrics-pipeline", EXTENSION_LABEL, "metrics"), applied.labels());
        assertNull(applied.applied("metrics", "web-metrics-prometheus"), "applying twice changes nothing");

        ServiceMarks undone = applied.undone();
        assertEquals(Map.of("app", "web"), undone.labels());
        assertEquals(Map.of(PLUGINS_ANNOTATION, "cors,rate-limit", "other", "x"), undone.annotations());
        assertNull(undone.undone(), "nothing left to undo");
    }

    @Test
    void aNameListedByAPersonIsNotRecordedSoUndoKeepsIt() {
        ServiceMarks before = ServiceMarks.of(null, Map.of(PLUGINS_ANNOTATION, "web-metrics-prometheus"));
        ServiceMarks applied = before.applied("metrics", "web-metrics-prometheus");
        assertEquals("web-metrics-prometheus", applied.annotations().get(PLUGINS_ANNOTATION));
        assertNull(applied.annotations().get(MANAGED_PLUGINS_ANNOTATION));
        assertEquals(Map.of(PLUGINS_ANNOTATION, "web-metrics-prometheus"), applied.undone().annotations());
    }

    @Test
    void anAnnotationThatBecomesEmptyIsRemoved() {
        ServiceMarks applied = ServiceMarks.of(null, null).applied("m", "a-metrics-prometheus");
        assertEquals("a-metrics-prometheus", applied.annotations().get(PLUGINS_ANNOTATION));
        assertEquals(Map.of(), applied.undone().annotations());
    }

    @Test
    void backoffDoublesUpToTheMaximum() {
        ReconcileQueue q = new ReconcileQueue("t", k -> { }, Duration.ofMillis(100), Duration.ofSeconds(1), () -> true);
        assertEquals(List.of(100L, 200L, 400L, 800L, 1000L, 1000L),
                List.of(1, 2, 3, 4, 5, 40).stream().map(a -> q.delayFor(a).toMillis()).toList());
        q.close();
    }
}
