package dev.kmp.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelsTest {
    @Test
    void equalSetsAreEqualAndHashAlikeWhicheverIsHashedFirst() {
        // The hash is computed on first use: equals must not compare a hash one side never computed.
        Labels a = Labels.of("service", "a", "route", "r1");
        Labels b = Labels.ofArrays(new String[] {"service", "route"}, new String[] {"a", new String("r1")});
        Labels other = Labels.of("service", "a", "route", "r2");
        assertEquals(a, b);
        assertNotEquals(a, other);
        assertEquals(a.hashCode(), b.hashCode());
        assertEquals(a.hashCode(), a.hashCode());

        Map<Labels, String> byLabels = new HashMap<>();
        byLabels.put(Labels.of("service", "a", "route", "r1"), "found");
        assertEquals("found", byLabels.get(b));
        assertEquals(null, byLabels.get(other));
    }

    @Test
    void orderMattersAsDocumented() {
        assertNotEquals(Labels.of("a", "1", "b", "2"), Labels.of("b", "2", "a", "1"));
    }
}
