package dev.kmp.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

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

    @Test
    void aSetExtendingAnotherIsEqualToTheSameSetHeldInOneArray() {
        Labels head = Labels.of("service", "a", "route", "r1");
        String[] names = {"kong_service", "route", "namespace", "kubernetes_name"};
        Labels extended = Labels.extending(head, names, new String[] {"shop", "api"});
        Labels flat = Labels.of("kong_service", "a", "route", "r1", "namespace", "shop", "kubernetes_name", "api");

        assertEquals(4, extended.size());
        assertEquals("a", extended.value(0));
        assertEquals("r1", extended.value(1));
        assertEquals("shop", extended.value(2));
        assertEquals("api", extended.value(3));
        assertEquals("api", extended.get("kubernetes_name"));
        assertNull(extended.get("service"));
        assertEquals(flat, extended);
        assertEquals(extended, flat);
        assertEquals(flat.hashCode(), extended.hashCode());
        assertEquals(flat.toString(), extended.toString());
        assertNotEquals(Labels.extending(head, names, new String[] {"shop", "web"}), flat);

        // Copies made from it hold what it holds.
        assertEquals(Labels.of("kong_service", "a", "route", "r1", "namespace", "shop", "kubernetes_name", "web"),
                extended.with("kubernetes_name", "web"));
        assertEquals(Labels.of("kong_service", "a", "route", "r1", "namespace", "shop"), extended.without("kubernetes_name"));
        assertEquals(Labels.of("kong_service", "a", "route", "r1", "namespace", "shop", "kubernetes_name", "api", "x", "1"),
                extended.with("x", "1"));
        // A set extending an extended one: still the values in order.
        Labels twice = Labels.extending(extended, new String[] {"kong_service", "route", "namespace", "kubernetes_name", "pod"},
                new String[] {"p-1"});
        assertEquals(Labels.of("kong_service", "a", "route", "r1", "namespace", "shop", "kubernetes_name", "api", "pod", "p-1"), twice);
        // No tail: only the names change.
        assertEquals(Labels.of("kong_service", "a", "route", "r1"),
                Labels.extending(head, new String[] {"kong_service", "route"}, new String[0]));
        assertThrows(IllegalArgumentException.class, () -> Labels.extending(head, names, new String[] {"shop"}));
    }
}
