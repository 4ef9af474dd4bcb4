package dev.tidings.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpServer;
import dev.tidings.support.KafkaBroker;
import dev.tidings.support.PostgresServer;
import dev.tidings.support.ServiceProcess;
import dev.tidings.support.SseClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

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
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The benchmark run behind {@code bench/run}: starts PostgreSQL, Kafka, the packaged service and a fast
 * webhook receiver on this machine, runs each scenario after a warm-up, measures a raw baseline of the
 * same work in the same run, and writes {@code bench/results/<date>[-quick].json} and {@code .md}.
 */
public final class Bench {

    static final String KEY = "bench-key";
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final String ORDER = "{\"customerId\":\"bench\",\"currency\":\"EUR\",\"items\":[{\"sku\":\"MUG-1\",\"quantity\":2,\"unitPrice\":12.50}]}";

    /** Sizes of the scenarios; the quick plan finishes in about three minutes. */
    record Plan(String name, Duration ingest, int concurrency, int rate, Duration latencyRun, int drainRows,
                int deliveries, List<Integer> sseConnections) {
        // The fixed rate stays below what P1 measured this machine sustains, so P2 measures latency, not a backlog.
        static final Plan QUICK = new Plan("quick", Duration.ofSeconds(10), 16, 100, Duration.ofSeconds(10), 20_000, 10_000, List.of(200, 500));
        static final Plan FULL = new Plan("full", Duration.ofSeconds(45), 16, 100, Duration.ofSeconds(60), 100_000, 50_000, List.of(1_000, 2_000, 4_000));
    }

    private final Plan plan;
    private final Map<String, Object> report = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private PostgresServer postgres;
    private KafkaBroker kafka;
    private ServiceProcess service;

    private Bench(Plan plan) {
        this.plan = plan;
    }

    public static void main(String[] args) throws Exception {
        Plan plan = List.of(args).contains("--quick") ? Plan.QUICK : Plan.FULL;
        new Bench(plan).run();
        System.exit(0);
    }

    private void run() throws Exception {
        Instant started = Instant.now();
        report.put("plan", plan.name());
        report.put("date", LocalDate.now().toString());
        report.put("machine", machine());
        Path work = Files.createTempDirectory("tidings-bench");
        postgres = PostgresServer.start(null, 0);
        kafka = KafkaBroker.start(work.resolve("kafka"), 0, 0);
        try (Receiver receiver = Receiver.start()) {
            startup();
            ingest();
            latency(receiver);
            relayDrain();
            webhookThroughput(receiver);
            sseFanOut();
            report.put("rss_under_load_mb", rssMb());
            report.put("total_seconds", Duration.between(started, Instant.now()).toSeconds());
            service.stop();
        } finally {
            kafka.close();
            postgres.close();
        }
        Path results = Path.of("bench", "results");
        Files.createDirectories(results);
        String base = report.get("date") + (plan == Plan.QUICK ? "-quick" : "");
        Files.writeString(results.resolve(base + ".json"), JSON.writeValueAsString(report));
        Files.writeString(results.resolve(base + ".md"), Markdown.of(report));
        System.out.println(Markdown.of(report));
    }

    // P6: startup and memory --------------------------------------------------------------------

