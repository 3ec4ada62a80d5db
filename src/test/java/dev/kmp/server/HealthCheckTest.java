package dev.kmp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class HealthCheckTest {
    @Test
    void healthyOnlyOnA2xxAnswer() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/healthz", x -> {
            x.sendResponseHeaders(200, 3);
            x.getResponseBody().write("ok\n".getBytes());
            x.close();
        });
        server.createContext("/broken", x -> {
            x.sendResponseHeaders(503, -1);
            x.close();
        });
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            assertNull(HealthCheck.check(base + "/healthz"));
            assertEquals(base + "/broken answered 503", HealthCheck.check(base + "/broken"));
        } finally {
            server.stop(0);
        }
    }

    @Test
    void unhealthyWhenNothingListens() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String problem = HealthCheck.check("http://127.0.0.1:" + port + "/healthz");
        assertTrue(problem != null && problem.contains(String.valueOf(port)), problem);
    }
}
