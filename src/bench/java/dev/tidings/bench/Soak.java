package dev.tidings.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpServer;
import dev.tidings.support.KafkaBroker;
import dev.tidings.support.PostgresServer;
import dev.tidings.support.ServiceProcess;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The soak run ({@code bench/run --soak=<minutes>}, not part of verify): orders at half the ingest rate
 * measured at its start with the streams open, 1,000 SSE clients, a webhook receiver that fails 10% of its requests, and a
 * retention short enough to act within the run. Every minute it samples heap, RSS, open connections
 * and file descriptors, table sizes and lag; at the end it checks that every acknowledged order's event
 * reached the stream and that every one reached the receiver or the dead-letter queue.
 */
final class Soak {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Pattern EVENT_ID = Pattern.compile("\"eventId\":\"([0-9a-f-]{36})\"");
    private static final int STREAMS = 1000;
    private static final double RECEIVER_FAILURES = 0.10;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final Map<String, Object> report = new LinkedHashMap<>();
    private final List<Map<String, Object>> samples = new ArrayList<>();
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final Set<String> streamed = ConcurrentHashMap.newKeySet();
    private final Set<String> received = ConcurrentHashMap.newKeySet();
    private final AtomicLong framesOnAllStreams = new AtomicLong();
    private final AtomicLong refusedWrites = new AtomicLong();
    private ServiceProcess service;
    private PostgresServer postgres;

    static void run(Duration length) throws Exception {
        new Soak().soak(length);
    }

    private void soak(Duration length) throws Exception {
        Path work = Files.createTempDirectory("tidings-soak");
        postgres = PostgresServer.start(null, 0);
        KafkaBroker kafka = KafkaBroker.start(work.resolve("kafka"), 0, 0);
        HttpServer receiver = receiver();
        try {
            Map<String, String> env = Bench.serviceEnvironment(postgres, kafka);
            env.put("EVENTS_WEBHOOKS_RETRY_SCHEDULE", "1s,2s,4s");
            env.put("EVENTS_RETENTION_EVENTS", "5m");
            env.put("EVENTS_RETENTION_DELIVERIES", "5m");
            env.put("EVENTS_LIMITS_STREAMS_PER_KEY", Integer.toString(STREAMS + 10));
            service = ServiceProcess.start(env, 0, "/q/health/ready", Path.of("target", "soak-service.log"));
            post("/webhooks", "{\"url\":\"http://127.0.0.1:" + receiver.getAddress().getPort() + "/soak\",\"eventTypes\":[\"order.created\"]}");

            for (int i = 0; i < STREAMS; i++) {
                stream(i == 0);
            }
            // measured with the streams open: each event is also a frame to every one of them
            int rate = Math.max(1, (int) (ingestRate() / 2));
            streamed.clear();
            report.put("date", LocalDate.now().toString());
            report.put("minutes", length.toMinutes());
            report.put("orders_per_s", rate);
            report.put("sse_clients", STREAMS);
            report.put("receiver_failure_rate", RECEIVER_FAILURES);
            report.put("retention", "events 5m, deliveries 5m");

            ScheduledExecutorService load = Executors.newScheduledThreadPool(2);
            load.scheduleAtFixedRate(this::placeOrder, 0, 1_000_000L / rate, TimeUnit.MICROSECONDS);
            Instant end = Instant.now().plus(length);
            while (Instant.now().isBefore(end)) {
                Thread.sleep(Duration.ofMinutes(1).toMillis()); // one sample a minute
                sample();
            }
            load.shutdownNow();
            load.awaitTermination(10, TimeUnit.SECONDS);
            Thread.sleep(30_000); // the last events and retries (1s, 2s, 4s) settle
            sample();
            verdict();
        } finally {
            if (service != null) {
                service.stop();
            }
            receiver.stop(0);
            kafka.close();
            postgres.close();
        }
        Path results = Path.of("bench", "results");
        Files.createDirectories(results);
        String base = LocalDate.now() + "-soak";
        Files.writeString(results.resolve(base + ".json"), JSON.writeValueAsString(report));
        Files.writeString(results.resolve(base + ".md"), markdown());
        System.out.println(markdown());
    }

