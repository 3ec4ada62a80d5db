package dev.kmp.receiver.kong;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * An HTTP/1.1 GET client for one scrape target, over one kept-alive socket. The body is read
 * straight from the socket into the caller's buffer: {@code java.net.http.HttpClient} hands every
 * 16 KB buffer from its selector thread to the reader and back, which cost more than parsing.
 *
 * <p>Public for the benchmark, which times the fetch stage through it.
 *
 * <p>One scrape at a time per instance (the scrape loop's thread); only {@link #abort} may be
 * called from another thread. Every blocking read is bounded by the scrape's deadline.
 */
public final class HttpScrapeClient implements AutoCloseable {
    /** Status line plus headers: Kong sends a few hundred bytes; anything near this is not a metrics endpoint. */
    static final int MAX_HEADER_BYTES = 64 * 1024;
    static final int MAX_HEADERS = 100;
    private static final int BUFFER = 64 * 1024;
    private static final int DIRECT_READ = 8 * 1024;

    private final String host;
    private final int port;
    private final boolean tls;
    private final byte[] request;
    private final SSLSocketFactory tlsSockets;

    private volatile Socket socket;
    private Input input;
    private OutputStream output;
    /** True while the open connection may carry another request (the last body was read to its end). */
    private boolean reusable;

    /** Thrown for a response that is not HTTP/1.x as this client reads it. */
    public static final class MalformedResponseException extends IOException {
        MalformedResponseException(String message) {
            super(message);
        }
    }

    /** A response whose body is to be read (and closed) before the next {@link #get}. */
    public record Response(int status, String contentType, String contentEncoding, InputStream body) {
    }

    public HttpScrapeClient(URI url, String accept, String userAgent) {
        this(url, accept, userAgent, (SSLSocketFactory) SSLSocketFactory.getDefault());
    }

    HttpScrapeClient(URI url, String accept, String userAgent, SSLSocketFactory tlsSockets) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("unsupported scheme in " + url);
        }
        this.tls = scheme.equals("https");
        String h = url.getHost();
        if (h == null) {
            throw new IllegalArgumentException("no host in " + url);
        }
        this.host = h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
        this.port = url.getPort() >= 0 ? url.getPort() : (tls ? 443 : 80);
        this.tlsSockets = tlsSockets;
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        if (url.getRawQuery() != null) {
            path += "?" + url.getRawQuery();
        }
        String hostHeader = h + (url.getPort() >= 0 ? ":" + url.getPort() : "");
        this.request = ("GET " + path + " HTTP/1.1\r\nHost: " + hostHeader + "\r\nAccept: " + accept
                + "\r\nAccept-Encoding: gzip\r\nUser-Agent: " + userAgent + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * Sends the GET and reads the status line and headers. A kept-alive connection the server has
     * closed meanwhile fails before any byte of an answer: then the request is sent once more on a
     * fresh connection.
     */
    public Response get(long deadlineNanos) throws IOException {
        if (socket != null && reusable) {
            try {
                return exchange(deadlineNanos);
            } catch (IOException e) {
                if (input == null || input.consumedAny || System.nanoTime() - deadlineNanos >= 0) {
                    closeSocket();
                    throw e;
                }
                closeSocket(); // the server dropped the idle connection: try once on a new one
            }
        } else {
            closeSocket();
        }
        connect(deadlineNanos);
        try {
            return exchange(deadlineNanos);
        } catch (IOException e) {
            closeSocket();
            throw e;
        }
    }

    /** Closes the connection from any thread, so a read blocked on it ends now (the watchdog, shutdown). */
    void abort() {
        Socket s = socket;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing is all we wanted
            }
        }
    }

    @Override
    public void close() {
        closeSocket();
    }

    private void connect(long deadlineNanos) throws IOException {
        Socket s = new Socket();
        socket = s;
        try {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(host, port), remainingMillis(deadlineNanos));
            Socket connected = s;
            if (tls) {
                SSLSocket ssl = (SSLSocket) tlsSockets.createSocket(s, host, port, true);
                SSLParameters params = ssl.getSSLParameters();
                params.setEndpointIdentificationAlgorithm("HTTPS");
                ssl.setSSLParameters(params);
                socket = ssl;
                ssl.setSoTimeout(remainingMillis(deadlineNanos));
                ssl.startHandshake();
                connected = ssl;
            }
            input = new Input(connected.getInputStream(), connected);
            output = connected.getOutputStream();
        } catch (IOException e) {
            closeSocket();
            throw e;
        }
    }

    private Response exchange(long deadlineNanos) throws IOException {
        reusable = false;
        input.startResponse(deadlineNanos);
        output.write(request);
        output.flush();
        String statusLine = input.headerLine();
        int status = parseStatus(statusLine);
        boolean http10 = statusLine.startsWith("HTTP/1.0");
        long contentLength = -1;
        boolean chunked = false;
        boolean close = http10;
        String contentType = "";
        String contentEncoding = "";
        int headers = 0;
        for (String line = input.headerLine(); !line.isEmpty(); line = input.headerLine()) {
            if (++headers > MAX_HEADERS) {
                throw new MalformedResponseException("more than " + MAX_HEADERS + " response headers");
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                throw new MalformedResponseException("malformed response header line");
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> {
                    try {
                        long n = Long.parseLong(value);
                        if (n < 0 || (contentLength >= 0 && contentLength != n)) {
                            throw new NumberFormatException();
                        }
                        contentLength = n;
                    } catch (NumberFormatException e) {
                        throw new MalformedResponseException("bad Content-Length");
                    }
                }
                case "transfer-encoding" -> {
                    String v = value.toLowerCase(Locale.ROOT);
                    if (v.equals("chunked")) {
                        chunked = true;
                    } else if (!v.equals("identity")) {
                        throw new MalformedResponseException("unsupported Transfer-Encoding " + v);
                    }
                }
                case "connection" -> {
                    String v = value.toLowerCase(Locale.ROOT);
                    close = v.contains("close") || (http10 && !v.contains("keep-alive"));
                }
                case "content-type" -> contentType = value;
                case "content-encoding" -> contentEncoding = value;
                default -> {
                }
            }
        }
        input.consumedAny = true;
        InputStream body;
        boolean keepAfter = !close;
        if (chunked) {
            body = new ChunkedBody(input);
        } else if (contentLength >= 0) {
            body = new LengthBody(input, contentLength);
        } else {
            body = new LengthBody(input, Long.MAX_VALUE); // to the end of the connection
            keepAfter = false;
        }
        return new Response(status, contentType, contentEncoding, new BodyEnd(body, keepAfter));
    }

    private static int parseStatus(String line) throws MalformedResponseException {
        // HTTP/1.1 200 OK  (the reason phrase may be empty or missing)
        if (line.length() < 12 || !(line.startsWith("HTTP/1.1 ") || line.startsWith("HTTP/1.0 "))
                || (line.length() > 12 && line.charAt(12) != ' ')) {
            throw new MalformedResponseException("malformed HTTP status line");
        }
        int status = 0;
        for (int i = 9; i < 12; i++) {
            char c = line.charAt(i);
            if (c < '0' || c > '9') {
                throw new MalformedResponseException("malformed HTTP status line");
            }
            status = status * 10 + (c - '0');
        }
        if (status < 100) {
            throw new MalformedResponseException("malformed HTTP status line");
        }
        return status;
    }

    private void closeSocket() {
        reusable = false;
        Socket s = socket;
        socket = null;
        input = null;
        output = null;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // nothing left to do with it
            }
        }
    }

    private static int remainingMillis(long deadlineNanos) throws SocketTimeoutException {
        long ms = (deadlineNanos - System.nanoTime()) / 1_000_000;
        if (ms <= 0) {
            throw new SocketTimeoutException("scrape deadline passed");
        }
        return (int) Math.min(Integer.MAX_VALUE, ms);
    }

    /**
     * The socket's bytes through one buffer: header lines come from it, and body reads larger than
     * what it holds go straight to the socket into the caller's array.
     */
    private static final class Input {
        private final InputStream in;
        private final Socket socket;
        private final byte[] buf = new byte[BUFFER];
        private int pos;
        private int lim;
        private long deadlineNanos;
        private int headerBytes;
        /** True once any byte of this response arrived: past that point a failure is not retried. */
        boolean consumedAny;

        Input(InputStream in, Socket socket) {
            this.in = in;
            this.socket = socket;
        }

        void startResponse(long deadline) {
            deadlineNanos = deadline;
            headerBytes = 0;
            consumedAny = false;
        }

        /** One raw read from the socket, bounded by the deadline; -1 at the end of the stream. */
        private int socketRead(byte[] b, int off, int len) throws IOException {
            socket.setSoTimeout(remainingMillis(deadlineNanos));
            int n = in.read(b, off, len);
            if (n > 0) {
                consumedAny = true;
            }
            return n;
        }

        private boolean fill() throws IOException {
            pos = 0;
            lim = 0;
            int n = socketRead(buf, 0, buf.length);
            if (n <= 0) {
                return false;
            }
            lim = n;
            return true;
        }

        /** A header line without its CRLF (a bare LF is accepted); Latin-1, bounded in total size. */
        String headerLine() throws IOException {
            StringBuilder line = new StringBuilder(64);
            while (true) {
                if (pos == lim && !fill()) {
                    throw consumedAny ? new MalformedResponseException("response ended inside its headers")
                            : new EOFException("connection closed before a response");
                }
                byte b = buf[pos++];
                if (++headerBytes > MAX_HEADER_BYTES) {
                    throw new MalformedResponseException("response headers longer than " + MAX_HEADER_BYTES + " bytes");
                }
                if (b == '\n') {
                    int end = line.length();
                    if (end > 0 && line.charAt(end - 1) == '\r') {
                        line.setLength(end - 1);
                    }
                    return line.toString();
                }
                if (b == 0) {
                    throw new MalformedResponseException("NUL byte in response headers");
                }
                line.append((char) (b & 0xff));
            }
        }

        int read(byte[] b, int off, int len) throws IOException {
            if (pos < lim) {
                int n = Math.min(len, lim - pos);
                System.arraycopy(buf, pos, b, off, n);
                pos += n;
                return n;
            }
            if (len >= DIRECT_READ) {
                return socketRead(b, off, len); // body bytes go straight into the caller's buffer
            }
            if (!fill()) {
                return -1;
            }
            return read(b, off, len);
        }

        int read() throws IOException {
            if (pos == lim && !fill()) {
                return -1;
            }
            return buf[pos++] & 0xff;
        }
    }

    /** A body of known length (or, with Long.MAX_VALUE, up to the end of the connection). */
    private static final class LengthBody extends InputStream {
        private final Input in;
        private long remaining;
        private final boolean toEof;

        LengthBody(Input in, long length) {
            this.in = in;
            this.remaining = length;
            this.toEof = length == Long.MAX_VALUE;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining == 0) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n < 0) {
                if (toEof) {
                    remaining = 0;
                    return -1;
                }
                throw new EOFException("connection closed " + remaining + " bytes before the end of the body");
            }
            remaining -= n;
            return n;
        }

        boolean atEnd() {
            return remaining == 0;
        }
    }

    /** A chunked body: hex size lines (extensions ignored), data, and trailers that are skipped. */
    private static final class ChunkedBody extends InputStream {
        private static final int MAX_SIZE_LINE = 1024;
        private final Input in;
        private long chunkLeft;
        private boolean done;

        ChunkedBody(Input in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            if (chunkLeft == 0) {
                chunkLeft = nextChunkSize();
                if (chunkLeft == 0) {
                    skipTrailers();
                    done = true;
                    return -1;
                }
            }
            int n = in.read(b, off, (int) Math.min(len, chunkLeft));
            if (n < 0) {
                throw new EOFException("connection closed inside a chunk");
            }
            chunkLeft -= n;
            if (chunkLeft == 0) {
                expectCrlf();
            }
            return n;
        }

        private long nextChunkSize() throws IOException {
            long size = 0;
            int digits = 0;
            int length = 0;
            boolean inExtension = false;
            while (true) {
                int c = in.read();
                if (c < 0) {
                    throw new EOFException("connection closed before a chunk size");
                }
                if (++length > MAX_SIZE_LINE) {
                    throw new MalformedResponseException("chunk size line longer than " + MAX_SIZE_LINE + " bytes");
                }
                if (c == '\n') {
                    break;
                }
                if (inExtension || c == '\r' || c == ' ' || c == '\t') {
                    continue;
                }
                if (c == ';') {
                    inExtension = true;
                    continue;
                }
                int d = Character.digit(c, 16);
                if (d < 0 || ++digits > 15) {
                    throw new MalformedResponseException("malformed chunk size");
                }
                size = size * 16 + d;
            }
            if (digits == 0) {
                throw new MalformedResponseException("malformed chunk size");
            }
            return size;
        }

        private void expectCrlf() throws IOException {
            int c = in.read();
            if (c == '\r') {
                c = in.read();
            }
            if (c != '\n') {
                throw new MalformedResponseException("chunk not followed by CRLF");
            }
        }

        private void skipTrailers() throws IOException {
            int lineLength = 0;
            int total = 0;
            while (true) {
                int c = in.read();
                if (c < 0) {
                    throw new EOFException("connection closed inside the chunked trailer");
                }
                if (++total > MAX_HEADER_BYTES) {
                    throw new MalformedResponseException("chunked trailer longer than " + MAX_HEADER_BYTES + " bytes");
                }
                if (c == '\n') {
                    if (lineLength == 0) {
                        return;
                    }
                    lineLength = 0;
                } else if (c != '\r') {
                    lineLength++;
                }
            }
        }

        boolean atEnd() {
            return done;
        }
    }

    /**
     * Decides on close whether the connection carries the next scrape: only when the body was read
     * to its end and the server did not ask to close. A body left half-read closes the connection
     * rather than draining what might be megabytes.
     */
    private final class BodyEnd extends InputStream {
        private final InputStream body;
        private final boolean keepAlive;
        private boolean closed;

        BodyEnd(InputStream body, boolean keepAlive) {
            this.body = body;
            this.keepAlive = keepAlive;
        }

        @Override
        public int read() throws IOException {
            return body.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return body.read(b, off, len);
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            boolean complete = body instanceof LengthBody l ? l.atEnd() : ((ChunkedBody) body).atEnd();
            if (keepAlive && complete && socket != null) {
                reusable = true;
            } else {
                closeSocket();
            }
        }
    }
}
