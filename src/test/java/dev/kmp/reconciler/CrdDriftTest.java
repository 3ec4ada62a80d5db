package dev.kmp.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/crds/ is generated from the Java types by fabric8's CRD generator. This test regenerates it
 * and fails when the committed copy drifts. To refresh the committed copy after changing the types:
 * {@code ./mvnw -B -o test -Dtest=CrdDriftTest -Dkmp.crd.write=true}.
 */
class CrdDriftTest {
    static final Path COMMITTED = Path.of("deploy", "crds", DataPlaneMetricsExtension.CRD_NAME + ".yaml");

    static String generate(Path dir) throws IOException {
        new CRDGenerator()
                .customResourceClasses(DataPlaneMetricsExtension.class)
                .forCRDVersions("v1")
                .inOutputDir(dir.toFile())
                .generate();
        return Files.readString(dir.resolve(DataPlaneMetricsExtension.CRD_NAME + "-v1.yml"), StandardCharsets.UTF_8);
    }

    @Test
    void committedCrdMatchesTheJavaTypes(@TempDir Path dir) throws IOException {
        String generated = generate(dir);
        if (Boolean.getBoolean("kmp.crd.write")) {
            Files.createDirectories(COMMITTED.getParent());
            Files.writeString(COMMITTED, generated, StandardCharsets.UTF_8);
        }
        assertTrue(Files.exists(COMMITTED), COMMITTED + " is missing; run with -Dkmp.crd.write=true");
        assertEquals(generated, Files.readString(COMMITTED, StandardCharsets.UTF_8),
                COMMITTED + " drifted from the Java types; regenerate with -Dtest=CrdDriftTest -Dkmp.crd.write=true");
    }

    @Test
    void crdHasKongsFieldsAndAStatusSubresource() throws IOException {
        CustomResourceDefinition crd = Serialization.unmarshal(Files.readString(COMMITTED), CustomResourceDefinition.class);
        assertEquals(DataPlaneMetricsExtension.CRD_NAME, crd.getMetadata().getName());
        assertEquals("Namespaced", crd.getSpec().getScope());
        var version = crd.getSpec().getVersions().get(0);
        assertEquals("v1alpha1", version.getName());
        assertTrue(version.getSubresources().getStatus() != null, "status subresource");
        var spec = version.getSchema().getOpenAPIV3Schema().getProperties().get("spec");
        assertEquals(java.util.List.of("serviceSelector"), spec.getRequired());
        var selector = spec.getProperties().get("serviceSelector").getProperties();
        assertEquals("string", selector.get("matchNames").getItems().getSchema().getProperties().get("name").getType());
        assertEquals("string", selector.get("matchLabels").getAdditionalProperties().getSchema().getType());
        var config = spec.getProperties().get("config").getProperties();
        for (String key : new String[] {"latency", "bandwidth", "upstreamHealth", "statusCode"}) {
            assertEquals("boolean", config.get(key).getType(), key);
            assertEquals("false", String.valueOf(config.get(key).getDefault()), key + " default");
        }
        var status = version.getSchema().getOpenAPIV3Schema().getProperties().get("status").getProperties();
        assertTrue(status.containsKey("observedGeneration") && status.containsKey("conditions") && status.containsKey("services"));
    }
}