    private void startup() throws Exception {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("QUARKUS_DATASOURCE_JDBC_URL", postgres.jdbcUrl());
        env.put("QUARKUS_DATASOURCE_REACTIVE_URL", postgres.reactiveUrl());
        env.put("QUARKUS_DATASOURCE_USERNAME", PostgresServer.USER);
        env.put("QUARKUS_DATASOURCE_PASSWORD", "postgres");
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("EVENTS_AUTH_API_KEYS", KEY);
        env.put("EVENTS_WEBHOOKS_ALLOW_HTTP", "true");
        env.put("EVENTS_WEBHOOKS_ALLOW_PRIVATE_TARGETS", "true");
        env.put("QUARKUS_LOG_LEVEL", "WARN");
        String recording = System.getenv("BENCH_SERVICE_JFR"); // profile the service: a JFR file name
        if (recording != null) {
            env.put("JAVA_TOOL_OPTIONS", "-XX:StartFlightRecording=filename=" + recording + ",settings=profile");
        }
        long t0 = System.nanoTime();
        service = ServiceProcess.start(env, 0, "/q/health/ready", Path.of("target", "bench-service.log"));
        Map<String, Object> p6 = new LinkedHashMap<>();
        p6.put("jvm_start_to_ready_ms", (System.nanoTime() - t0) / 1_000_000);
        p6.put("rss_idle_mb", rssMb());
        report.put("P6_startup_memory", p6);
    }

    // P1: ingest ---------------------------------------------------------------------------------

    private void ingest() throws Exception {
        closedLoop(Duration.ofSeconds(5), plan.concurrency()); // warm-up
        Measurements latencies = new Measurements();
        long requests = closedLoop(plan.ingest(), plan.concurrency(), latencies);
        double ours = requests / (double) plan.ingest().toSeconds();
        Map<String, Object> baseline = Pgbench.run(postgres, plan.concurrency(), plan.ingest());
        Map<String, Object> p1 = new LinkedHashMap<>();
        p1.put("concurrency", plan.concurrency());
        p1.put("ours_orders_per_s", Measurements.round(ours));
        p1.put("ours_latency", latencies.summary());
        p1.put("baseline", "pgbench, the same two-row transaction (order + outbox row), same concurrency and duration");
        p1.put("baseline_tps", baseline.get("tps"));
        p1.put("baseline_latency_avg_ms", baseline.get("latency_avg_ms"));
        p1.put("ratio_throughput", Measurements.round(ours / (double) baseline.get("tps")));
        report.put("P1_ingest", p1);
    }

    private long closedLoop(Duration duration, int concurrency) throws Exception {
        return closedLoop(duration, concurrency, new Measurements());
    }

