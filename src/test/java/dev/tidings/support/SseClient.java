package dev.tidings.support;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;

/**
 * A Server-Sent Events client over a plain socket: sends a real HTTP/1.1 request, decodes the chunked
 * body and parses frames the way the HTML specification describes. Closing it drops the connection.
 */
public final class SseClient implements AutoCloseable {

    /** One dispatched frame: an event (with data) or a comment-only frame. */
    public record Frame(String id, String event, String data, Long retry, List<String> comments, Instant at) {
        public boolean isEvent() {
            return data != null;
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final int status;
    private final Map<String, String> headers;
    private final List<Frame> frames = new CopyOnWriteArrayList<>();
    private final List<String> unknownFields = new CopyOnWriteArrayList<>();
    private volatile boolean ended;

    private SseClient(Socket socket, InputStream in, int status, Map<String, String> headers) {
        this.socket = socket;
        this.in = in;
        this.status = status;
        this.headers = headers;
    }

    /** Connects and reads frames in the background. */
    public static SseClient connect(int port, String pathAndQuery, Map<String, String> requestHeaders) throws IOException {
        SseClient client = open(port, pathAndQuery, requestHeaders, 0);
        if (client.status == 200) {
            Thread reader = new Thread(client::readFrames, "sse-client");
            reader.setDaemon(true);
            reader.start();
        }
        return client;
    }

    /** Connects with a tiny receive buffer and never reads: a client that cannot keep up. */
    public static SseClient connectWithoutReading(int port, String pathAndQuery, Map<String, String> requestHeaders) throws IOException {
        return open(port, pathAndQuery, requestHeaders, 2048);
    }

    private static SseClient open(int port, String pathAndQuery, Map<String, String> requestHeaders, int receiveBuffer)
            throws IOException {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
        socket.setSoTimeout(30_000); // the status line and headers come at once; frames may take their time

        OutputStream out = socket.getOutputStream();
        StringBuilder request = new StringBuilder("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                + "\r\nAccept: text/event-stream\r\n");
        requestHeaders.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
        out.write(request.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
        InputStream in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        String statusLine = line(in);
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
            int colon = header.indexOf(':');
            headers.put(header.substring(0, colon).trim().toLowerCase(Locale.ROOT), header.substring(colon + 1).trim());
        }
        socket.setSoTimeout(0);
        return new SseClient(socket, in, status, headers);
    }

    public int status() {
        return status;
    }

    public String header(String name) {
        return headers.get(name);
    }

    public List<Frame> frames() {
        return frames;
    }

    /** Field names outside the SSE specification (id, event, data, retry) that the server sent. */
    public List<String> unknownFields() {
        return unknownFields;
    }

    public List<Frame> events() {
        return frames.stream().filter(Frame::isEvent).toList();
    }

    public List<Frame> awaitEvents(int count, Duration atMost) {
        await().atMost(atMost).until(() -> events().size() >= count || ended);
        return events();
    }

    /** Polls until {@code count} events arrived or the time is up; answers what arrived either way. */
    public List<Frame> eventsWithin(int count, Duration atMost) {
        Instant deadline = Instant.now().plus(atMost);
        while (events().size() < count && !ended && Instant.now().isBefore(deadline)) {
            try {
                Thread.sleep(10); // polling interval of this wait, bounded by the deadline
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return events();
    }

    /** True once the server closed the stream. */
    public boolean ended() {
        return ended;
    }

    /** For a client that never read: drains what is buffered and tells whether the server closed the stream. */
    public boolean serverClosed(Duration atMost) throws IOException {
        Instant deadline = Instant.now().plus(atMost);
        socket.setSoTimeout((int) atMost.toMillis());
        byte[] sink = new byte[64 * 1024];
        try {
            while (in.read(sink) >= 0) {
                if (Instant.now().isAfter(deadline)) {
                    return false; // still sending
                }
            }
            return true;
        } catch (java.net.SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    private void readFrames() {
        try (ChunkedLines lines = new ChunkedLines(in)) {
            String id = null;
            String event = null;
            StringBuilder data = null;
            Long retry = null;
            List<String> comments = new ArrayList<>();
            for (String line = lines.next(); line != null; line = lines.next()) {
                if (line.isEmpty()) {
                    if (data != null || retry != null || !comments.isEmpty()) {
                        frames.add(new Frame(id, event, data == null ? null : data.toString(), retry, List.copyOf(comments), Instant.now()));
                    }
                    id = null;
                    event = null;
                    data = null;
                    retry = null;
                    comments.clear();
                } else if (line.startsWith(":")) {
                    comments.add(line.substring(1));
                } else {
                    int colon = line.indexOf(':');
                    String field = colon < 0 ? line : line.substring(0, colon);
                    String value = colon < 0 ? "" : line.substring(colon + 1);
                    value = value.startsWith(" ") ? value.substring(1) : value;
                    switch (field) {
                        case "id" -> id = value;
                        case "event" -> event = value;
                        case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                        case "retry" -> retry = Long.parseLong(value);
                        default -> unknownFields.add(field);
                    }
                }
            }
        } catch (IOException closed) {
            // connection closed, by us or by the server
        } finally {
            ended = true;
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("Connection closed");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    /** Lines of a chunked HTTP body. */
    private static final class ChunkedLines implements AutoCloseable {
        private final InputStream in;
        private int remaining;
        private final ByteArrayOutputStream current = new ByteArrayOutputStream();

        ChunkedLines(InputStream in) {
            this.in = in;
        }

        String next() throws IOException {
            while (true) {
                int b = nextByte();
                if (b < 0) {
                    return null;
                }
                if (b == '\n') {
                    String line = current.toString(StandardCharsets.UTF_8);
                    current.reset();
                    return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
                }
                current.write(b);
            }
        }

        private int nextByte() throws IOException {
            if (remaining == 0) {
                String size = line(in).trim();
                if (size.isEmpty()) {
                    size = line(in).trim(); // the CRLF after the previous chunk
                }
                remaining = Integer.parseInt(size.split(";")[0], 16);
                if (remaining == 0) {
                    return -1;
                }
            }
            remaining--;
            return in.read();
        }

        @Override
        public void close() {
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
