package dev.kmp.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class SelectionPlanTest {
    static DataPlaneMetricsExtension ext(String name, String created, List<String> names, Map<String, String> labels) {
        DataPlaneMetricsExtension e = new DataPlaneMetricsExtension();
        e.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("ns").withCreationTimestamp(created).build());
        DataPlaneMetricsExtensionSpec spec = new DataPlaneMetricsExtensionSpec();
        ServiceSelector s = new ServiceSelector();
        s.setMatchNames(names.stream().map(ServiceSelectorEntry::new).toList());
        s.setMatchLabels(labels);
        spec.setServiceSelector(s);
        e.setSpec(spec);
        return e;
    }

    static Service svc(String name, Map<String, String> labels) {
        return new ServiceBuilder().withNewMetadata().withName(name).withNamespace("ns").withLabels(labels).endMetadata().build();
    }

    @Test
    void selectionIsNamesUnionLabelsAndReportsMissingNames() {
        DataPlaneMetricsExtension e = ext("m", "2026-01-01T00:00:00Z", List.of("a", "ghost"), Map.of("tier", "web"));
        List<Service> services = List.of(svc("a", Map.of()), svc("b", Map.of("tier", "web", "x", "y")), svc("c", Map.of("tier", "db")));
        SelectionPlan plan = SelectionPlan.of(e, List.of(e), services, n -> false);
        assertEquals(Set.of("a", "b"), plan.owned());
        assertEquals(new TreeSet<>(List.of("ghost")), plan.missing());
        assertTrue(plan.conflicts().isEmpty());
    }

    @Test
    void olderThenNameWinsWhateverTheOrderOfEvaluation() {
        DataPlaneMetricsExtension older = ext("zeta", "2026-01-01T00:00:00Z", List.of("a"), null);
        DataPlaneMetricsExtension newer = ext("alpha", "2026-01-02T00:00:00Z", List.of("a"), null);
        DataPlaneMetricsExtension sameTimeLaterName = ext("zz", "2026-01-01T00:00:00Z", List.of("a"), null);
        List<DataPlaneMetricsExtension> all = List.of(newer, sameTimeLaterName, older);
        List<Service> services = List.of(svc("a", null));
        assertEquals(Set.of("a"), SelectionPlan.of(older, all, services, n -> false).owned());
        assertEquals(Set.of("a"), SelectionPlan.of(newer, all, services, n -> false).conflicts().keySet());
        assertTrue(SelectionPlan.of(sameTimeLaterName, all, services, n -> false).conflicts().get("a").contains("zeta"));
    }

    @Test
    void anExtensionBeingDeletedNoLongerContends() {
        DataPlaneMetricsExtension older = ext("old", "2026-01-01T00:00:00Z", List.of("a"), null);
        older.getMetadata().setDeletionTimestamp("2026-01-03T00:00:00Z");
        DataPlaneMetricsExtension newer = ext("new", "2026-01-02T00:00:00Z", List.of("a"), null);
        assertEquals(Set.of("a"), SelectionPlan.of(newer, List.of(older, newer), List.of(svc("a", null)), n -> false).owned());
    }

    @Test
    void aForeignPluginOfTheSameNameIsAConflictAndAnEmptySelectorIsFlagged() {
        DataPlaneMetricsExtension e = ext("m", "2026-01-01T00:00:00Z", List.of("a"), null);
        SelectionPlan plan = SelectionPlan.of(e, List.of(e), List.of(svc("a", null)), n -> n.equals("a"));
        assertTrue(plan.owned().isEmpty());
        assertTrue(plan.conflicts().get("a").contains("not managed"));
        DataPlaneMetricsExtension empty = ext("e", "2026-01-01T00:00:00Z", List.of(), null);
        assertTrue(SelectionPlan.of(empty, List.of(empty), List.of(svc("a", null)), n -> false).selectorEmpty());
    }
}