    private long closedLoop(Duration duration, int concurrency, Measurements latencies) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        AtomicLong done = new AtomicLong();
        long end = System.nanoTime() + duration.toNanos();
        List<java.util.concurrent.Future<?>> workers = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            workers.add(pool.submit(() -> {
                while (System.nanoTime() < end) {
                    long t = System.nanoTime();
                    HttpResponse<Void> response = http.send(order(), HttpResponse.BodyHandlers.discarding());
                    if (response.statusCode() != 201) {
                        throw new IllegalStateException("POST /orders answered " + response.statusCode());
                    }
                    latencies.add((System.nanoTime() - t) / 1e6);
                    done.incrementAndGet();
                }
                return null;
            }));
        }
        for (var worker : workers) {
            worker.get();
        }
        pool.shutdown();
        return done.get();
    }

    private HttpRequest order() {
        return HttpRequest.newBuilder(URI.create(service.baseUri() + "/orders")).header("Authorization", "Bearer " + KEY)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(ORDER)).build();
    }

    // P2: end-to-end latency at a fixed rate ---------------------------------------------------------

    private void latency(Receiver receiver) throws Exception {
        String webhookId = subscribe(receiver.url("/latency"), "order.created");
        Measurements kafkaLatency = new Measurements();
        Measurements webhookLatency = receiver.track("/latency");
        try (SseClient stream = SseClient.connect(service.port(), "/events/stream?types=order.created",
                Map.of("Authorization", "Bearer " + KEY));
             KafkaTail tail = KafkaTail.fromEnd(kafka.bootstrapServers(), "events.order", kafkaLatency)) {
            int before = stream.events().size();
            fixedRate(plan.rate(), plan.latencyRun());
            Thread.sleep(3000); // let the last events arrive before reading the samples
            Measurements sseLatency = new Measurements();
            for (SseClient.Frame frame : stream.events().subList(before, stream.events().size())) {
                sseLatency.add(Duration.between(timestamp(frame.data()), frame.at()).toNanos() / 1e6);
            }
            Measurements raw = KafkaTail.rawRoundTrip(kafka.bootstrapServers(), plan.rate(), plan.latencyRun());
            Map<String, Object> p2 = new LinkedHashMap<>();
            p2.put("rate_per_s", plan.rate());
            p2.put("seconds", plan.latencyRun().toSeconds());
            p2.put("commit_to_kafka", kafkaLatency.summary());
            p2.put("commit_to_webhook", webhookLatency.summary());
            p2.put("commit_to_sse", sseLatency.summary());
            p2.put("baseline", "plain KafkaProducer -> KafkaConsumer round trip, same rate");
            p2.put("baseline_kafka_round_trip", raw.summary());
            p2.put("ratio_p99_kafka", ratio(kafkaLatency, raw));
            report.put("P2_latency", p2);
        }
        unsubscribe(webhookId);
    }

    private static Object ratio(Measurements ours, Measurements baseline) {
        Object a = ours.summary().get("p99_ms");
        Object b = baseline.summary().get("p99_ms");
        return a == null || b == null || (double) b == 0 ? null : Measurements.round((double) a / (double) b);
    }

    private void fixedRate(int perSecond, Duration duration) throws InterruptedException {
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        long periodMicros = 1_000_000L / perSecond;
        AtomicLong failures = new AtomicLong();
        ticker.scheduleAtFixedRate(() -> http.sendAsync(order(), HttpResponse.BodyHandlers.discarding())
                .whenComplete((r, e) -> {
                    if (e != null || r.statusCode() != 201) {
                        failures.incrementAndGet();
                    }
                }), 0, periodMicros, TimeUnit.MICROSECONDS);
        Thread.sleep(duration.toMillis()); // the run's length: the load is the measurement here
        ticker.shutdownNow();
        if (failures.get() > 0) {
            System.err.println(failures.get() + " requests failed during the fixed-rate run");
        }
    }

    static Instant timestamp(String envelope) {
        int at = envelope.indexOf("\"timestamp\":\"") + 13;
        return Instant.parse(envelope.substring(at, envelope.indexOf('"', at)));
    }

    // P3: relay drain ----------------------------------------------------------------------------------

    private void relayDrain() throws Exception {
        int rows = plan.drainRows();
        Duration ours;
        try (Connection sql = DriverManager.getConnection(postgres.jdbcUrl(), PostgresServer.USER, "postgres")) {
            try (Connection stalledRelay = DriverManager.getConnection(postgres.jdbcUrl(), PostgresServer.USER, "postgres")) {
                stalledRelay.setAutoCommit(false);
                stalledRelay.createStatement().executeQuery("select 1 from relay_cursor where id = 1 for update").close();
                sql.createStatement().execute("""
                        with bulk as (select gen_random_uuid() as id, i, now() as at from generate_series(1, %d) as i)
                        insert into outbox (event_id, event_type, version, source, subject, occurred_at, envelope)
                        select id, 'bench.loaded', 1, 'bench', 'bench/' || (i %% 1000), at, json_build_object('eventId', id,
                          'eventType', 'bench.loaded', 'version', 1,
                          'timestamp', to_char(at at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                          'source', 'bench', 'subject', 'bench/' || (i %% 1000),
                          'data', json_build_object('filler', repeat('x', 300)))::text
                        from bulk""".formatted(rows));
                stalledRelay.rollback();
            }
            long t0 = System.nanoTime();
            while (count(sql, "select count(*) from outbox where sequence is null") > 0) {
                Thread.sleep(20); // poll interval of the drain clock
            }
            ours = Duration.ofNanos(System.nanoTime() - t0);
        }
        Duration baseline = KafkaTail.produce(kafka.bootstrapServers(), "bench.raw-drain", rows, 400);
        Map<String, Object> p3 = new LinkedHashMap<>();
        p3.put("rows", rows);
        p3.put("ours_seconds", Measurements.round(ours.toMillis() / 1000.0));
        p3.put("ours_events_per_s", Measurements.round(rows / (ours.toMillis() / 1000.0)));
        p3.put("baseline", "plain KafkaProducer (acks=all, idempotent), same record count and size");
        p3.put("baseline_seconds", Measurements.round(baseline.toMillis() / 1000.0));
        p3.put("ratio_time", Measurements.round(ours.toMillis() / (double) Math.max(1, baseline.toMillis())));
        report.put("P3_relay_drain", p3);
    }

    // P4: webhook delivery throughput --------------------------------------------------------------------

    private void webhookThroughput(Receiver receiver) throws Exception {
        int deliveries = plan.deliveries();
        String webhookId = subscribe(receiver.url("/throughput"), "bench.nothing");
        Duration ours;
        try (Connection sql = DriverManager.getConnection(postgres.jdbcUrl(), PostgresServer.USER, "postgres")) {
            sql.createStatement().execute("""
                    insert into webhook_delivery (id, webhook_id, event_id, event_type, status, attempts, next_attempt_at, created_at)
                    select gen_random_uuid(), '%s', event_id, event_type, 'pending', 0, now(), now()
                    from outbox where event_type = 'bench.loaded' limit %d""".formatted(webhookId, deliveries));
            long t0 = System.nanoTime();
            while (count(sql, "select count(*) from webhook_delivery where webhook_id = '" + webhookId + "' and status = 'pending'") > 0) {
                Thread.sleep(50); // poll interval of the delivery clock
            }
            ours = Duration.ofNanos(System.nanoTime() - t0);
        }
        String body = "{\"eventId\":\"00000000-0000-7000-8000-000000000000\",\"eventType\":\"bench.loaded\",\"version\":1,"
                + "\"timestamp\":\"2026-01-01T00:00:00.000Z\",\"source\":\"bench\",\"subject\":\"bench/1\",\"data\":{\"filler\":\""
                + "x".repeat(300) + "\"}}";
        Duration baseline = receiver.blast("/baseline", body, deliveries, 64);
        Map<String, Object> p4 = new LinkedHashMap<>();
        p4.put("deliveries", deliveries);
        p4.put("ours_per_s", Measurements.round(deliveries / (ours.toMillis() / 1000.0)));
        p4.put("baseline", "java.net.http client posting the same body to the same receiver, 64 concurrent");
        p4.put("baseline_per_s", Measurements.round(deliveries / (baseline.toMillis() / 1000.0)));
        p4.put("ratio_throughput", Measurements.round(baseline.toMillis() / (double) Math.max(1, ours.toMillis())));
        report.put("P4_webhook_throughput", p4);
        unsubscribe(webhookId);
    }

    // P5: SSE fan-out ----------------------------------------------------------------------------------

    private void sseFanOut() throws Exception {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int n : plan.sseConnections()) {
            List<SseClient> clients = new ArrayList<>();
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("connections", n);
            try {
                for (int i = 0; i < n; i++) {
                    clients.add(SseClient.connect(service.port(), "/events/stream?types=order.created", Map.of("Authorization", "Bearer " + KEY)));
                }
                row.put("held", metric("events_sse_connections"));
                for (int i = 0; i < 10; i++) {
                    http.send(order(), HttpResponse.BodyHandlers.discarding());
                }
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (clients.stream().anyMatch(c -> c.events().size() < 10) && System.nanoTime() < deadline) {
                    Thread.sleep(50); // poll for the broadcast to complete
                }
                Measurements broadcast = new Measurements();
                clients.forEach(c -> c.events().forEach(f -> broadcast.add(Duration.between(timestamp(f.data()), f.at()).toNanos() / 1e6)));
                row.put("frames_received", broadcast.count());
                row.put("broadcast_latency", broadcast.summary());
                row.put("heap_used_mb", Measurements.round(heapBytes() / 1048576.0));
                row.put("rss_mb", rssMb());
            } catch (IOException | RuntimeException e) {
                row.put("failed_at", clients.size());
                row.put("failure", e.toString());
            } finally {
                for (SseClient client : clients) {
                    client.close();
                }
            }
            rows.add(row);
        }
        report.put("P5_sse_fan_out", rows);
    }

    // helpers ------------------------------------------------------------------------------------------

    private String subscribe(String url, String eventType) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(service.baseUri() + "/webhooks"))
                .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"url\":\"" + url + "\",\"eventTypes\":[\"" + eventType + "\"]}")).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body()).get("id").asText();
    }

    private void unsubscribe(String webhookId) throws Exception {
        http.send(HttpRequest.newBuilder(URI.create(service.baseUri() + "/webhooks/" + webhookId))
                .header("Authorization", "Bearer " + KEY).DELETE().build(), HttpResponse.BodyHandlers.discarding());
    }

    private static long count(Connection sql, String query) throws Exception {
        try (Statement statement = sql.createStatement(); ResultSet rows = statement.executeQuery(query)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private double metric(String name) throws Exception {
        String text = http.send(HttpRequest.newBuilder(URI.create(service.baseUri() + "/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return text.lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private double heapBytes() throws Exception {
        String text = http.send(HttpRequest.newBuilder(URI.create(service.baseUri() + "/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return text.lines().filter(l -> l.startsWith("jvm_memory_used_bytes{area=\"heap\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private double rssMb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(service.process().pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Measurements.round(Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0);
            }
        }
        return -1;
    }

    private static Map<String, Object> machine() throws IOException {
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("memory_gb", Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal:"))
                .map(l -> Measurements.round(Long.parseLong(l.replaceAll("[^0-9]", "")) / 1048576.0)).findFirst().orElse(null));
        machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        machine.put("quarkus", "3.33.2");
        machine.put("postgresql", "17.5 (embedded binaries)");
        machine.put("kafka", "4.1.2 (KRaft, single node)");
        machine.put("note", "service, PostgreSQL, Kafka, receiver and load generators share this machine");
        return machine;
    }

    /** A fast webhook receiver: answers 200 at once and keeps only arrival latencies. */
    static final class Receiver implements AutoCloseable {
        private final HttpServer server;
        private final Map<String, Measurements> tracked = new java.util.concurrent.ConcurrentHashMap<>();
        private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        private Receiver(HttpServer server) {
            this.server = server;
        }

        static Receiver start() throws IOException {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
            Receiver receiver = new Receiver(server);
            server.createContext("/", exchange -> {
                Instant at = Instant.now();
                byte[] body;
                try (InputStream in = exchange.getRequestBody()) {
                    body = in.readAllBytes();
                }
                Measurements latency = receiver.tracked.get(exchange.getRequestURI().getPath());
                if (latency != null) {
                    latency.add(Duration.between(timestamp(new String(body, StandardCharsets.UTF_8)), at).toNanos() / 1e6);
                }
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
            });
            server.setExecutor(Executors.newFixedThreadPool(32));
            server.start();
            return receiver;
        }

        String url(String path) {
            return "http://127.0.0.1:" + server.getAddress().getPort() + path;
        }

        Measurements track(String path) {
            return tracked.computeIfAbsent(path, p -> new Measurements());
        }

        /** The baseline sender: {@code count} POSTs of {@code body}, {@code concurrency} at a time. */
        Duration blast(String path, String body, int count, int concurrency) throws Exception {
            ExecutorService pool = Executors.newFixedThreadPool(concurrency);
            AtomicLong left = new AtomicLong(count);
            AtomicBoolean failed = new AtomicBoolean();
            HttpRequest request = HttpRequest.newBuilder(URI.create(url(path))).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            long t0 = System.nanoTime();
            List<java.util.concurrent.Future<?>> workers = new ArrayList<>();
            for (int i = 0; i < concurrency; i++) {
                workers.add(pool.submit(() -> {
                    while (left.decrementAndGet() >= 0) {
                        if (client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() != 200) {
                            failed.set(true);
                        }
                    }
                    return null;
                }));
            }
            for (var worker : workers) {
                worker.get();
            }
            pool.shutdown();
            if (failed.get()) {
                throw new IllegalStateException("The baseline sender got non-200 answers");
            }
            return Duration.ofNanos(System.nanoTime() - t0);
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    /** Plain Kafka clients: the baselines, and a consumer that measures commit-to-Kafka latency. */
    static final class KafkaTail implements AutoCloseable {
        private final KafkaConsumer<String, String> consumer;
        private final Thread thread;
        private final AtomicBoolean running = new AtomicBoolean(true);

        private KafkaTail(KafkaConsumer<String, String> consumer, Measurements latency) {
            this.consumer = consumer;
            this.thread = new Thread(() -> {
                while (running.get()) {
                    for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                        latency.add(Duration.between(timestamp(record.value()), Instant.now()).toNanos() / 1e6);
                    }
                }
                consumer.close();
            });
        }

        static KafkaTail fromEnd(String bootstrap, String topic, Measurements latency) {
            KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps(bootstrap));
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            KafkaTail tail = new KafkaTail(consumer, latency);
            tail.thread.start();
            return tail;
        }

        /** The raw round trip: produce at the rate, consume, latency from send to receive. */
        static Measurements rawRoundTrip(String bootstrap, int perSecond, Duration duration) throws Exception {
            String topic = "bench.raw-latency";
            Measurements latency = new Measurements();
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps(bootstrap))) {
                producer.send(new ProducerRecord<>(topic, "warm", "{\"timestamp\":\"" + Instant.now() + "\"}")).get();
                try (KafkaTail tail = fromEnd(bootstrap, topic, latency)) {
                    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
                    ticker.scheduleAtFixedRate(() -> producer.send(new ProducerRecord<>(topic, "k",
                                    "{\"timestamp\":\"" + Instant.now() + "\",\"data\":\"" + "x".repeat(300) + "\"}")),
                            0, 1_000_000L / perSecond, TimeUnit.MICROSECONDS);
                    Thread.sleep(duration.toMillis()); // the run's length
                    ticker.shutdownNow();
                    Thread.sleep(2000); // let the last records arrive
                }
            }
            return latency;
        }

        /** The raw producer baseline: {@code count} records of {@code size} bytes, until all are acknowledged. */
        static Duration produce(String bootstrap, String topic, int count, int size) throws Exception {
            String value = "x".repeat(size);
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps(bootstrap))) {
                producer.send(new ProducerRecord<>(topic, "warm", value)).get();
                long t0 = System.nanoTime();
                for (int i = 0; i < count; i++) {
                    producer.send(new ProducerRecord<>(topic, "bench/" + (i % 1000), value));
                }
                producer.flush();
                return Duration.ofNanos(System.nanoTime() - t0);
            }
        }

        private static Properties producerProps(String bootstrap) {
            Properties props = new Properties();
            props.put("bootstrap.servers", bootstrap);
            props.put("acks", "all");
            props.put("enable.idempotence", "true");
            props.put("linger.ms", "5");
            props.put("key.serializer", StringSerializer.class.getName());
            props.put("value.serializer", StringSerializer.class.getName());
            return props;
        }

        private static Properties consumerProps(String bootstrap) {
            Properties props = new Properties();
            props.put("bootstrap.servers", bootstrap);
            props.put("enable.auto.commit", "false");
            props.put("key.deserializer", StringDeserializer.class.getName());
            props.put("value.deserializer", StringDeserializer.class.getName());
            return props;
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(5000);
        }
    }
}
