package dev.kmp.receiver.kong;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPOutputStream;

/**
 * A loopback HTTP server that behaves like a Kong Status API, well or badly, per path:
 * {@code /ok} (the current payload), {@code /gzip}, {@code /status500}, {@code /garbage},
 * {@code /slow} (headers, then nothing), {@code /endless} (a body that never ends), {@code /reset}
 * (the connection dropped mid-body), {@code /churn} (10,000 new series on every scrape).
 */
final class FakeKong implements AutoCloseable {
    private final HttpServer server;
    private final AtomicReference<byte[]> payload;
    private final java.util.concurrent.atomic.AtomicLong churnRound = new java.util.concurrent.atomic.AtomicLong();

    FakeKong(byte[] initialPayload) throws IOException {
        this.payload = new AtomicReference<>(initialPayload);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/ok", ex -> send(ex, 200, payload.get(), false));
        server.createContext("/gzip", ex -> send(ex, 200, payload.get(), true));
        server.createContext("/status500", ex -> send(ex, 500, "upstream trouble\n".getBytes(), false));
        server.createContext("/garbage", ex -> send(ex, 200, "kong_nginx_timers{state=\"running\" 3\n".getBytes(), false));
        server.createContext("/slow", ex -> {
            ex.sendResponseHeaders(200, 0);
            try (OutputStream out = ex.getResponseBody()) {
                out.write("# HELP kong_x x\n".getBytes());
                out.flush();
                Thread.sleep(30_000); // the receiver's timeout must cut this short
            } catch (InterruptedException | IOException e) {
                // client went away
            }
        });
        // Promises the whole payload, sends half of it, then drops the connection.
        server.createContext("/reset", ex -> {
            byte[] body = payload.get();
            ex.getResponseHeaders().add("Content-Type", "text/plain; charset=UTF-8");
            ex.sendResponseHeaders(200, body.length);
            OutputStream out = ex.getResponseBody();
            out.write(body, 0, body.length / 2);
            out.flush();
            ex.close(); // closing before Content-Length is reached makes the server drop the connection
        });
        // A different set of series on every scrape: 10,000 series that never come back.
        server.createContext("/churn", ex -> {
            long n = churnRound.getAndIncrement();
            StringBuilder sb = new StringBuilder(1 << 20);
            sb.append("# HELP kong_bandwidth_bytes Total bandwidth\n# TYPE kong_bandwidth_bytes counter\n");
            for (int i = 0; i < 10_000; i++) {
                sb.append("kong_bandwidth_bytes{service=\"svc-").append(n).append('-').append(i)
                        .append("\",route=\"route-").append(n).append('-').append(i).append("\",direction=\"ingress\"} ")
                        .append(i).append('\n');
            }
            send(ex, 200, sb.toString().getBytes(), false);
        });
        server.createContext("/endless", ex -> {
            ex.sendResponseHeaders(200, 0);
            byte[] line = "kong_nginx_timers{state=\"running\"} 3\n".getBytes();
            try (OutputStream out = ex.getResponseBody()) {
                for (long i = 0; i < 100_000_000L; i++) {
                    out.write(line);
                }
            } catch (IOException e) {
                // client went away, as it should
            }
        });
        server.start();
    }

    void setPayload(byte[] p) {
        payload.set(p);
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    private static void send(HttpExchange ex, int status, byte[] body, boolean gzip) throws IOException {
        byte[] out = body;
        if (gzip) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
                gz.write(body);
            }
            out = bytes.toByteArray();
            ex.getResponseHeaders().add("Content-Encoding", "gzip");
        }
        ex.getResponseHeaders().add("Content-Type", "text/plain; charset=UTF-8");
        ex.sendResponseHeaders(status, out.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(out);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
