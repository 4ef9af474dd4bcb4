package dev.tidings.bench;

import java.io.IOException;
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

/**
 * A non-blocking SSE load client: many streams on one selector thread, no thread per connection. It decodes
 * just enough HTTP/1.1 (status, chunked body) and SSE ({@code data:} lines) to time each event from its
 * envelope's {@code timestamp} to its arrival.
 *
 * <p>A process holds no more sockets than its open-file limit allows, so {@link #main} runs it as a child
 * process that a parent drives over stdin and stdout (see {@link SseFleet}).
 */
final class SseLoad extends StreamLoad {

    private final InetSocketAddress server;
    private final byte[] request;
    private final Selector selector;
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(256 * 1024);
    private final List<Stream> streams = new ArrayList<>();
    private int connecting;
    private volatile boolean stopping;
    private Thread reader;

    private SseLoad(int port, String pathAndQuery, String key) throws IOException {
        this.server = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        this.request = ("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAccept: text/event-stream\r\n"
                + "Authorization: Bearer " + key + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        this.selector = Selector.open();
    }

    /** Child process: {@code SseLoad <port> <path> <key> <streams>}, then the commands of {@link StreamLoad#serve}. */
    public static void main(String[] args) throws Exception {
        StreamLoad.serve(new SseLoad(Integer.parseInt(args[0]), args[1], args[2]), Integer.parseInt(args[3]));
    }

    @Override
    void startReading() {
        reader = new Thread(this::readUntilStopped, "sse-load");
        reader.start();
    }

    @Override
    void stopReading() throws InterruptedException {
        stopping = true;
        reader.join();
    }

    private void readUntilStopped() {
        try {
            while (!stopping) {
                poll(20);
                answerIfDue();
            }
        } catch (IOException | RuntimeException e) { // the parent reads the end of this process's output and fails
            e.printStackTrace();
            System.exit(1);
        }
    }

    /** Opens {@code count} streams, {@link #CONNECTING_AT_ONCE} at a time, until all answered or the time is up. */
    @Override
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

    @Override
    boolean allHave(int events) {
        return streams.stream().noneMatch(s -> s.open() && s.body.events() < events);
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
        private final SseFrameTimer body = new SseFrameTimer();
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
                    double latency = body.take(b, at);
                    if (latency >= 0) {
                        record(latency);
                    }
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