    /** The closed-loop ingest rate over 20 seconds, 16 concurrent: the soak runs at half of it. */
    private double ingestRate() throws Exception {
        AtomicLong done = new AtomicLong();
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            Thread worker = new Thread(() -> {
                while (System.nanoTime() < end) {
                    try {
                        if (http.send(order(), HttpResponse.BodyHandlers.discarding()).statusCode() == 201) {
                            done.incrementAndGet();
                        }
                    } catch (IOException | InterruptedException e) {
                        return;
                    }
                }
            });
            worker.start();
            workers.add(worker);
        }
        for (Thread worker : workers) {
            worker.join();
        }
        double measured = done.get() / 20.0;
        report.put("measured_ingest_orders_per_s", Measurements.round(measured));
        return measured;
    }

    private void placeOrder() {
        http.sendAsync(order(), HttpResponse.BodyHandlers.ofString()).whenComplete((response, failure) -> {
            if (failure == null && response.statusCode() == 201) {
                Matcher id = Pattern.compile("\"id\":\"([0-9a-f-]{36})\"").matcher(response.body());
                if (id.find()) {
                    acknowledged.add(id.group(1));
                }
            } else {
                refusedWrites.incrementAndGet();
            }
        });
    }

    private HttpRequest order() {
        return HttpRequest.newBuilder(URI.create(service.baseUri() + "/orders")).header("Authorization", "Bearer " + Bench.KEY)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(Bench.ORDER)).build();
    }

    /** An SSE client that only counts frames; the first one also remembers the order of every event it saw. */
    private void stream(boolean remember) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(service.baseUri() + "/events/stream?types=order.created"))
                .header("Authorization", "Bearer " + Bench.KEY).header("Accept", "text/event-stream").build();
        http.sendAsync(request, HttpResponse.BodyHandlers.ofLines()).thenAccept(response -> response.body().forEach(line -> {
            if (line.startsWith("data:")) {
                framesOnAllStreams.incrementAndGet();
                if (remember) {
                    Matcher order = Pattern.compile("\"orderId\":\"([0-9a-f-]{36})\"").matcher(line);
                    if (order.find()) {
                        streamed.add(order.group(1));
                    }
                }
            }
        }));
    }

    /** The receiver: fails 10% of the requests at random; remembers which orders it accepted. */
    private HttpServer receiver() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        Pattern orderId = Pattern.compile("\"orderId\":\"([0-9a-f-]{36})\"");
        server.createContext("/", exchange -> {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            boolean fail = ThreadLocalRandom.current().nextDouble() < RECEIVER_FAILURES;
            if (!fail) {
                Matcher order = orderId.matcher(new String(body, StandardCharsets.UTF_8));
                if (order.find()) {
                    received.add(order.group(1));
                }
            }
            exchange.sendResponseHeaders(fail ? 500 : 200, -1);
            exchange.close();
        });
        server.setExecutor(Executors.newFixedThreadPool(16));
        server.start();
        return server;
    }

    private void sample() throws Exception {
        Map<String, Object> sample = new LinkedHashMap<>();
        sample.put("at", Instant.now().toString());
        String metrics = http.send(HttpRequest.newBuilder(URI.create(service.baseUri() + "/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        sample.put("heap_used_mb", Measurements.round(sum(metrics, "jvm_memory_used_bytes{area=\"heap\"") / 1048576.0));
        sample.put("rss_mb", Bench.rssMb(service));
        sample.put("open_fds", fileDescriptors());
        sample.put("sse_connections", sum(metrics, "events_sse_connections"));
        try (Connection sql = DriverManager.getConnection(postgres.jdbcUrl(), PostgresServer.USER, "postgres")) {
            sample.put("db_connections", count(sql, "select count(*) from pg_stat_activity where datname = 'tidings'"));
            for (String table : List.of("outbox", "webhook_delivery", "webhook_attempt", "dead_letter")) {
                sample.put(table + "_rows", count(sql, "select count(*) from " + table));
                sample.put(table + "_mb", Measurements.round(count(sql, "select pg_total_relation_size('" + table + "')") / 1048576.0));
            }
            sample.put("unpublished", count(sql, "select count(*) from outbox where sequence is null"));
            sample.put("due_deliveries", count(sql, "select count(*) from webhook_delivery where status = 'pending' and next_attempt_at < now()"));
            sample.put("dead_letters", count(sql, "select count(*) from dead_letter"));
            try (Statement statement = sql.createStatement();
                 ResultSet dead = statement.executeQuery("select (envelope::jsonb -> 'data' ->> 'orderId') from dead_letter d "
                         + "join outbox o on o.event_id = d.event_id")) {
                while (dead.next()) {
                    received.add(dead.getString(1)); // dead-lettered: ended, as a delivery may
                }
            }
        }
        sample.put("acknowledged_orders", acknowledged.size());
        sample.put("frames_on_all_streams", framesOnAllStreams.get());
        samples.add(sample);
        report.put("samples", samples);
        System.out.println(sample);
    }

    private void verdict() {
        Map<String, Object> verdict = new LinkedHashMap<>();
        long missingOnStream = acknowledged.stream().filter(id -> !streamed.contains(id)).count();
        long missingAtReceiver = acknowledged.stream().filter(id -> !received.contains(id)).count();
        verdict.put("acknowledged_orders", acknowledged.size());
        verdict.put("refused_or_failed_writes", refusedWrites.get());
        verdict.put("missing_on_stream", missingOnStream);
        verdict.put("neither_delivered_nor_dead_lettered", missingAtReceiver);
        report.put("verdict", verdict);
    }

    private String markdown() {
        StringBuilder md = new StringBuilder("Soak run ").append(report.get("date")).append(": ").append(report.get("minutes"))
                .append(" minutes at ").append(report.get("orders_per_s")).append(" orders/s (half of the measured ")
                .append(report.get("measured_ingest_orders_per_s")).append("/s), ").append(STREAMS)
                .append(" SSE clients, a receiver failing 10%, retention ").append(report.get("retention")).append(".\n\n")
                .append("| minute | heap MB | RSS MB | fds | SSE | DB conns | outbox rows | attempts rows | unpublished | due deliveries |\n")
                .append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
        for (int i = 0; i < samples.size(); i++) {
            Map<String, Object> s = samples.get(i);
            md.append("| ").append(i + 1).append(" | ").append(s.get("heap_used_mb")).append(" | ").append(s.get("rss_mb"))
                    .append(" | ").append(s.get("open_fds")).append(" | ").append(s.get("sse_connections")).append(" | ")
                    .append(s.get("db_connections")).append(" | ").append(s.get("outbox_rows")).append(" | ")
                    .append(s.get("webhook_attempt_rows")).append(" | ").append(s.get("unpublished")).append(" | ")
                    .append(s.get("due_deliveries")).append(" |\n");
        }
        md.append("\nVerdict: ").append(report.get("verdict")).append('\n');
        return md.toString();
    }

    private void post(String path, String body) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(service.baseUri() + path))
                .header("Authorization", "Bearer " + Bench.KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new IllegalStateException("POST " + path + " answered " + response.statusCode());
        }
    }

    private static double sum(String metrics, String prefix) {
        return metrics.lines().filter(l -> l.startsWith(prefix + " ") || l.startsWith(prefix + "{") || l.startsWith(prefix + ","))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private long fileDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(service.process().pid()), "fd"))) {
            return fds.count();
        }
    }

    private static long count(Connection sql, String query) throws Exception {
        try (Statement statement = sql.createStatement(); ResultSet rows = statement.executeQuery(query)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
