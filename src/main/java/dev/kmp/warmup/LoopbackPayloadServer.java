package dev.kmp.warmup;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * A stand-in for Kong's Status API: serves one payload on loopback over HTTP/1.1 with keep-alive,
 * whatever the request, the body written from one buffer in as few calls as the socket takes.
 * The start-up warm-up scrapes it through the real receiver (so the compiled code has seen the
 * socket streams a real target gives), and the benchmark serves its payload with it: the JDK's
 * HttpServer spent more CPU on the other core than the scrape being measured, and Prometheus is
 * measured against a server that writes the body in one call (bench/serve_payload.py).
 */
public final class LoopbackPayloadServer implements AutoCloseable {
    private final ServerSocketChannel listener;
    private final ByteBuffer payload;
    private final Thread acceptor;

    private LoopbackPayloadServer(ByteBuffer payload) throws IOException {
        this.payload = payload;
        this.listener = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.acceptor = Thread.ofPlatform().daemon().name("payload-server").start(this::acceptLoop);
    }

    /** Starts serving {@code payload} (read from its position to its limit, never changed) on a free port. */
    public static LoopbackPayloadServer start(ByteBuffer payload) throws IOException {
        return new LoopbackPayloadServer(payload);
    }

    private void acceptLoop() {
        try {
            while (true) {
                SocketChannel connection = listener.accept();
                Thread.ofPlatform().daemon().name("payload-connection").start(() -> serve(connection));
            }
        } catch (IOException closed) {
            // close() ends the loop
        }
    }

    /** The URL of the payload. */
    public URI url() throws IOException {
        InetSocketAddress bound = (InetSocketAddress) listener.getLocalAddress();
        String host = bound.getAddress().getHostAddress();
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + bound.getPort() + "/metrics");
    }

    private void serve(SocketChannel connection) {
        byte[] head = ("HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Length: " + payload.remaining() + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer request = ByteBuffer.allocate(16 * 1024);
        try (connection) {
            while (readRequest(connection, request)) {
                ByteBuffer[] response = {ByteBuffer.wrap(head), payload.duplicate()};
                while (response[1].hasRemaining()) {
                    connection.write(response);
                }
            }
        } catch (IOException dropped) {
            // the client went away
        }
    }

    /** Reads one request's head (up to the blank line); false when the client closed the connection. */
    private static boolean readRequest(SocketChannel connection, ByteBuffer request) throws IOException {
        request.clear();
        while (true) {
            if (connection.read(request) < 0) {
                return false;
            }
            byte[] b = request.array();
            for (int i = 3; i < request.position(); i++) {
                if (b[i - 3] == '\r' && b[i - 2] == '\n' && b[i - 1] == '\r' && b[i] == '\n') {
                    return true; // a GET has no body; anything pipelined after it is not expected
                }
            }
            if (!request.hasRemaining()) {
                throw new IOException("request head too long");
            }
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        acceptor.interrupt();
    }
}
