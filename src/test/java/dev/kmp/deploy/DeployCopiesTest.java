package dev.kmp.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * deploy/config and deploy/pipelines are copies of config/ and pipelines/ for kustomize's
 * configMapGenerator. Refresh them with {@code ./mvnw -B -o test -Dtest=DeployCopiesTest -Dkmp.deploy.write=true}.
 */
class DeployCopiesTest {
    @Test
    void copiesInDeployMatchTheirSources() throws IOException {
        if (Boolean.getBoolean("kmp.deploy.write")) {
            DeployCopies.write();
        }
        for (DeployCopies.Copy c : DeployCopies.COPIES) {
            assertTrue(Files.exists(c.copy()), c.copy() + " is missing; run with -Dkmp.deploy.write=true");
            assertEquals(Files.readString(c.source()), Files.readString(c.copy()),
                    c.copy() + " drifted from " + c.source() + "; refresh with -Dtest=DeployCopiesTest -Dkmp.deploy.write=true");
        }
    }
}
