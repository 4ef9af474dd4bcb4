package dev.tidings.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * A non-blocking SSE load client: many streams on one selector thread, no thread per connection. It decodes
 * just enough HTTP/1.1 (status, chunked body) and SSE ({@code data:} lines) to time each event from its
 * envelope's {@code timestamp} to its arrival.
 *
 * <p>A process holds no more sockets than its open-file limit allows, so {@link #main} runs it as a child
 * process that a parent drives over stdin and stdout (see {@link SseFleet}).
 */
final class SseLoad implements AutoCloseable {

    /** Connections between connect and response headers at once: keeps the server's accept backlog from overflowing. */
    static final int CONNECTING_AT_ONCE = 256;
    private static final byte[] TIMESTAMP = "\"timestamp\":\"".getBytes(StandardCharsets.US_ASCII);

    private final InetSocketAddress server;
    private final byte[] request;
    private final Selector selector;
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(256 * 1024);
    private final List<Stream> streams = new ArrayList<>();
    private final Map<String, Integer> refusals = new TreeMap<>();
    /** Latencies in ms; only the selector thread touches them and the streams. */
    private double[] latencies = new double[1024];
    private int latencyCount;
    private int connecting;
    private int held;
    /** The parent's one outstanding question, answered by the selector thread between reads. */
    private volatile Question question;
    private volatile boolean stopping;

    private SseLoad(int port, String pathAndQuery, String key) throws IOException {
        this.server = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        this.request = ("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAccept: text/event-stream\r\n"
                + "Authorization: Bearer " + key + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        this.selector = Selector.open();
    }

    /** Child process: {@code SseLoad <port> <path> <key> <streams>}, then the commands of {@link SseFleet}. */
    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (SseLoad load = new SseLoad(Integer.parseInt(args[0]), args[1], args[2]);
             BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            load.openAll(Integer.parseInt(args[3]), Duration.ofMinutes(3));
            out.println("opened " + load.held + " " + load.refusals);
            Thread reader = new Thread(load::readUntilStopped, "sse-load");
            reader.start();
            for (String command = commands.readLine(); command != null && !command.equals("close"); command = commands.readLine()) {
                String[] words = command.split(" "); // await <events per stream> <millis>
                out.println(load.ask(Integer.parseInt(words[1]), Duration.ofMillis(Long.parseLong(words[2]))));
            }
            load.stopping = true;
            reader.join();
        }
    }

    /** Waits until every open stream has {@code events} events or the time is up; answers the latencies gathered since the last question. */
    private String ask(int events, Duration atMost) throws Exception {
        Question asked = new Question(events, System.nanoTime() + atMost.toNanos(), new CompletableFuture<>());
        question = asked;
        return asked.answer().get();
    }

    /** Keeps reading, so that every frame is timed when it arrives, not when someone asks. */
    private void readUntilStopped() {
        try {
            while (!stopping) {
                poll(20);
                Question asked = question;
                if (asked != null && (System.nanoTime() > asked.deadline() || allHave(asked.events()))) {
                    question = null;
                    asked.answer().complete(latencyLine());
                }
            }
        } catch (IOException | RuntimeException e) { // the parent reads the end of this process's output and fails
            e.printStackTrace();
            System.exit(1);
        }
    }

    private record Question(int events, long deadline, CompletableFuture<String> answer) {
    }

    /** Opens {@code count} streams, {@link #CONNECTING_AT_ONCE} at a time, until all answered or the time is up. */
    void openAll(int count, Duration atMost) throws IOException {
        long deadline = System.nanoTime() + atMost.toNanos();
        int started = 0;
        while ((started < count || connecting > 0) && System.nanoTime() < deadline) {
            while (started < count && connecting < CONNECTING_AT_ONCE) {
                started++;
                try {
                    connect();
                } catch (IOException e) { // out of files or ports: counted, and the rest still tried
                    refuse(e.getClass().getSimpleName() + ": " + e.getMessage(), 1);
                }
            }
            poll(100);
        }
        refuse("not answered in " + atMost.toSeconds() + " s", connecting);
    }

    private boolean allHave(int events) {
        return streams.stream().noneMatch(s -> s.open() && s.events < events);
    }

    /** The latencies gathered so far as one line, {@code latencies <ms> <ms> ...}, and forgets them. */
    String latencyLine() {
        StringBuilder line = new StringBuilder("latencies");
        for (int i = 0; i < latencyCount; i++) {
            line.append(' ').append(Math.round(latencies[i] * 100) / 100.0);
        }
        latencyCount = 0;
        return line.toString();
    }

    private void connect() throws IOException {
        SocketChannel channel = SocketChannel.open();
        boolean connected;
        try {
            channel.configureBlocking(false);
            connected = channel.connect(server);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        Stream stream = new Stream(channel);
        streams.add(stream);
        connecting++;
        if (!connected) {
            channel.register(selector, SelectionKey.OP_CONNECT, stream);
            return;
        }
        try {
            stream.connected();
        } catch (IOException e) {
            stream.fail(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private void poll(long millis) throws IOException {
        selector.select(millis);
        for (SelectionKey key : selector.selectedKeys()) {
            Stream stream = (Stream) key.attachment();
            try {
                if (key.isConnectable()) {
                    stream.channel.finishConnect();
                    stream.connected();
                } else if (key.isReadable()) {
                    stream.read();
                }
            } catch (IOException | RuntimeException e) { // one broken stream, not the whole load
                stream.fail(e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
        selector.selectedKeys().clear();
    }

    private void refuse(String reason, int times) {
        if (times > 0) {
            refusals.merge(reason, times, Integer::sum);
        }
    }

    private void record(double millis) {
        if (latencyCount == latencies.length) {
            latencies = Arrays.copyOf(latencies, latencies.length * 2);
        }
        latencies[latencyCount++] = millis;
    }

    @Override
    public void close() throws IOException {
        for (Stream stream : streams) {
            stream.channel.close();
        }
        selector.close();
    }

    private enum Part { HEADERS, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, BODY, ENDED }

    /** One connection and its decoder state; a partial line is kept between reads, nothing else. */
    private final class Stream {
        private final SocketChannel channel;
        private Part part = Part.HEADERS;
        private byte[] line = new byte[128];
        private int lineLength;
        private int status;
        private long chunkLeft;
        private int events;
        private boolean answered;
        private boolean closed;

        Stream(SocketChannel channel) {
            this.channel = channel;
        }

        boolean open() {
            return answered && !closed;
        }

        /** The request fits a fresh socket's send buffer, so one non-blocking write takes it whole. */
        void connected() throws IOException {
            ByteBuffer out = ByteBuffer.wrap(request);
            while (out.hasRemaining()) {
                channel.write(out);
            }
            channel.register(selector, SelectionKey.OP_READ, this);
        }

        void read() throws IOException {
            readBuffer.clear();
            int read = channel.read(readBuffer);
            if (read < 0) {
                fail(answered ? "closed by the server" : "closed before an answer");
                return;
            }
            Instant at = Instant.now();
            readBuffer.flip();
            while (readBuffer.hasRemaining() && !closed) {
                take(readBuffer.get(), at);
            }
        }

        private void take(byte b, Instant at) {
            switch (part) {
                case CHUNK_DATA, BODY -> {
                    body(b, at);
                    if (part == Part.CHUNK_DATA && --chunkLeft == 0) {
                        part = Part.CHUNK_END;
                    }
                }
                case ENDED -> {
                    // the last chunk: the server closes the connection next
                }
                default -> {
                    if (b == '\n') {
                        lineEnded();
                    } else if (b != '\r') {
                        append(b);
                    }
                }
            }
        }

        /** A line of the headers, a chunk size, or the CRLF after a chunk's data. */
        private void lineEnded() {
            String text = new String(line, 0, lineLength, StandardCharsets.US_ASCII);
            lineLength = 0;
            switch (part) {
                case HEADERS -> header(text);
                case CHUNK_END -> part = Part.CHUNK_SIZE;
                case CHUNK_SIZE -> chunkSize(text);
                default -> throw new IllegalStateException(part.name());
            }
        }

        private void header(String text) {
            if (status == 0) {
                status = Integer.parseInt(text.split(" ")[1]);
            } else if (text.toLowerCase(Locale.ROOT).startsWith("transfer-encoding:") && text.toLowerCase(Locale.ROOT).contains("chunked")) {
                chunkLeft = -1; // a chunked body follows the headers
            } else if (text.isEmpty()) {
                answer();
            }
        }

        private void answer() {
            answered = true;
            connecting--;
            if (status != 200) {
                refuse("HTTP " + status, 1);
                close();
                return;
            }
            held++;
            part = chunkLeft < 0 ? Part.CHUNK_SIZE : Part.BODY;
            chunkLeft = 0;
        }

        private void chunkSize(String text) {
            if (text.isEmpty()) {
                return;
            }
            chunkLeft = Long.parseLong(text.split(";")[0].trim(), 16);
            part = chunkLeft == 0 ? Part.ENDED : Part.CHUNK_DATA;
        }

        /** A byte of the SSE body: only {@code data:} lines with a timestamp matter here. */
        private void body(byte b, Instant at) {
            if (b != '\n') {
                if (b != '\r') {
                    append(b);
                }
                return;
            }
            if (startsWith("data:")) {
                int from = indexOf(TIMESTAMP);
                if (from >= 0) {
                    events++;
                    record(Duration.between(timestamp(from + TIMESTAMP.length), at).toNanos() / 1e6);
                }
            }
            lineLength = 0;
        }

        private Instant timestamp(int from) {
            int to = from;
            while (to < lineLength && line[to] != '"') {
                to++;
            }
            return Instant.parse(new String(line, from, to - from, StandardCharsets.US_ASCII));
        }

        private boolean startsWith(String prefix) {
            if (lineLength < prefix.length()) {
                return false;
            }
            for (int i = 0; i < prefix.length(); i++) {
                if (line[i] != prefix.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        private int indexOf(byte[] needle) {
            outer:
            for (int i = 0; i + needle.length <= lineLength; i++) {
                for (int j = 0; j < needle.length; j++) {
                    if (line[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
        }

        private void append(byte b) {
            if (lineLength == line.length) {
                line = Arrays.copyOf(line, line.length * 2);
            }
            line[lineLength++] = b;
        }

        void fail(String reason) {
            if (!answered) {
                answered = true;
                connecting--;
                refuse(reason, 1);
            } else if (status == 200 && !closed) {
                held--;
                refuse("after opening: " + reason, 1);
            }
            close();
        }

        private void close() {
            closed = true;
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
