package dev.tidings.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A webhook receiver on 127.0.0.1 that misbehaves on the socket level, where an HTTP server library would
 * not let it: it reads the request head, then plays {@link Behaviour}. It records how each connection
 * ended and how many bytes it wrote. Every connection is given up after {@link #LIFETIME}.
 */
public final class RawReceiver implements AutoCloseable {

    /** No connection lives longer than this, whatever the service does. */
    public static final Duration LIFETIME = Duration.ofSeconds(40);

    /** What the receiver does once it has read a request's head. */
    public enum Behaviour {
        /** {@code 200} with a chunked body that never ends. */
        ENDLESS_BODY,
        /** {@code 200} with a declared 100,000-byte body sent one byte every 100 ms. */
        TRICKLING_BODY,
        /** Nothing at all: the status line never comes. */
        SILENCE
    }

    /** How a connection ended: the service closed or reset it (at), or the receiver gave up. */
    public record Ended(boolean byService, Instant at, long bytesWritten) {
    }

    private final ServerSocket server;
    private final Behaviour behaviour;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<Ended> ended = new CopyOnWriteArrayList<>();
    private final AtomicLong requests = new AtomicLong();

    private RawReceiver(Behaviour behaviour) throws IOException {
        this.behaviour = behaviour;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.submit(this::acceptLoop);
    }

    public static RawReceiver start(Behaviour behaviour) throws IOException {
        return new RawReceiver(behaviour);
    }

    public String url() {
        return "http://127.0.0.1:" + server.getLocalPort() + "/hook";
    }

    public long requests() {
        return requests.get();
    }

    public List<Ended> ended() {
        return List.copyOf(ended);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                threads.submit(() -> serve(socket));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        Instant giveUp = Instant.now().plus(LIFETIME);
        long written = 0;
        try (socket) {
            socket.setSoTimeout((int) LIFETIME.toMillis());
            InputStream in = socket.getInputStream();
            readHead(in);
            requests.incrementAndGet();
            OutputStream out = socket.getOutputStream();
            switch (behaviour) {
                case ENDLESS_BODY -> {
                    out.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    byte[] chunk = ("4000\r\n" + "x".repeat(0x4000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
                    while (Instant.now().isBefore(giveUp)) {
                        out.write(chunk);
                        written += chunk.length;
                    }
                }
                case TRICKLING_BODY -> {
                    out.write("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    while (Instant.now().isBefore(giveUp)) {
                        out.write('x');
                        out.flush();
                        written++;
                        Thread.sleep(100); // the trickle itself, not a wait for an outcome
                    }
                }
                case SILENCE -> {
                    while (in.read() >= 0) {
                        // the request body, then nothing more until the service hangs up
                    }
                    ended.add(new Ended(true, Instant.now(), 0));
                    return;
                }
            }
            ended.add(new Ended(false, Instant.now(), written));
        } catch (SocketTimeoutException lifetimeOver) {
            ended.add(new Ended(false, Instant.now(), written));
        } catch (IOException | InterruptedException hungUp) {
            ended.add(new Ended(true, Instant.now(), written));
        }
    }

    private static void readHead(InputStream in) throws IOException {
        int matched = 0;
        byte[] end = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        while (matched < end.length) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed before the end of the request head");
            }
            matched = b == end[matched] ? matched + 1 : (b == end[0] ? 1 : 0);
        }
        // The body (Content-Length) is left unread: the service sent it, and that is all that matters here.
    }

    @Override
    public void close() throws IOException {
        server.close();
        threads.shutdownNow();
    }
}
