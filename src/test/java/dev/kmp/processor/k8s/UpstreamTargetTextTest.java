package dev.kmp.processor.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How the processor reads Kong's upstream target text ({@code ip:port}, {@code [ipv6]:port}). */
class UpstreamTargetTextTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "null", textBlock = """
            10.244.1.7:8080      | 10.244.1.7 | 8080
            10.244.1.7:080       | 10.244.1.7 | 80
            [fd00::1]:443        | fd00::1    | 443
            10.244.1.7:65535     | 10.244.1.7 | 65535
            10.244.1.7:65536     | 10.244.1.7 | -1
            10.244.1.7:+80       | 10.244.1.7 | -1
            10.244.1.7:          | 10.244.1.7 | -1
            10.244.1.7:123456    | 10.244.1.7 | -1
            10.244.1.7:8o        | 10.244.1.7 | -1
            host.example         | null       | -1
            """)
    void addressAndPort(String target, String address, int port) {
        assertEquals(address, K8sAttributesProcessor.addressOf(target));
        int colon = target.lastIndexOf(':');
        assertEquals(port, colon < 0 ? -1 : K8sAttributesProcessor.portNumber(target, colon + 1));
    }
}
