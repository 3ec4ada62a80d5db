package dev.kmp.receiver.kong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The scrape client against a raw socket server that writes exactly the bytes each test wants. */
class HttpScrapeClientTest {
    /** What the server does with one request on a connection; returns false to close the connection. */
    interface Answer {
        boolean answer(int connection, int requestOnConnection, OutputStream out) throws IOException;
    }

    private ServerSocket server;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private HttpScrapeClient client;

    private URI serve(Answer answer) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    int connection = connections.incrementAndGet();
                    Thread.ofVirtual().start(() -> handle(s, connection, answer));
                } catch (IOException e) {
                    return;
                }
            }
        });
        URI url = URI.create("http://127.0.0.1:" + server.getLocalPort() + "/metrics");
        client = new HttpScrapeClient(url, "text/plain", "test");
        return url;
    }

    private void handle(Socket s, int connection, Answer answer) {
        try (s) {
            InputStream in = s.getInputStream();
            for (int n = 1; ; n++) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                requests.add(head);
                if (!answer.answer(connection, n, s.getOutputStream())) {
                    return;
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            head.write(c);
            byte[] b = head.toByteArray();
            int n = b.length;
            if (n >= 4 && b[n - 4] == '\r' && b[n - 3] == '\n' && b[n - 2] == '\r' && b[n - 1] == '\n') {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
        }
        return null;
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    private static long deadline() {
        return System.nanoTime() + Duration.ofSeconds(20).toNanos();
    }

    private byte[] body(HttpScrapeClient.Response r) throws IOException {
        try (InputStream in = r.body()) {
            return in.readAllBytes();
        }
    }

    @AfterEach
    void close() throws IOException {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void sendsAGetWithTheHeadersAScrapeNeeds() throws IOException {
        URI url = serve((c, n, out) -> {
            write(out, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain; version=0.0.4\r\n\r\nok");
            return true;
        });
        HttpScrapeClient.Response r = client.get(deadline());
        assertEquals(200, r.status());
        assertEquals("text/plain; version=0.0.4", r.contentType());
        assertEquals("ok", new String(body(r), StandardCharsets.US_ASCII));
        String head = requests.getFirst();
        assertTrue(head.startsWith("GET /metrics HTTP/1.1\r\n"), head);
        assertTrue(head.contains("\r\nHost: 127.0.0.1:" + url.getPort() + "\r\n"), head);
        assertTrue(head.contains("\r\nAccept-Encoding: gzip\r\n"), head);
        assertTrue(head.contains("\r\nAccept: text/plain\r\n"), head);
    }

    @Test
    void readsAChunkedBodyWithExtensionsAndTrailers() throws IOException {
        String part1 = "kong_a 1\n".repeat(1000);
        String part2 = "kong_b{x=\"y\"} 2\n";
        serve((c, n, out) -> {
            write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + Integer.toHexString(part1.length()) + ";name=value\r\n" + part1 + "\r\n"
                    + Integer.toHexString(part2.length()).toUpperCase() + "\r\n" + part2 + "\r\n"
                    + "0\r\nX-Trailer: t\r\n\r\n");
            return true;
        });
        for (int i = 0; i < 3; i++) {
            assertEquals(part1 + part2, new String(body(client.get(deadline())), StandardCharsets.US_ASCII));
        }
        assertEquals(1, connections.get(), "a chunked body read to its end leaves the connection reusable");
    }

    @Test
    void keepsTheConnectionAliveAcrossScrapes() throws IOException {
        byte[] payload = "kong_x 1\n".repeat(50_000).getBytes(StandardCharsets.US_ASCII);
        serve((c, n, out) -> {
            write(out, "HTTP/1.1 200 OK\r\nContent-Length: " + payload.length + "\r\n\r\n");
            out.write(payload);
            out.flush();
            return true;
        });
        for (int i = 0; i < 5; i++) {
            assertArrayEquals(payload, body(client.get(deadline())));
        }
        assertEquals(1, connections.get());
        assertEquals(5, requests.size());
    }

    @Test
    void aKeptAliveConnectionTheServerClosedIsRetriedOnceOnAFreshOne() throws IOException {
        // Each connection answers one request, then closes without saying so (an idle timeout).
        serve((c, n, out) -> {
            write(out, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nc" + c + "\n");
            return false;
        });
        assertEquals("c1\n", new String(body(client.get(deadline())), StandardCharsets.US_ASCII));
        assertEquals("c2\n", new String(body(client.get(deadline())), StandardCharsets.US_ASCII));
        assertEquals("c3\n", new String(body(client.get(deadline())), StandardCharsets.US_ASCII));
        assertEquals(3, connections.get());
    }

    @Test
    void connectionCloseAndUnknownLengthAreNotReused() throws IOException {
        serve((c, n, out) -> {
            if (c == 1) {
                write(out, "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\na");
            } else {
                write(out, "HTTP/1.1 200 OK\r\n\r\nto the end");
            }
            return false;
        });
        assertEquals("a", new String(body(client.get(deadline())), StandardCharsets.US_ASCII));
        assertEquals("to the end", new String(body(client.get(deadline())), StandardCharsets.US_ASCII));
        assertEquals(2, connections.get());
    }

    @Test
    void malformedStatusLinesAreRejected() throws IOException {
        for (String status : List.of("HTTP/2 200 OK", "SSH-2.0-OpenSSH\r\n", "HTTP/1.1 2x0 OK", "HTTP/1.1 200OK", "HTTP/1.1 099 Low", "")) {
            if (server != null) {
                close();
            }
            serve((c, n, out) -> {
                write(out, status + "\r\nContent-Length: 0\r\n\r\n");
                return false;
            });
            IOException e = assertThrows(IOException.class, () -> client.get(deadline()), status);
            assertTrue(e instanceof HttpScrapeClient.MalformedResponseException, status + ": " + e);
        }
    }

    @Test
    void malformedOrOversizedHeadersAreRejected() throws IOException {
        List<String> heads = List.of(
                "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
                "HTTP/1.1 200 OK\r\n: empty name\r\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
                "HTTP/1.1 200 OK\r\nX-Big: " + "a".repeat(HttpScrapeClient.MAX_HEADER_BYTES) + "\r\n\r\n",
                "HTTP/1.1 200 OK\r\n" + "X-Many: 1\r\n".repeat(HttpScrapeClient.MAX_HEADERS + 1) + "\r\n",
                "HTTP/1.1 200 OK\r\nContent-Len");
        for (String head : heads) {
            if (server != null) {
                close();
            }
            serve((c, n, out) -> {
                write(out, head);
                return false;
            });
            IOException e = assertThrows(IOException.class, () -> client.get(deadline()), head.substring(0, Math.min(60, head.length())));
            assertTrue(e instanceof HttpScrapeClient.MalformedResponseException, e.toString());
        }
    }

    @Test
    void malformedChunksAndShortBodiesFailWhileReading() throws IOException {
        List<String> answers = List.of(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nabc",
                "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
        for (String answer : answers) {
            if (server != null) {
                close();
            }
            serve((c, n, out) -> {
                write(out, answer);
                return false;
            });
            HttpScrapeClient.Response r = client.get(deadline());
            assertThrows(IOException.class, () -> body(r), answer);
        }
    }

    @Test
    void aSilentServerFailsAtTheDeadline() throws IOException {
        serve((c, n, out) -> {
            try {
                Thread.sleep(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return false;
        });
        assertThrows(SocketTimeoutException.class, () -> client.get(System.nanoTime() + Duration.ofMillis(300).toNanos()));
    }
}
