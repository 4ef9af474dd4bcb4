package dev.tidings.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;

import static org.awaitility.Awaitility.await;

/**
 * A real HTTP server on 127.0.0.1 that receives webhooks. Each endpoint ({@code /hooks/<name>}) can be
 * scripted with the responses to give (status and delay); it answers 200 once the script is used up.
 */
public final class WebhookReceiver implements AutoCloseable {

    /** How long the tests wait for a delivery they expect (deliveries normally take well under a second). */
    public static final Duration PATIENCE = Duration.ofSeconds(30);

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A request as received: lower-case header names, the body as sent. */
    public record Received(String endpoint, Map<String, List<String>> headers, String body, Instant at) {
        public String header(String name) {
            List<String> values = headers.get(name);
            return values == null ? null : values.get(0);
        }

        /** The body as JSON. */
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (java.io.IOException e) {
                throw new IllegalStateException("Not JSON: " + body, e);
            }
        }
    }

    /** {@code lateBy}: how long the request waits before the receiver takes it in (and records its arrival). */
    private record Reply(int status, Duration delay, Map<String, String> headers, Duration lateBy) {
        Reply(int status, Duration delay) {
            this(status, delay, Map.of(), Duration.ZERO);
        }
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    /** Polled by the server's threads at once when deliveries to one endpoint run in parallel. */
    private final Map<String, Deque<Reply>> scripts = new ConcurrentHashMap<>();

    private WebhookReceiver(HttpServer server) {
        this.server = server;
    }

    private static WebhookReceiver shared;

    /** One receiver for the whole test run (every test uses endpoints of its own); it stops with the JVM. */
    public static synchronized WebhookReceiver shared() {
        if (shared == null) {
            try {
                shared = start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return shared;
    }

    public static WebhookReceiver start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        WebhookReceiver receiver = new WebhookReceiver(server);
        server.createContext("/hooks/", receiver::handle);
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
        return receiver;
    }

    /** A fresh endpoint URL, so tests sharing the receiver do not see each other's requests. */
    public String newEndpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/" + UUID.randomUUID();
    }

    /** The next requests to {@code url} get these statuses, in order. */
    public void respond(String url, int... statuses) {
        Deque<Reply> script = scripts.computeIfAbsent(path(url), k -> new ConcurrentLinkedDeque<>());
        for (int status : statuses) {
            script.add(new Reply(status, Duration.ZERO));
        }
    }

    /** The next request to {@code url} gets {@code status} after {@code delay}. */
    public void respondSlowly(String url, int status, Duration delay) {
        scripts.computeIfAbsent(path(url), k -> new ConcurrentLinkedDeque<>()).add(new Reply(status, delay));
    }

    /** The next request to {@code url} is answered {@code status} (a redirect) with {@code Location: location}. */
    public void redirect(String url, int status, String location) {
        respondWith(url, status, Map.of("Location", location));
    }

    /** The next request to {@code url} is answered {@code status} with these headers. */
    public void respondWith(String url, int status, Map<String, String> headers) {
        scripts.computeIfAbsent(path(url), k -> new ConcurrentLinkedDeque<>()).add(new Reply(status, Duration.ZERO, headers, Duration.ZERO));
    }

    /**
     * The next {@code count} requests to {@code url} reach the receiver only {@code lateBy} after they came in (as if
     * a slow network or a queue in front of the receiver held them), and are then answered 200.
     */
    public void arriveLate(String url, int count, Duration lateBy) {
        Deque<Reply> script = scripts.computeIfAbsent(path(url), k -> new ConcurrentLinkedDeque<>());
        for (int i = 0; i < count; i++) {
            script.add(new Reply(200, Duration.ZERO, Map.of(), lateBy));
        }
    }

    /** The most of these requests that arrived within any one second (each request opens a window). */
    public static int mostWithinOneSecond(List<Received> requests) {
        List<Instant> arrivals = requests.stream().map(Received::at).sorted().toList();
        int most = 0;
        for (Instant start : arrivals) {
            long within = arrivals.stream().filter(at -> !at.isBefore(start) && at.isBefore(start.plusSeconds(1))).count();
            most = Math.max(most, (int) within);
        }
        return most;
    }

    /** Every request to {@code url} fails with 500 until told otherwise. */
    public void alwaysFail(String url) {
        respond(url, IntStream.generate(() -> 500).limit(1000).toArray());
    }

    public void recover(String url) {
        scripts.remove(path(url));
    }

    public List<Received> requests(String url) {
        String path = path(url);
        return received.stream().filter(r -> r.endpoint().equals(path)).toList();
    }

    /** Waits (up to {@link #PATIENCE}) until {@code url} received at least {@code count} requests; answers them all. */
    public List<Received> awaitRequests(String url, int count) {
        return awaitRequests(url, count, PATIENCE);
    }

    public List<Received> awaitRequests(String url, int count, Duration atMost) {
        await().atMost(atMost).until(() -> requests(url).size() >= count);
        return requests(url);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Map<String, List<String>> headers = new TreeMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
        String path = exchange.getRequestURI().getPath();
        Deque<Reply> script = scripts.get(path);
        Reply reply = script == null ? null : script.poll();
        if (reply == null) {
            reply = new Reply(200, Duration.ZERO);
        }
        pause(reply.lateBy()); // held on the way, part of the scenario
        received.add(new Received(path, headers, body, Instant.now()));
        pause(reply.delay()); // the receiver's own slowness, part of the scenario
        byte[] answer = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
        reply.headers().forEach(exchange.getResponseHeaders()::set);
        // 204 and 304 carry no body at all
        boolean noBody = reply.status() == 204 || reply.status() == 304;
        try {
            exchange.sendResponseHeaders(reply.status(), noBody ? -1 : answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                if (!noBody) {
                    out.write(answer);
                }
            }
        } catch (IOException clientGone) {
            // the sender gave up (timeout): nothing to answer
        }
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String path(String url) {
        return URI.create(url).getPath();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
