package dev.kmp.exporter.k8smetrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kmp.model.Labels;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelSelectorTest {
    private static final Labels L = Labels.of("service", "command", "namespace", "shop", "route", "r.1");

    @Test
    void everyOperator() {
        assertTrue(LabelSelector.parse("service=command").test(L));
        assertTrue(LabelSelector.parse("service==command, namespace = shop").test(L));
        assertFalse(LabelSelector.parse("service!=command").test(L));
        assertTrue(LabelSelector.parse("nothere!=x").test(L));
        assertTrue(LabelSelector.parse("route in (r.0, r.1)").test(L));
        assertFalse(LabelSelector.parse("route notin (r.0,r.1)").test(L));
        assertTrue(LabelSelector.parse("service,!kubernetes_kind").test(L));
        assertFalse(LabelSelector.parse("kubernetes_kind").test(L));
        assertTrue(LabelSelector.parse("").test(L));
        assertTrue(LabelSelector.parse(null).isEmpty());
    }

    @Test
    void errorsSayWhere() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LabelSelector.parse("service in (a"));
        assertEquals("label selector 'service in (a': at character 14 (the end): expected ','", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LabelSelector.parse("service ~ a"));
        assertThrows(IllegalArgumentException.class, () -> LabelSelector.parse("=a"));
        assertThrows(IllegalArgumentException.class, () -> LabelSelector.parse("a=b,"));
        assertThrows(IllegalArgumentException.class, () -> LabelSelector.parse("a in ()"));
    }

    @Test
    void writesItselfAsALabelSelectorObject() {
        Map<String, Object> o = LabelSelector.parse("a=b,c in (d),!e").toLabelSelectorObject();
        assertEquals(Map.of("a", "b"), o.get("matchLabels"));
        assertEquals("[{key=c, operator=In, values=[d]}, {key=e, operator=DoesNotExist}]", o.get("matchExpressions").toString());
    }

    @Test
    void quantitiesAreCanonical() {
        assertEquals("20", KubernetesQuantity.format(20));
        assertEquals("20500m", KubernetesQuantity.format(20.5));
        assertEquals("133333m", KubernetesQuantity.format(400.0 / 3));
        assertEquals("0", KubernetesQuantity.format(0));
        assertEquals("1500k", KubernetesQuantity.format(1_500_000));
        assertEquals("2M", KubernetesQuantity.format(2_000_000));
        assertEquals("1m", KubernetesQuantity.format(0.0006));
        assertThrows(IllegalArgumentException.class, () -> KubernetesQuantity.format(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> KubernetesQuantity.format(1e300));
        assertEquals(20.5, KubernetesQuantity.parse("20500m"));
        assertEquals(2_000_000, KubernetesQuantity.parse("2M"));
    }
}
