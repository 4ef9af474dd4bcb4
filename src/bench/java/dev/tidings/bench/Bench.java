package dev.tidings.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpServer;
import dev.tidings.support.KafkaBroker;
import dev.tidings.support.PostgresServer;
import dev.tidings.support.ServiceProcess;
import dev.tidings.support.SseClient;
import dev.tidings.support.TestInfrastructure;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The benchmark run behind {@code bench/run}: starts PostgreSQL, Kafka, the packaged service and a fast
 * webhook receiver on this machine, runs each scenario after a warm-up, measures a raw baseline of the
 * same work in the same run, and writes {@code bench/results/<date>[-quick].json} and {@code .md}.
 */
public final class Bench {

    static final String KEY = "bench-key";
    /** The framework's ingest ceiling, served when the service runs with events.benchmark.ingest-ceiling. */
    static final String CEILING = "/benchmark/ingest-ceiling";
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final String ORDER = "{\"customerId\":\"bench\",\"currency\":\"EUR\",\"items\":[{\"sku\":\"MUG-1\",\"quantity\":2,\"unitPrice\":12.50}]}";

    /** Sizes of the scenarios; the quick plan runs about 15 minutes here, most of it warming up. */
    record Plan(String name, Duration ingest, int concurrency, Duration latencyRun, int drainRows,
                int deliveries, List<Integer> sseConnections, int fairnessDeliveries) {
        // P7's deliveries (at most drainRows: they reuse P3's events) last several of its attempt timeouts.
        static final Plan QUICK = new Plan("quick", Duration.ofSeconds(10), 16, Duration.ofSeconds(10), 20_000, 10_000,
                List.of(1_000, 5_000), 6_000);
        static final Plan FULL = new Plan("full", Duration.ofSeconds(45), 16, Duration.ofSeconds(60), 100_000, 50_000,
                List.of(5_000, 19_000), 50_000);
    }

    /** P1's warm-up: windows of this length until two agree, at most the limit. */
    static final Duration WARM_UP_WINDOW = Duration.ofSeconds(10);
    static final Duration WARM_UP_LIMIT = Duration.ofSeconds(120);
    /** P1's and P2's warm-ups also wait for the JIT compilers: until they work at most this share of a window, at most their limit. */
    static final double JIT_SETTLED = 0.1;
    static final Duration JIT_WARM_UP_LIMIT = Duration.ofSeconds(180);
    /**
     * P2's warm-up compiles the delivery and stream paths on top of P1's: within 3 minutes the service's compilers
     * settled only in their last window, or not at all (still a third of its last window in one full run).
     */
    static final Duration LATENCY_JIT_WARM_UP_LIMIT = Duration.ofSeconds(240);
    /** A request that takes longer fails the run rather than hanging it. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** P2's warm-up of the delivery and stream paths, at its first rate (a higher one may leave a backlog). */
    static final Duration LATENCY_WARM_UP = Duration.ofSeconds(30);
    /** P2's fixed rates, as fractions of the ingest capacity P1 measured in the same run (BENCH_LATENCY_FRACTIONS: others). */
    static final List<Double> LATENCY_FRACTIONS = Optional.ofNullable(System.getenv("BENCH_LATENCY_FRACTIONS"))
            .map(f -> Arrays.stream(f.split(",")).map(Double::valueOf).toList()).orElse(List.of(0.2, 0.5));
    /** P8: accounts, each with its key and this many subscriptions. */
    static final int ACCOUNTS = 1_000;
    static final int SUBSCRIPTIONS_PER_ACCOUNT = 10;

    /** P5: the stream every SSE client opens, the orders broadcast to them all, and why its sizes stop where they do. */
    static final String SSE_PATH = "/events/stream?types=order.created";
    static final int SSE_ORDERS = 10;
    /**
     * P5's warm-up before its measured broadcasts, bursts of {@link #SSE_ORDERS} until the JIT compilers settle: in runs
     * of P5 alone the streams' first event took 1.6 to 1.8 s to reach 20,000 streams over HTTP/2 (the compilers at
     * work), one after two bursts 0.2 to 0.5 s.
     */
    static final Duration SSE_WARM_UP_LIMIT = Duration.ofSeconds(90);
    static final String SSE_LIMITS = "Every process here may hold at most 20,000 open files (RLIMIT_NOFILE hard limit, not raisable), "
            + "so the service holds at most 20,000 sockets less its own files (service_open_files shows the total), and the "
            + "clients are spread over child processes of at most " + SseFleet.PER_PROCESS + " streams each; all connect from "
            + "127.0.0.1 through the ephemeral ports 32768-60999 (28,232). Over HTTP/1.1 each stream is a socket, so 20,000 "
            + "streams do not fit; over HTTP/2 a connection carries " + Http2SseLoad.STREAMS_PER_CONNECTION + " streams. "
            + "events.limits.streams-per-instance is 20,000.";

    /** P7's service: attempts bounded by a short timeout, so the stuck receiver's attempts keep cycling during the run. */
    static final Duration FAIRNESS_TIMEOUT = Duration.ofSeconds(2);
    static final int FAIRNESS_CONCURRENCY = 64;
    static final int FAIRNESS_PER_SUBSCRIPTION = 8;
    static final int STUCK_BACKLOG = 20_000;
    /** Runs alone and beside the stuck subscription, alternating: the runs here drift (most got faster as P7 went on). */
    static final int FAIRNESS_ROUNDS = 5;

    private final Plan plan;
    /** Scenarios chosen with --only (empty: every one); such a partial run writes its results under target/. */
    private final Set<String> only;
    private final Map<String, Object> report = new LinkedHashMap<>();
    private HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private PostgresServer postgres;
    private KafkaBroker kafka;
    private ServiceProcess service;
    /** BENCH_TRACING=off runs the service without the OpenTelemetry SDK: what tracing costs is the difference. */
    private static final boolean TRACING_OFF = "off".equals(System.getenv("BENCH_TRACING"));
    /**
     * BENCH_FSYNC=on runs PostgreSQL with its commits flushed to disk, as in production (off by default, as
     * in the tests): commit-bound figures (P1) then depend on the disk.
     */
    private static final boolean FSYNC = "on".equals(System.getenv("BENCH_FSYNC"));
    /**
     * BENCH_PG_STATEMENTS=on: P1 to P4, P8's deliveries and P7's run beside the stuck receiver record PostgreSQL's
     * statements of their measured run, and the plans of slow ones go to target/bench-postgresql/postgresql.log
     * ({@link StatementStats}).
     */
    private static final boolean STATEMENTS = "on".equals(System.getenv("BENCH_PG_STATEMENTS"));
    /** BENCH_AOT_JAVA_HOME, a JDK 24 or later: P6 also starts the service there with a trained AOT cache. */
    private static final String AOT_JAVA_HOME = System.getenv("BENCH_AOT_JAVA_HOME");
    /** The JDK running the benchmark, and the service. */
    private static final Path JAVA_HOME = Path.of(System.getProperty("java.home"));
    /** The memory limit of the service's container in the generated manifests. */
    private static final int POD_MEMORY_LIMIT_MB = podMemoryLimitMb();
    /** P6's class archive, made as the JVM image makes its own (src/main/docker/train-class-archive.sh). */
    private static final Path CLASS_ARCHIVE = Path.of("target", "bench-app.jsa");
    /** How long P6's pod-sized restart stays without requests before its RSS is read again. */
    private static final Duration SETTLE = Duration.ofSeconds(12);
    /** A key of an account made at startup: P1 and P4 run once as the operator and once as this account. */
    private String accountKey;
    /** With BENCH_PG_STATEMENTS=on: PostgreSQL's MultiXact pages at the last {@link #resetStatements()}. */
    private Map<String, Long> multixactPagesBefore = Map.of();

    private Bench(Plan plan, Set<String> only) {
        this.plan = plan;
        this.only = only;
    }

    /**
     * Whether a scenario runs: all of them, or those named with {@code --only=P1,P4} and what they need (P2
     * and P8 take P1's capacity, unless BENCH_INGEST_CAPACITY gives P2 one; P4, P7 and P8 deliver P3's events).
     */
    private boolean runs(String scenario) {
        return only.isEmpty() || only.contains(scenario)
                || scenario.equals("P1") && (only.contains("P2") && System.getenv("BENCH_INGEST_CAPACITY") == null || only.contains("P8"))
                || scenario.equals("P3") && (only.contains("P4") || only.contains("P7") || only.contains("P8"))
                || scenario.equals("P4") && only.contains("P8");
    }

    /** Exits in any case: a failed run must not linger (its servers' threads keep the JVM alive) and hold the build lock. */
    public static void main(String[] args) {
        // P2's fixed-rate load opens many connections; idle ones must not stay open (20 minutes by default) and
        // take P5's files: the service may hold 20,000 in all
        System.setProperty("jdk.httpclient.keepalive.timeout", "5");
        try {
            runAsAsked(String.join(" ", args).trim().split("\\s+")); // bench/run hands its arguments over as one string
        } catch (Throwable failure) {
            failure.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    private static void runAsAsked(String[] args) throws Exception {
        String soak = List.of(args).stream().filter(a -> a.startsWith("--soak")).findFirst().orElse(null);
        if (soak != null) { // --soak or --soak=<minutes>
            Soak.run(Duration.ofMinutes(soak.contains("=") ? Long.parseLong(soak.substring(soak.indexOf('=') + 1)) : 60));
            return;
        }
        Plan plan = List.of(args).contains("--quick") ? Plan.QUICK : Plan.FULL;
        Set<String> only = List.of(args).stream().filter(a -> a.startsWith("--only=")).findFirst()
                .map(a -> Set.of(a.substring(7).split(","))).orElse(Set.of());
        new Bench(plan, only).run();
    }

    private void run() throws Exception {
        Instant started = Instant.now();
        report.put("plan", plan.name());
        report.put("date", LocalDate.now().toString());
        report.put("machine", machine());
        report.put("tracing", TRACING_OFF ? "off (OpenTelemetry SDK disabled)" : "on (spans made, none exported: no collector)");
        report.put("postgresql_fsync", FSYNC ? "on" : "off");
        Path work = Files.createTempDirectory("tidings-bench");
        postgres = PostgresServer.start(null, 0, FSYNC, STATEMENTS ? StatementStats.settings(Path.of("target", "bench-postgresql")) : Map.of());
        kafka = KafkaBroker.start(work.resolve("kafka"), 0, 0);
        try (Receiver receiver = Receiver.start()) {
            startup();
            if (runs("P1")) {
                ingest();
            }
            if (runs("P2")) {
                if (!runs("P1")) { // a partial run that skips P1: warm up as P1 would have
                    warmUp("/orders");
                }
                settle();
                latency(receiver);
            }
            if (runs("P3")) {
                settle();
                relayDrain();
            }
            if (runs("P4")) {
                settle();
                webhookThroughput(receiver);
            }
            if (runs("P8")) {
                settle();
                manyAccounts(receiver);
            }
            if (runs("P5")) {
                settle();
                sseFanOut();
            }
            report.put("rss_under_load_mb", rssMb());
            service.stop();
            if (runs("P7")) {
                fairness(receiver);
            }
            report.put("total_seconds", Duration.between(started, Instant.now()).toSeconds());
        } finally {
            if (service != null) {
                service.close(); // after a failure: no service is left running
            }
            kafka.close();
            postgres.close();
        }
        Path results = only.isEmpty() ? Path.of("bench", "results") : Path.of("target");
        Files.createDirectories(results);
        String base = only.isEmpty() ? report.get("date") + (plan == Plan.QUICK ? "-quick" : "") : "bench-partial";
        Files.writeString(results.resolve(base + ".json"), JSON.writeValueAsString(report));
        Files.writeString(results.resolve(base + ".md"), Markdown.of(report));
        System.out.println(Markdown.of(report));
    }

    /**
     * Before a scenario: waits (at most two minutes) until what the earlier ones wrote is relayed, the webhook
     * fan-out has read it all and no delivery is pending, so a scenario is not measured beside the last one's backlog.
     */
    private void settle() throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        try (Connection sql = DriverManager.getConnection(postgres.jdbcUrl(), PostgresServer.USER, "postgres");
             Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            while (System.nanoTime() < deadline
                    && (count(sql, "select count(*) from outbox where sequence is null") > 0 || fanOutLag(admin) > 0
                        || count(sql, "select count(*) from webhook_delivery where status = 'pending'") > 0)) {
                Thread.sleep(100); // poll interval of the settle clock
            }
        }
    }

    /** Records on the event topics the webhook fan-out's consumer group has not committed yet. */
    private static long fanOutLag(Admin admin) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("tidings-webhook-fanout")
                .partitionsToOffsetAndMetadata().get();
        Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
        committed.keySet().forEach(partition -> latest.put(partition, OffsetSpec.latest()));
        long lag = 0;
        for (var end : admin.listOffsets(latest).all().get().entrySet()) {
            OffsetAndMetadata at = committed.get(end.getKey());
            lag += end.getValue().offset() - (at == null ? 0 : at.offset());
        }
        return lag;
    }

    // P6: startup and memory --------------------------------------------------------------------

    private void startup() throws Exception {
        Map<String, String> env = serviceEnvironment();
        // P5 opens all its streams with the one bench key
        env.put("EVENTS_LIMITS_STREAMS_PER_KEY", Integer.toString(sseSizes().stream().mapToInt(SseSize::streams).max().orElse(0) + 10));
        // P4 delivers to one receiver with as many attempts in flight as its baseline has requests (64, the instance's
        // whole concurrency); the default cap of 8 per subscription is what keeps P7's stuck receiver from taking every slot
        env.put("EVENTS_WEBHOOKS_CONCURRENCY_PER_SUBSCRIPTION", Integer.toString(FAIRNESS_CONCURRENCY));
        Map<String, Object> p6 = new LinkedHashMap<>();
        // This process has just started the broker, whose compilers would otherwise share the cores with the start
        OwnCpu.awaitQuietCompilers();
        OwnCpu benchBefore = OwnCpu.now();
        // The first start migrates the empty database, as a new deployment's first pod does
        long t0 = System.nanoTime();
        service = ServiceProcess.start(env, 0, "/q/health/ready", Path.of("target", "bench-service.log"));
        p6.put("jvm_start_to_ready_ms", (System.nanoTime() - t0) / 1_000_000);
        p6.put("bench_process_cpu_during_first_start", OwnCpu.now().since(benchBefore));
        p6.put("rss_idle_mb", rssMb());
        service.stop();
        p6.put("appcds", imageArchiveRestart(env));
        p6.put("pod_sized", podSizedRestart(env));
        if (AOT_JAVA_HOME != null) {
            p6.put("aot_cache", aotCacheRestart(env, Path.of(AOT_JAVA_HOME)));
        }
        // A restart (a rollout, a rescheduled pod): the schema is current and Flyway only checks it
        t0 = System.nanoTime();
        service = ServiceProcess.start(env, 0, "/q/health/ready", Path.of("target", "bench-service.log"));
        p6.put("restart_to_ready_ms", (System.nanoTime() - t0) / 1_000_000);
        // a fresh client: the restarted service may listen on the first one's port, whose pooled connections are closed
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        p6.put("restart_rss_idle_mb", rssMb());
        report.put("P6_startup_memory", p6);
        String account = JSON.readTree(post("/accounts", "{\"name\":\"bench\"}", KEY)).get("id").asText();
        accountKey = JSON.readTree(post("/accounts/" + account + "/keys", "{}", KEY)).get("key").asText();
    }

    /**
     * A restart sized as in its pod, from the image's class archive as the image starts: the JVM there reads the
     * container's memory limit and sizes its heap from it; here {@code -XX:MaxRAM} stands in for it, else the JVM
     * sizes it for this whole machine. Its RSS at ready, and again once it has had no requests for {@link #SETTLE}
     * (the image's JVM options return the native memory freed since start every 5 s).
     */
    private Map<String, Object> podSizedRestart(Map<String, String> env) throws Exception {
        Map<String, Object> pod = new LinkedHashMap<>();
        pod.put("memory_limit_mb", POD_MEMORY_LIMIT_MB);
        pod.put("class_archive", true);
        long t0 = System.nanoTime();
        service = ServiceProcess.start(ServiceProcess.command(JAVA_HOME, List.of("-XX:MaxRAM=" + POD_MEMORY_LIMIT_MB + "m",
                "-XX:SharedArchiveFile=" + CLASS_ARCHIVE.toAbsolutePath()), ServiceProcess.JAR), env, 0, "/q/health/ready",
                Path.of("target", "bench-service.log"));
        pod.put("restart_to_ready_ms", (System.nanoTime() - t0) / 1_000_000);
        pod.put("rss_at_ready_mb", rssMb());
        Thread.sleep(SETTLE.toMillis());
        pod.put("rss_settled_mb", rssMb());
        pod.put("settled_after_s", SETTLE.toSeconds());
        service.stop();
        return pod;
    }

    /**
     * The JVM image's class archive (AppCDS, a dynamic archive as in JEP 350), made by the image's own training run
     * (a start without database or broker, stopped once live), then a restart that must use it ({@code -Xshare:on}
     * fails otherwise).
     */
    private Map<String, Object> imageArchiveRestart(Map<String, String> env) throws Exception {
        Path log = Path.of("target", "bench-service-aot.log");
        long t0 = System.nanoTime();
        ServiceProcess.trainClassArchive(CLASS_ARCHIVE, log);
        Map<String, Object> trained = new LinkedHashMap<>();
        trained.put("java", javaVersion(JAVA_HOME));
        trained.put("training", "the image's: started without database or broker, stopped once live");
        trained.put("training_ms", (System.nanoTime() - t0) / 1_000_000);
        trained.put("archive_mb", Measurements.round(Files.size(CLASS_ARCHIVE) / 1e6));
        return restartFrom(env, JAVA_HOME, List.of("-XX:SharedArchiveFile=" + CLASS_ARCHIVE.toAbsolutePath(), "-Xshare:on"), log, trained);
    }

    /**
     * On a JDK 24+ the service started from its AOT cache (JEP 483): a training run (start, a few orders and reads,
     * stop; the JVM writes the cache as it exits), then a restart that must use it ({@code -XX:AOTMode=on}).
     */
    private Map<String, Object> aotCacheRestart(Map<String, String> env, Path javaHome) throws Exception {
        Path cache = Path.of("target", "bench-app.aot").toAbsolutePath();
        Files.deleteIfExists(cache);
        Path log = Path.of("target", "bench-service-aot.log");
        service = ServiceProcess.start(ServiceProcess.command(javaHome, List.of("-XX:AOTCacheOutput=" + cache), ServiceProcess.JAR),
                env, 0, "/q/health/ready", log);
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(); // as after the restart below
        for (int i = 0; i < 50; i++) {
            String id = JSON.readTree(post("/orders", ORDER, KEY)).get("id").asText();
            get("/orders/" + id);
            get("/events?limit=10");
        }
        service.stop();
        Map<String, Object> trained = new LinkedHashMap<>();
        trained.put("java", javaVersion(javaHome));
        trained.put("archive_mb", Measurements.round(Files.size(cache) / 1e6));
        return restartFrom(env, javaHome, List.of("-XX:AOTCache=" + cache, "-XX:AOTMode=on"), log, trained);
    }

    /** A restart with {@code options}: its time to ready and RSS, added to {@code result}. */
    private Map<String, Object> restartFrom(Map<String, String> env, Path javaHome, List<String> options, Path log,
                                            Map<String, Object> result) throws Exception {
        long t0 = System.nanoTime();
        service = ServiceProcess.start(ServiceProcess.command(javaHome, options, ServiceProcess.JAR), env, 0, "/q/health/ready", log);
        result.put("restart_to_ready_ms", (System.nanoTime() - t0) / 1_000_000);
        result.put("rss_idle_mb", rssMb());
        service.stop();
        return result;
    }

    /** {@code quarkus.kubernetes.resources.limits.memory} (in Mi) from application.properties. */
    private static int podMemoryLimitMb() {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(Path.of("src", "main", "resources", "application.properties"))) {
            properties.load(in);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read application.properties", e);
        }
        String limit = properties.getProperty("quarkus.kubernetes.resources.limits.memory", "");
        if (!limit.endsWith("Mi")) {
            throw new IllegalStateException("Expected quarkus.kubernetes.resources.limits.memory in Mi, found '" + limit + "'");
        }
        return Integer.parseInt(limit.substring(0, limit.length() - 2));
    }

    private static String javaVersion(Path javaHome) throws IOException {
        for (String line : Files.readAllLines(javaHome.resolve("release"))) {
            if (line.startsWith("JAVA_RUNTIME_VERSION=") || line.startsWith("JAVA_VERSION=")) {
                return line.substring(line.indexOf('=') + 1).replace("\"", "");
            }
        }
        return javaHome.toString();
    }

    private Map<String, String> serviceEnvironment() {
        return serviceEnvironment(postgres, kafka);
    }

    /** How every benchmark starts the service: against these servers, with the bench key, delivering to local receivers. */
    static Map<String, String> serviceEnvironment(PostgresServer postgres, KafkaBroker kafka) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("QUARKUS_DATASOURCE_JDBC_URL", postgres.jdbcUrl());
        env.put("QUARKUS_DATASOURCE_REACTIVE_URL", postgres.reactiveUrl());
        env.put("QUARKUS_DATASOURCE_USERNAME", PostgresServer.USER);
        env.put("QUARKUS_DATASOURCE_PASSWORD", "postgres");
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("EVENTS_AUTH_API_KEYS", KEY);
        env.put("EVENTS_SECRETS_KEYS", TestInfrastructure.SECRETS_KEY);
        env.put("EVENTS_WEBHOOKS_ALLOW_HTTP", "true");
        env.put("EVENTS_WEBHOOKS_ALLOW_PRIVATE_TARGETS", "true");
        env.put("QUARKUS_LOG_LEVEL", "WARN");
        env.put("EVENTS_BENCHMARK_INGEST_CEILING", "true");
        if (TRACING_OFF) {
            env.put("QUARKUS_OTEL_SDK_DISABLED", "true");
        }
        List<String> options = new ArrayList<>();
        String recording = System.getenv("BENCH_SERVICE_JFR"); // profile the service: a JFR file name
        if (recording != null) {
            options.add("-XX:StartFlightRecording=filename=" + recording + ",settings=profile");
        }
        String extra = System.getenv("BENCH_SERVICE_JAVA_OPTIONS"); // e.g. -XX:+PrintCompilation, into the service's log
        if (extra != null) {
            options.add(extra);
        }
        if (!options.isEmpty()) {
            env.put("JAVA_TOOL_OPTIONS", String.join(" ", options));
        }
        return env;
    }

    /** A setting of the service's own application.properties (on this classpath), as the service runs with it here. */
    static String serviceProperty(String name) throws IOException {
        Properties properties = new Properties();
        try (InputStream in = Bench.class.getClassLoader().getResourceAsStream("application.properties")) {
            properties.load(Objects.requireNonNull(in, "application.properties is not on the classpath"));
        }
        return Objects.requireNonNull(properties.getProperty(name), name + " is not set in application.properties");
    }

    // P1: ingest ---------------------------------------------------------------------------------

    private void ingest() throws Exception {
        Duration oursWarmUp = warmUp("/orders");
        Measurements latencies = new Measurements();
        resetStatements();
        IngestRun oursRun = ingestRun(KEY, "/orders", latencies);
        double ours = oursRun.rate();
        Map<String, Object> p1 = new LinkedHashMap<>();
        recordStatementsAndMultixacts(p1);
        Map<String, Object> baseline = Pgbench.run(postgres, plan.concurrency(), plan.ingest());
        p1.put("concurrency", plan.concurrency());
        p1.put("ours_orders_per_s", Measurements.round(ours));
        p1.put("ours_latency", latencies.summary());
        p1.put("baseline", "pgbench, the same two-row transaction (order + outbox row), same concurrency and duration");
        p1.put("baseline_tps", baseline.get("tps"));
        p1.put("baseline_latency_avg_ms", baseline.get("latency_avg_ms"));
        p1.put("ratio_throughput", Measurements.round(ours / (double) baseline.get("tps")));
        // the framework's ceiling: the same two INSERTs behind a minimal route of this build (after pgbench made its
        // tables). Ours and the ceiling alternate (ours, ceiling, ours, ceiling, ours) and each run of ours is compared
        // with the ceiling's runs beside it: on these shared cores either moved by up to a third from one run to the next.
        Duration ceilingWarmUp = warmUp(CEILING);
        Measurements ceilingLatencies = new Measurements();
        IngestRun ceilingRun = ingestRun(KEY, CEILING, ceilingLatencies);
        double ceiling = ceilingRun.rate();
        double oursSecond = rate(KEY, "/orders");
        double ceilingSecond = rate(KEY, CEILING);
        double oursThird = rate(KEY, "/orders");
        List<Double> ratios = List.of(ours / ceiling, oursSecond / ((ceiling + ceilingSecond) / 2), oursThird / ceilingSecond);
        p1.put("ceiling", "POST " + CEILING + ": the same two INSERTs as pgbench through the reactive PostgreSQL client, in this build");
        p1.put("ceiling_per_s", Measurements.round(ceiling));
        p1.put("ceiling_latency", ceilingLatencies.summary());
        p1.put("alternating_orders_per_s", Stream.of(ours, oursSecond, oursThird).map(Measurements::round).toList());
        p1.put("alternating_ceiling_per_s", Stream.of(ceiling, ceilingSecond).map(Measurements::round).toList());
        p1.put("ratio_to_ceiling_each", ratios.stream().map(Measurements::round).toList());
        p1.put("ratio_to_ceiling", Measurements.round(ratios.stream().mapToDouble(Double::doubleValue).average().orElseThrow()));
        // where each request's CPU goes: the order path's processes against the ceiling's, per request
        p1.put("ours_cpu_us_per_order", oursRun.cpuPerRequest());
        p1.put("ceiling_cpu_us_per_request", ceilingRun.cpuPerRequest());
        // the warm-ups last until the JIT compilers' bulk is done; what they still did during the first measured runs
        p1.put("warm_up_s", new TreeMap<>(Map.of("ours", Measurements.round(oursWarmUp.toMillis() / 1000.0),
                "ceiling", Measurements.round(ceilingWarmUp.toMillis() / 1000.0))));
        p1.put("jit_compile_s_during_run", new TreeMap<>(Map.of("ours", Measurements.round(oursRun.compiling()),
                "ceiling", Measurements.round(ceilingRun.compiling()))));
        // the same load with an account key (key lookup, caller resolution, scoped writes), then the operator's
        // again: the two operator runs bracket the account's. The account's path has a warm-up of its own: measured
        // cold, the service's compilers worked 4.6 s of its 10 s run and it came out at 0.66-0.88 x the operator's.
        Duration accountWarmUp = warmUp(accountKey, "/orders");
        IngestRun accountRun = ingestRun(accountKey, "/orders", new Measurements());
        IngestRun operatorAgainRun = ingestRun(KEY, "/orders", new Measurements());
        double accountRate = accountRun.rate();
        double operatorAgain = operatorAgainRun.rate();
        p1.put("ours_as_account_orders_per_s", Measurements.round(accountRate));
        p1.put("ours_operator_before_account_orders_per_s", Measurements.round(oursThird));
        p1.put("ours_operator_again_orders_per_s", Measurements.round(operatorAgain));
        p1.put("account_vs_operator", Measurements.round(accountRate / ((oursThird + operatorAgain) / 2)));
        p1.put("account_warm_up_s", Measurements.round(accountWarmUp.toMillis() / 1000.0));
        p1.put("account_cpu_us_per_order", new TreeMap<>(Map.of("account", accountRun.cpuPerRequest(),
                "operator_again", operatorAgainRun.cpuPerRequest())));
        p1.put("account_jit_compile_s_during_run", new TreeMap<>(Map.of("account", Measurements.round(accountRun.compiling()),
                "operator_again", Measurements.round(operatorAgainRun.compiling()))));
        // a last run under JFR, apart from the measured ones: where the service spends its CPU on this path
        Profile profile = Profile.start(service.process().pid(), Path.of("target", "bench-p1.jfr"));
        closedLoop(plan.ingest(), plan.concurrency());
        p1.put("profile", profile.stop());
        report.put("P1_ingest", p1);
    }

    /** A measured P1 run: its rate per second, the CPU of each process per request, the service's compile seconds. */
    private record IngestRun(double rate, Map<String, Object> cpuPerRequest, double compiling) {
    }

    private IngestRun ingestRun(String key, String path, Measurements latencies) throws Exception {
        long pid = service.process().pid();
        Map<String, Duration> cpuBefore = cpuByProcess();
        double compiledBefore = Profile.compileSeconds(pid);
        long requests = closedLoop(plan.ingest(), plan.concurrency(), latencies, key, path);
        double compiling = Profile.compileSeconds(pid) - compiledBefore;
        return new IngestRun(requests / (double) plan.ingest().toSeconds(), cpuPerRequest(cpuBefore, requests), compiling);
    }

    /** P1's closed-loop rate on {@code path} with {@code key}, per second. */
    private double rate(String key, String path) throws Exception {
        return closedLoop(plan.ingest(), plan.concurrency(), new Measurements(), key, path) / (double) plan.ingest().toSeconds();
    }

    /** With BENCH_PG_STATEMENTS=on: forgets PostgreSQL's statement statistics so far and notes its MultiXact pages. */
    private void resetStatements() throws Exception {
        if (STATEMENTS) {
            try (Connection sql = DriverManager.getConnection(postgres.jdbcUrl(), PostgresServer.USER, "postgres")) {
                StatementStats.reset(sql);
                multixactPagesBefore = StatementStats.multixactPages(sql);
            }
        }
    }

    /** With BENCH_PG_STATEMENTS=on: the statements since the last reset that took PostgreSQL the most time. */
    private void recordStatements(Map<String, Object> scenario) throws Exception {
        if (STATEMENTS) {
            try (Connection sql = DriverManager.getConnection(postgres.jdbcUrl(), PostgresServer.USER, "postgres")) {
                scenario.put("postgresql_statements", StatementStats.top(sql));
            }
        }
    }

    /**
     * With BENCH_PG_STATEMENTS=on: {@link #recordStatements} and the MultiXact pages PostgreSQL started since the last
     * reset, read once the backends have reported them (so the scenario's clocks must have stopped).
     */
    private void recordStatementsAndMultixacts(Map<String, Object> scenario) throws Exception {
        recordStatements(scenario);
        if (STATEMENTS) {
            Thread.sleep(StatementStats.REPORTED_WITHIN.toMillis());
            try (Connection sql = DriverManager.getConnection(postgres.jdbcUrl(), PostgresServer.USER, "postgres")) {
                Map<String, Long> started = new LinkedHashMap<>();
                StatementStats.multixactPages(sql).forEach((name, pages) -> started.put(name, pages - multixactPagesBefore.getOrDefault(name, 0L)));
                scenario.put("postgresql_multixact_pages_started", started);
            }
        }
    }

    /**
     * Loads {@code path} in windows of {@link #WARM_UP_WINDOW} until the rate settles and the bulk of the service's
     * JIT compiling is done (a window in which the compilers worked more than {@link #JIT_SETTLED} of it does not
     * count), at most {@link #JIT_WARM_UP_LIMIT}. Two windows agreeing within 5 % was not enough: once the
     * compilers still took a fifth of a core (of these two) through P1's measured run. They never quite stop: after
     * five minutes of P1's load they still worked about 5 % of the time. Answers how long the warm-up took.
     */
    private Duration warmUp(String path) throws Exception {
        return warmUp(KEY, path);
    }

    private Duration warmUp(String key, String path) throws Exception {
        long pid = service.process().pid();
        long start = System.nanoTime();
        untilStable(() -> {
            double compiledBefore = Profile.compileSeconds(pid);
            double rate = closedLoop(WARM_UP_WINDOW, plan.concurrency(), new Measurements(), key, path);
            double compiling = Profile.compileSeconds(pid) - compiledBefore;
            return compilersSettled(compiling) ? rate : Double.NaN;
        }, JIT_WARM_UP_LIMIT);
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** Whether the JIT compilers, having worked {@code compilingSeconds} in one warm-up window, have done their bulk. */
    private static boolean compilersSettled(double compilingSeconds) {
        return compilingSeconds <= JIT_SETTLED * WARM_UP_WINDOW.toMillis() / 1000.0;
    }

    /** A measurement of a warm-up round: a rate or a duration. */
    @FunctionalInterface
    interface WarmUpRound {
        double run() throws Exception;
    }

    /**
     * Runs {@code round} until two in a row agree within 5 % (a round that answers NaN agrees with none), at most
     * {@link #WARM_UP_LIMIT}: on these shared cores a fixed short warm-up left the first measurement at less
     * than half of a later one (P1, P4).
     */
    private static void untilStable(WarmUpRound round) throws Exception {
        untilStable(round, WARM_UP_LIMIT);
    }

    private static void untilStable(WarmUpRound round, Duration limit) throws Exception {
        double previous = 0;
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            double measured = round.run();
            if (previous > 0 && Math.abs(measured - previous) <= 0.05 * previous) {
                return;
            }
            previous = measured;
        }
    }

    /**
     * Sends once more when the first send fails: after an idle pause (pgbench's, P4's drains), the JDK client
     * can hand out a pooled connection its keep-alive cleanup closes at that very moment ("connection closed
     * locally"); the next send takes a fresh one.
     */
    static HttpResponse<Void> sendAgainIfClosed(HttpClient client, java.util.function.Supplier<HttpRequest> request)
            throws IOException, InterruptedException {
        try {
            return client.send(request.get(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException closedMeanwhile) {
            return client.send(request.get(), HttpResponse.BodyHandlers.discarding());
        }
    }

    private long closedLoop(Duration duration, int concurrency) throws Exception {
        return closedLoop(duration, concurrency, new Measurements());
    }

    private long closedLoop(Duration duration, int concurrency, Measurements latencies) throws Exception {
        return closedLoop(duration, concurrency, latencies, KEY);
    }

    private long closedLoop(Duration duration, int concurrency, Measurements latencies, String key) throws Exception {
        return closedLoop(duration, concurrency, latencies, () -> key, "/orders");
    }

    private long closedLoop(Duration duration, int concurrency, Measurements latencies, java.util.function.Supplier<String> keys)
            throws Exception {
        return closedLoop(duration, concurrency, latencies, keys, "/orders");
    }

    private long closedLoop(Duration duration, int concurrency, Measurements latencies, String key, String path) throws Exception {
        return closedLoop(duration, concurrency, latencies, () -> key, path);
    }

    private long closedLoop(Duration duration, int concurrency, Measurements latencies, java.util.function.Supplier<String> keys,
                            String path) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        AtomicLong done = new AtomicLong();
        long end = System.nanoTime() + duration.toNanos();
        List<java.util.concurrent.Future<?>> workers = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            workers.add(pool.submit(() -> {
                while (System.nanoTime() < end) {
                    long t = System.nanoTime();
                    HttpResponse<Void> response = sendAgainIfClosed(http, () -> order(keys.get(), path));
                    if (response.statusCode() != 201) {
                        throw new IllegalStateException("POST " + path + " answered " + response.statusCode());
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
        return order(KEY);
    }

    private HttpRequest order(String key) {
        return order(key, "/orders");
    }

    private HttpRequest order(String key, String path) {
        return HttpRequest.newBuilder(URI.create(service.baseUri() + path)).timeout(REQUEST_TIMEOUT).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(ORDER)).build();
    }

    // P2: end-to-end latency at a fixed rate ---------------------------------------------------------

    /**
     * P2 runs at fixed fractions of the ingest capacity P1 just measured, so that it measures latency and not
     * a backlog on any machine.
     */
    private void latency(Receiver receiver) throws Exception {
        double capacity = report.containsKey("P1_ingest") ? (double) ((Map<?, ?>) report.get("P1_ingest")).get("ours_orders_per_s")
                : Double.parseDouble(System.getenv("BENCH_INGEST_CAPACITY"));
        List<Map<String, Object>> rows = new ArrayList<>();
        List<Integer> rates = LATENCY_FRACTIONS.stream().map(fraction -> Math.max(1, (int) Math.round(capacity * fraction))).toList();
        Map<String, Object> warmUp = warmUpDeliveries(receiver, rates.get(0), null);
        for (int i = 0; i < rates.size(); i++) {
            settle(); // a rate the path cannot sustain leaves a backlog: the next one does not start behind it
            rows.add(latency(receiver, LATENCY_FRACTIONS.get(i), rates.get(i)));
        }
        rows.get(0).put("warm_up", warmUp);
        // the first rate once more under JFR, apart from the measured runs: where the whole path spends its CPU
        // and this process too (the Kafka broker, the load, the receiver, the stream's client): what the load side costs
        Profile profile = Profile.start(service.process().pid(), Path.of("target", "bench-p2.jfr"));
        Profile loadSide = Profile.start(ProcessHandle.current().pid(), Path.of("target", "bench-p2-load-side.jfr"));
        warmUpDeliveries(receiver, rates.get(0), plan.latencyRun());
        rows.get(0).put("profile", profile.stop());
        rows.get(0).put("profile_bench_process", loadSide.stop());
        report.put("P2_latency", rows);
    }

    /**
     * P2's whole path, unmeasured: a subscription, a stream and orders at {@code rate} for {@code duration}, then
     * until it has drained; with no duration, for {@link #LATENCY_WARM_UP} and then in windows of
     * {@link #WARM_UP_WINDOW} until the service's JIT compilers and this process's (the load side's) work at most
     * {@link #JIT_SETTLED} of one, at most {@link #LATENCY_JIT_WARM_UP_LIMIT} in all; answers what the warm-up took. P1 ran
     * the ingest path only, so before P2 measures, this compiles the delivery and stream code: after 30 s of it the
     * compilers still took a third of the service's CPU through the measured run at 20 % (a quarter of a core of
     * these two).
     */
    private Map<String, Object> warmUpDeliveries(Receiver receiver, int rate, Duration duration) throws Exception {
        Map<String, Object> record = new LinkedHashMap<>();
        long start = System.nanoTime();
        String webhookId = subscribe(receiver.url("/latency-warm-up"), "order.created");
        // the receiver times these deliveries as it will the measured run's: compiled for untimed ones only, its
        // handler was thrown out and compiled again at the measured run's first delivery
        receiver.track("/latency-warm-up");
        try (SseClient stream = SseClient.connect(service.port(), "/events/stream?types=order.created",
                Map.of("Authorization", "Bearer " + KEY))) {
            if (duration != null) {
                tailedFixedRate(rate, duration);
            } else {
                long pid = service.process().pid();
                long deadline = System.nanoTime() + LATENCY_JIT_WARM_UP_LIMIT.toNanos();
                rehearseSetup(receiver);
                tailedFixedRate(rate, LATENCY_WARM_UP);
                double compiling = Double.MAX_VALUE;
                double benchCompiling = Double.MAX_VALUE;
                List<Double> windows = new ArrayList<>();
                List<Double> benchWindows = new ArrayList<>();
                while (!(compilersSettled(compiling) && compilersSettled(benchCompiling)) && System.nanoTime() < deadline) {
                    rehearseSetup(receiver);
                    double compiledBefore = Profile.compileSeconds(pid);
                    double benchCompiledBefore = OwnCpu.compileSeconds();
                    tailedFixedRate(rate, WARM_UP_WINDOW);
                    compiling = Profile.compileSeconds(pid) - compiledBefore;
                    benchCompiling = OwnCpu.compileSeconds() - benchCompiledBefore;
                    windows.add(Measurements.round(compiling));
                    benchWindows.add(Measurements.round(benchCompiling));
                }
                record.put("service_jit_compile_s_per_window", windows);
                record.put("bench_process_jit_compile_s_per_window", benchWindows);
            }
            settle();
        }
        unsubscribe(webhookId);
        record.put("seconds", Measurements.round((System.nanoTime() - start) / 1e9));
        return record;
    }

    /**
     * Orders at {@code rate} for {@code duration}, tailed from Kafka by a consumer of their own, as the measured run's
     * are: one consumer kept through the warm-up had its code compiled for a consumer long past its start, so the
     * measured run's new consumer threw that code out (fetch positions, metadata, a new fetch session) and this
     * process's compilers worked 3–4 s of the 10 s run at 20 % to compile it again.
     */
    private void tailedFixedRate(int rate, Duration duration) throws Exception {
        try (KafkaTail tail = KafkaTail.fromEnd(kafka.bootstrapServers(), "events.order", new Measurements())) {
            fixedRate(rate, duration, new Measurements());
        }
    }

    /**
     * How a measured run starts, done again before each window of the warm-up: the path drains and idles, then the
     * service is asked for a subscription and a stream (and a subscription is deleted). Without it, the warm-up's
     * load ran without a pause and these requests came only at its start, so the code compiled from its profiles
     * held neither: at the measured run's start the idle moment (event loops, the Kafka producer's poll) and these
     * requests (the HTTP codec, routing and response handlers, the cipher that seals a new secret) threw it out, and
     * the compilers worked 3–5 s of the 10 s run at 20 % to compile it again.
     */
    private void rehearseSetup(Receiver receiver) throws Exception {
        settle();
        String webhookId = subscribe(receiver.url("/latency-rehearsal"), "order.created");
        SseClient.connect(service.port(), "/events/stream?types=order.created", Map.of("Authorization", "Bearer " + KEY)).close();
        unsubscribe(webhookId);
    }

    private Map<String, Object> latency(Receiver receiver, double fraction, int rate) throws Exception {
        String webhookId = subscribe(receiver.url("/latency-" + rate), "order.created");
        Measurements kafkaLatency = new Measurements();
        Measurements webhookLatency = receiver.track("/latency-" + rate);
        Map<String, Object> p2 = new LinkedHashMap<>();
        try (SseClient stream = SseClient.connect(service.port(), "/events/stream?types=order.created",
                Map.of("Authorization", "Bearer " + KEY));
             KafkaTail tail = KafkaTail.fromEnd(kafka.bootstrapServers(), "events.order", kafkaLatency)) {
            OwnCpu.awaitQuietCompilers(); // as in P3 and P4: the load side's compilers do not take the service's core
            int before = stream.events().size();
            long machineBusy = MachineCpu.busyTicks();
            long machineAll = MachineCpu.allTicks();
            Map<String, Duration> cpuBefore = cpuByProcess();
            Measurements requestLatency = new Measurements();
            resetStatements();
            double compiledBefore = Profile.compileSeconds(service.process().pid());
            OwnCpu benchBefore = OwnCpu.now();
            fixedRate(rate, plan.latencyRun(), requestLatency);
            Map<String, Object> benchProcess = OwnCpu.now().since(benchBefore);
            double compiling = Profile.compileSeconds(service.process().pid()) - compiledBefore;
            double busyShare = (MachineCpu.busyTicks() - machineBusy) / (double) Math.max(1, MachineCpu.allTicks() - machineAll);
            Map<String, Object> cores = coresSince(cpuBefore, plan.latencyRun());
            recordStatementsAndMultixacts(p2);
            Thread.sleep(3000); // let the last events arrive before reading the samples
            Measurements sseLatency = new Measurements();
            for (SseClient.Frame frame : stream.events().subList(before, stream.events().size())) {
                sseLatency.add(Duration.between(timestamp(frame.data()), frame.at()).toNanos() / 1e6);
            }
            Measurements raw = KafkaTail.rawRoundTrip(kafka.bootstrapServers(), rate, plan.latencyRun());
            p2.put("fraction_of_ingest_capacity", fraction);
            p2.put("rate_per_s", rate);
            p2.put("seconds", plan.latencyRun().toSeconds());
            p2.put("order_request", requestLatency.summary());
            Map<String, Object> toKafka = kafkaLatency.summary(); // the tail reads on through the run under load below
            p2.put("commit_to_kafka", toKafka);
            p2.put("commit_to_webhook", webhookLatency.summary());
            p2.put("commit_to_sse", sseLatency.summary());
            p2.put("baseline", "plain KafkaProducer -> KafkaConsumer round trip, same rate");
            p2.put("baseline_kafka_round_trip", raw.summary());
            p2.put("ratio_p99_kafka", ratio(toKafka, raw.summary()));
            p2.put("machine_cpu_busy_percent", Measurements.round(100 * busyShare));
            p2.put("cpu_cores_used", cores);
            p2.put("jit_compile_s_during_run", Measurements.round(compiling));
            p2.put("bench_process_cpu", benchProcess); // which of its parts: the broker, the load, the receiver, its compilers
            Measurements rawUnderLoad = rawRoundTripUnderLoad(rate);
            p2.put("baseline_kafka_round_trip_under_load", rawUnderLoad.summary());
            p2.put("ratio_p99_kafka_under_load", ratio(toKafka, rawUnderLoad.summary()));
        }
        unsubscribe(webhookId);
        return p2;
    }

    /**
     * The raw round trip once more, while the service carries the same orders at the same rate (unmeasured, after
     * the measured run's figures were taken): the machine is then about as busy as in the measured run,
     * and the ratio to it shows what the service's path adds beyond waiting for a core. The load runs a little
     * longer than the round trip, which starts after its producer connects.
     */
    private Measurements rawRoundTripUnderLoad(int rate) throws Exception {
        CompletableFuture<Void> load = CompletableFuture.runAsync(() -> {
            try {
                fixedRate(rate, plan.latencyRun().plusSeconds(2), new Measurements());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Measurements raw = KafkaTail.rawRoundTrip(kafka.bootstrapServers(), rate, plan.latencyRun());
        load.get();
        return raw;
    }

    private static Object ratio(Map<String, Object> ours, Map<String, Object> baseline) {
        Object a = ours.get("p99_ms");
        Object b = baseline.get("p99_ms");
        return a == null || b == null || (double) b == 0 ? null : Measurements.round((double) a / (double) b);
    }

    private void fixedRate(int perSecond, Duration duration, Measurements latencies) throws InterruptedException {
        try (FixedRateLoad load = new FixedRateLoad(service.port())) {
            long failures = load.run("/orders", Map.of("Authorization", "Bearer " + KEY, "Content-Type", "application/json"),
                    ORDER, perSecond, duration, latencies);
            if (failures > 0) {
                System.err.println(failures + " requests failed during the fixed-rate run");
            }
        }
    }

    static Instant timestamp(String envelope) {
        int at = envelope.indexOf("\"timestamp\":\"") + 13;
        return Instant.parse(envelope.substring(at, envelope.indexOf('"', at)));
    }

    // P3: relay drain ----------------------------------------------------------------------------------

    private void relayDrain() throws Exception {
        int rows = plan.drainRows();
        untilStable(() -> drainOutbox(rows / 2, new LinkedHashMap<>()).toMillis());
        Map<String, Object> cores = new LinkedHashMap<>();
        Map<String, Object> p3 = new LinkedHashMap<>();
        resetStatements();
        OwnCpu.awaitQuietCompilers(); // as in P4: the bench process (the broker among it) had taken a core through some drains
        OwnCpu benchBefore = OwnCpu.now();
        Duration ours = drainOutbox(rows, cores);
        Map<String, Object> benchProcess = OwnCpu.now().since(benchBefore);
        recordStatementsAndMultixacts(p3);
        // once more under JFR, apart from the measured drain: where the relay (and the fan-out reading behind it) spends its CPU
        Profile profile = Profile.start(service.process().pid(), Path.of("target", "bench-p3.jfr"));
        drainOutbox(rows, new LinkedHashMap<>());
        Map<String, Object> relayProfile = profile.stop();
        OwnCpu.awaitQuietCompilers();
        Duration baseline = KafkaTail.produce(kafka.bootstrapServers(), "bench.raw-drain", rows, 400, null);
        // like for like: the plain producer with the relay's batch size (the service's own producer setting)
        String relayBatchBytes = serviceProperty("mp.messaging.outgoing.events-out.batch.size");
        OwnCpu.awaitQuietCompilers();
        Duration sameBatch = KafkaTail.produce(kafka.bootstrapServers(), "bench.raw-drain-batched", rows, 400, relayBatchBytes);
        p3.put("rows", rows);
        p3.put("ours_seconds", Measurements.round(ours.toMillis() / 1000.0));
        p3.put("ours_events_per_s", Measurements.round(rows / (ours.toMillis() / 1000.0)));
        p3.put("ours_started_by", "a NOTIFY on outbox_appended, as a replica that committed events sends it");
        p3.put("baseline", "plain KafkaProducer (acks=all, idempotent), same record count and size");
        p3.put("baseline_seconds", Measurements.round(baseline.toMillis() / 1000.0));
        p3.put("ratio_time", Measurements.round(ours.toMillis() / (double) Math.max(1, baseline.toMillis())));
        p3.put("baseline_same_batch", "the same plain KafkaProducer with the relay's batch.size (" + relayBatchBytes + " bytes)");
        p3.put("baseline_same_batch_seconds", Measurements.round(sameBatch.toMillis() / 1000.0));
        p3.put("ratio_time_same_batch", Measurements.round(ours.toMillis() / (double) Math.max(1, sameBatch.toMillis())));
        p3.put("cpu_cores_used", cores);
        p3.put("bench_process_cpu", benchProcess); // which of its parts: the broker's threads, or its compilers
        p3.put("profile", relayProfile);
        report.put("P3_relay_drain", p3);
    }

    /**
     * Loads {@code rows} events into the outbox while the relay is held off (the cursor row locked), then
     * releases and wakes it and times until every row is published.
     */
    private Duration drainOutbox(int rows, Map<String, Object> coresUsed) throws Exception {
        try (Connection sql = DriverManager.getConnection(postgres.jdbcUrl(), PostgresServer.USER, "postgres")) {
            long quiet = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (count(sql, "select count(*) from outbox where sequence is null") > 0 && System.nanoTime() < quiet) {
                Thread.sleep(20); // what earlier scenarios wrote is relayed first, so the drain times only its own rows
            }
            long numberedBefore;
            try (Connection stalledRelay = DriverManager.getConnection(postgres.jdbcUrl(), PostgresServer.USER, "postgres")) {
                stalledRelay.setAutoCommit(false);
                numberedBefore = count(stalledRelay, "select last_sequence from relay_cursor where id = 1 for update");
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
            Map<String, Duration> cpuBefore = cpuByProcess();
            long t0 = System.nanoTime();
            // Woken as a replica that committed events wakes the relay holding the cursor; otherwise it would find the
            // rows at its next poll (0-100 ms on), a wait the plain producer's clock does not have
            sql.createStatement().execute("select pg_notify('outbox_appended', '')");
            // The clock reads the relay's cursor, one row, and counts the unpublished rows only once that says all are
            // numbered: counting them every 20 ms walked the pending index, dead entries and all (about 7 ms a count
            // when 20,000 rows drain), and took about a quarter of a core from PostgreSQL during the drain.
            while (count(sql, "select last_sequence from relay_cursor where id = 1") < numberedBefore + rows
                    || count(sql, "select count(*) from outbox where sequence is null") > 0) {
                Thread.sleep(20); // poll interval of the drain clock
            }
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            coresUsed.putAll(coresSince(cpuBefore, took));
            return took;
        }
    }

    // P4: webhook delivery throughput --------------------------------------------------------------------

    private void webhookThroughput(Receiver receiver) throws Exception {
        int deliveries = plan.deliveries();
        String body = "{\"eventId\":\"00000000-0000-7000-8000-000000000000\",\"eventType\":\"bench.loaded\",\"version\":1,"
                + "\"timestamp\":\"2026-01-01T00:00:00.000Z\",\"source\":\"bench\",\"subject\":\"bench/1\",\"data\":{\"filler\":\""
                + "x".repeat(300) + "\"}}";
        // The plain POSTs warm up as the service's drains do (a cold first run came out at half of a later one). Then
        // they alternate with the service's drains (POSTs, drain, POSTs, drain, POSTs) and each drain is set against
        // the POSTs on either side: single runs ranged over a factor of two, and once the bench process kept a core
        // busy through a whole drain (the eleventh pass's first full run: 0.47 × against 0.86 × the run before).
        // The service's warm-up comes after the first blast: right after one, the bench process once kept a core busy
        // through the next drain.
        untilStable(() -> receiver.blast("/baseline", body, deliveries / 2, 64).toMillis());
        double baselineFirst = plainPosts(receiver, body, deliveries);
        untilStable(() -> drain(receiver, deliveries / 2, KEY).running().toMillis());
        Map<String, Object> p4 = new LinkedHashMap<>();
        resetStatements();
        Drain oursDrain = drain(receiver, deliveries, KEY);
        recordStatementsAndMultixacts(p4);
        double baselineSecond = plainPosts(receiver, body, deliveries);
        double oursSecond = deliveries / (drain(receiver, deliveries, KEY).running().toMillis() / 1000.0);
        double baselineThird = plainPosts(receiver, body, deliveries);
        Duration asAccount = drain(receiver, deliveries, accountKey).running();
        Duration operatorAgain = drain(receiver, deliveries, KEY).running(); // with the second, brackets the account's run, as in P1
        double oursRate = deliveries / (oursDrain.running().toMillis() / 1000.0);
        List<Double> ratios = List.of(oursRate / ((baselineFirst + baselineSecond) / 2), oursSecond / ((baselineSecond + baselineThird) / 2));
        double operatorAgainRate = deliveries / (operatorAgain.toMillis() / 1000.0);
        double accountRate = deliveries / (asAccount.toMillis() / 1000.0);
        p4.put("deliveries", deliveries);
        p4.put("ours_per_s", Measurements.round(oursRate));
        p4.put("ours_runs_per_s", Stream.of(oursRate, oursSecond).map(Measurements::round).toList());
        p4.put("ours_timed_from", "the first delivery's arrival (the worker finds rows inserted behind its back at its next poll)");
        p4.put("ours_per_s_from_insert", Measurements.round(deliveries / (oursDrain.fromInsert().toMillis() / 1000.0)));
        p4.put("ours_cores_used", oursDrain.cores());
        p4.put("ours_bench_process_cpu", oursDrain.benchProcess()); // which of its parts, when it takes more than its usual share
        p4.put("ours_postgresql_write_transactions_per_delivery", Measurements.round(oursDrain.writesPerDelivery()));
        p4.put("baseline", "java.net.http client posting the same body to the same receiver, 64 concurrent, warmed up as the service"
                + " is; in runs alternating with the service's drains, each drain against the mean of the runs on either side");
        p4.put("baseline_per_s", Measurements.round((baselineFirst + baselineSecond + baselineThird) / 3));
        p4.put("baseline_runs_per_s", Stream.of(baselineFirst, baselineSecond, baselineThird).map(Measurements::round).toList());
        p4.put("ratio_throughput_each", ratios.stream().map(Measurements::round).toList());
        p4.put("ratio_throughput", Measurements.round(ratios.stream().mapToDouble(Double::doubleValue).average().orElseThrow()));
        p4.put("ours_as_account_per_s", Measurements.round(accountRate));
        p4.put("ours_operator_again_per_s", Measurements.round(operatorAgainRate));
        p4.put("account_vs_operator", Measurements.round(accountRate / ((oursSecond + operatorAgainRate) / 2)));
        report.put("P4_webhook_throughput", p4);
    }

    /** The rate of {@code deliveries} plain POSTs of {@code body}, 64 at a time, once this process's compilers are quiet. */
    private static double plainPosts(Receiver receiver, String body, int deliveries) throws Exception {
        OwnCpu.awaitQuietCompilers();
        return deliveries / (receiver.blast("/baseline", body, deliveries, 64).toMillis() / 1000.0);
    }

    /**
     * A drain's time from the rows' insert and from the first delivery's arrival (the baseline's clock also starts
     * with its first request; the worker finds rows the bench inserted behind its back only at its next poll).
     */
    private record Drain(Duration fromInsert, Duration running, Map<String, Object> cores, double writesPerDelivery,
                         Map<String, Object> benchProcess) {
    }

    /**
     * The next transaction id PostgreSQL will assign: the difference of two readings counts the transactions that wrote
     * in between, at once and exactly (the statistics' commit counts come from each backend when it is idle, up to
     * 10 s late; a reading 1.5 s after a drain missed up to its last second).
     */
    private static long nextTransactionId(Connection sql) throws Exception {
        return count(sql, "select pg_snapshot_xmax(pg_current_snapshot())::text::bigint");
    }

    /** Loads due deliveries for a fresh subscription of {@code key}'s owner and times until none is pending (compilers quiet first, as for the POSTs). */
    private Drain drain(Receiver receiver, int deliveries, String key) throws Exception {
        OwnCpu.awaitQuietCompilers();
        String webhookId = subscribe(receiver.url("/throughput"), "bench.nothing", key);
        AtomicLong arrivals = receiver.count("/throughput");
        long arrivedBefore = arrivals.get();
        try (Connection sql = DriverManager.getConnection(postgres.jdbcUrl(), PostgresServer.USER, "postgres")) {
            sql.createStatement().execute("""
                    insert into webhook_delivery (id, webhook_id, event_id, event_type, status, attempts, next_attempt_at, created_at)
                    select gen_random_uuid(), '%s', event_id, event_type, 'pending', 0, now(), now()
                    from outbox where event_type = 'bench.loaded' limit %d""".formatted(webhookId, deliveries));
            Map<String, Duration> cpuBefore = cpuByProcess();
            OwnCpu benchBefore = OwnCpu.now();
            long writesBefore = nextTransactionId(sql);
            long t0 = System.nanoTime();
            while (arrivals.get() == arrivedBefore && System.nanoTime() - t0 < Duration.ofSeconds(10).toNanos()) {
                Thread.sleep(1); // the first arrival's clock
            }
            long first = System.nanoTime();
            while (count(sql, "select count(*) from webhook_delivery where webhook_id = '" + webhookId + "' and status = 'pending'") > 0) {
                Thread.sleep(50); // poll interval of the delivery clock
            }
            long end = System.nanoTime();
            Map<String, Object> cores = coresSince(cpuBefore, Duration.ofNanos(end - t0));
            Map<String, Object> benchProcess = OwnCpu.now().since(benchBefore);
            double writesPerDelivery = (nextTransactionId(sql) - writesBefore) / (double) deliveries;
            return new Drain(Duration.ofNanos(end - t0), Duration.ofNanos(end - first), cores, writesPerDelivery, benchProcess);
        } finally {
            unsubscribe(webhookId, key);
        }
    }

    // P8: many accounts ----------------------------------------------------------------------------

    /**
     * P1 and P4 again with {@link #ACCOUNTS} accounts of {@link #SUBSCRIPTIONS_PER_ACCOUNT} subscriptions each:
     * the orders come round-robin from every account's key, and the deliveries are one per subscription.
     */
    private void manyAccounts(Receiver receiver) throws Exception {
        long t0 = System.nanoTime();
        List<String> keys = new ArrayList<>();
        List<String> subscriptions = new ArrayList<>();
        inParallel(ACCOUNTS, i -> {
            String account = JSON.readTree(post("/accounts", "{\"name\":\"bench-" + i + "\"}", KEY)).get("id").asText();
            String key = JSON.readTree(post("/accounts/" + account + "/keys", "{}", KEY)).get("key").asText();
            List<String> own = new ArrayList<>();
            for (int s = 0; s < SUBSCRIPTIONS_PER_ACCOUNT; s++) {
                own.add(subscribe(receiver.url("/accounts"), "bench.nothing", key));
            }
            synchronized (keys) {
                keys.add(key);
                subscriptions.addAll(own);
            }
        });
        Map<String, Object> p8 = new LinkedHashMap<>();
        p8.put("accounts", keys.size());
        p8.put("subscriptions", subscriptions.size());
        p8.put("setup_seconds", Measurements.round((System.nanoTime() - t0) / 1e9));

        AtomicInteger next = new AtomicInteger();
        closedLoop(Duration.ofSeconds(5), plan.concurrency(), new Measurements(), () -> keys.get(Math.floorMod(next.getAndIncrement(), keys.size())));
        Measurements latencies = new Measurements();
        long orders = closedLoop(plan.ingest(), plan.concurrency(), latencies,
                () -> keys.get(Math.floorMod(next.getAndIncrement(), keys.size())));
        double rate = orders / (double) plan.ingest().toSeconds();
        Map<?, ?> p1 = (Map<?, ?>) report.get("P1_ingest");
        p8.put("ingest_orders_per_s", Measurements.round(rate));
        p8.put("ingest_latency", latencies.summary());
        p8.put("ingest_vs_p1_operator", Measurements.round(rate / (double) p1.get("ours_orders_per_s")));

        settle(); // the fan-out reads the orders above (each batch against the subscriptions of its accounts) first
        AtomicLong arrived = receiver.count("/accounts");
        try (Connection sql = DriverManager.getConnection(postgres.jdbcUrl(), PostgresServer.USER, "postgres")) {
            resetStatements();
            Map<String, Duration> cpuBefore = cpuByProcess();
            OwnCpu benchBefore = OwnCpu.now();
            long t1 = System.nanoTime();
            long enqueued = enqueueOneForEach(sql, 0);
            long deadline = t1 + Duration.ofMinutes(5).toNanos();
            while (arrived.get() < enqueued && System.nanoTime() < deadline) {
                Thread.sleep(5); // poll interval of the delivery clock (an in-memory counter)
            }
            double seconds = (System.nanoTime() - t1) / 1e9;
            p8.put("deliveries_cores_used", coresSince(cpuBefore, Duration.ofNanos(System.nanoTime() - t1)));
            p8.put("deliveries_bench_process_cpu", OwnCpu.now().since(benchBefore));
            recordStatementsAndMultixacts(p8);
            Map<?, ?> p4 = (Map<?, ?>) report.get("P4_webhook_throughput");
            p8.put("deliveries", enqueued);
            p8.put("deliveries_arrived", arrived.get());
            p8.put("deliveries_per_s", Measurements.round(arrived.get() / seconds));
            p8.put("deliveries_vs_p4_baseline", Measurements.round(arrived.get() / seconds / (double) p4.get("baseline_per_s")));
        }
        report.put("P8_accounts", p8);
    }

    /** Runs {@code task(0..count-1)} on {@code plan.concurrency()} threads and waits for all. */
    private void inParallel(int count, IndexedTask task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(plan.concurrency());
        List<java.util.concurrent.Future<?>> done = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int index = i;
            done.add(pool.submit(() -> {
                task.run(index);
                return null;
            }));
        }
        for (var future : done) {
            future.get();
        }
        pool.shutdown();
    }

    interface IndexedTask {
        void run(int index) throws Exception;
    }

    // P5: SSE fan-out ----------------------------------------------------------------------------------

    /**
     * For each size: opens the streams from non-blocking clients in child processes, weighs the heap with them
     * idle against the heap without them (both after a full GC), then times a broadcast of {@link #SSE_ORDERS}
     * orders to every stream.
     */
    private void sseFanOut() throws Exception {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (SseSize size : sseSizes()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("connections", size.http2() ? (size.streams() + Http2SseLoad.STREAMS_PER_CONNECTION - 1) / Http2SseLoad.STREAMS_PER_CONNECTION
                    : size.streams());
            row.put("streams", size.streams());
            row.put("protocol", size.http2() ? "HTTP/2 (cleartext, " + Http2SseLoad.STREAMS_PER_CONNECTION + " streams a connection)" : "HTTP/1.1");
            try {
                sseFanOut(size, row);
            } catch (IOException | RuntimeException e) {
                row.put("failure", e.toString());
            }
            rows.add(row);
        }
        report.put("P5_sse_fan_out", rows);
        report.put("P5_limits", SSE_LIMITS);
    }

    /** One size: the heap without streams and with {@code n} idle ones (both after a full GC), then the broadcasts. */
    private void sseFanOut(SseSize size, Map<String, Object> row) throws Exception {
        awaitStreamsClosed();
        Map<String, Long> classesWithout = Profile.heapByClass(service.process().pid());
        double heapWithout = heapBytes(); // the histogram collected first
        try (SseFleet fleet = SseFleet.open(service.port(), SSE_PATH, KEY, size.streams(), size.http2())) {
            row.put("client_processes", fleet.processes());
            double held = metric("events_sse_connections");
            row.put("held", held);
            row.put("held_by_clients", fleet.held());
            if (!fleet.refusals().isEmpty()) {
                row.put("refused", fleet.refusals());
            }
            row.put("service_open_files", openFiles());
            Thread.sleep(2000); // the streams settle before the heap is weighed
            double heapIdle = heapAfterGc();
            row.put("heap_idle_after_gc_mb", Measurements.round(heapIdle / 1048576.0));
            row.put("heap_bytes_per_idle_stream", held == 0 ? null : Math.round((heapIdle - heapWithout) / held));
            if (held > 0) {
                row.put("heap_growth_top_classes_bytes_per_stream",
                        Profile.growth(classesWithout, Profile.heapByClass(service.process().pid()), 12, held));
            }
            broadcast(fleet, row);
        }
    }

    /**
     * The first event the new streams receive (slower: the service, and the clients, new processes for each size, are
     * still compiling its path; how much each compiled and worked is recorded beside it),
     * then unmeasured bursts until the JIT compilers settle (at most {@link #SSE_WARM_UP_LIMIT}), as every other
     * scenario runs after a warm-up, then one order alone (how long one event takes to reach every stream) and
     * {@link #SSE_ORDERS} at once; of that burst also the CPU the service and the clients spent on it, where the
     * service spent its own (warm-up included), and how long its liveness endpoint took to answer meanwhile.
     */
    private void broadcast(SseFleet fleet, Map<String, Object> row) throws Exception {
        long pid = service.process().pid();
        int sent = 1;
        double compiledBeforeFirst = Profile.compileSeconds(pid);
        double clientsCompiledBeforeFirst = fleet.compileSeconds();
        Duration serviceCpuBeforeFirst = cpu(service.process().toHandle());
        Duration clientCpuBeforeFirst = fleet.cpu();
        http.send(order(), HttpResponse.BodyHandlers.discarding());
        row.put("first_event_latency", fleet.latencies(sent, Duration.ofSeconds(60)).summary());
        row.put("first_event", new TreeMap<>(Map.of(
                "service_jit_compile_s", Measurements.round(Profile.compileSeconds(pid) - compiledBeforeFirst),
                "clients_jit_compile_s", Measurements.round(fleet.compileSeconds() - clientsCompiledBeforeFirst),
                "service_cpu_s", Measurements.round(cpu(service.process().toHandle()).minus(serviceCpuBeforeFirst).toMillis() / 1000.0),
                "clients_cpu_s", Measurements.round(fleet.cpu().minus(clientCpuBeforeFirst).toMillis() / 1000.0))));
        // The recording starts before the warm-up: starting one costs the service seconds of CPU and of compilation
        Profile profile = Profile.start(pid, Path.of("target", "bench-p5-" + row.get("streams") + "-" + row.get("connections") + ".jfr"));
        // bursts until one leaves the JIT compilers working at most JIT_SETTLED of its time, or the limit is reached
        long warmUpStart = System.nanoTime();
        int warmUpBursts = 0;
        boolean settled = false;
        while (!settled && System.nanoTime() - warmUpStart < SSE_WARM_UP_LIMIT.toNanos()) {
            double compiledBefore = Profile.compileSeconds(pid);
            long burstStart = System.nanoTime();
            sendOrders(SSE_ORDERS);
            sent += SSE_ORDERS;
            fleet.latencies(sent, Duration.ofSeconds(60));
            warmUpBursts++;
            settled = Profile.compileSeconds(pid) - compiledBefore <= JIT_SETTLED * (System.nanoTime() - burstStart) / 1e9;
        }
        row.put("warm_up", new TreeMap<>(Map.of("bursts", warmUpBursts, "compilers_settled", settled,
                "seconds", Measurements.round((System.nanoTime() - warmUpStart) / 1e9))));
        double compiledBefore = Profile.compileSeconds(pid);
        http.send(order(), HttpResponse.BodyHandlers.discarding());
        sent++;
        row.put("single_event_latency", fleet.latencies(sent, Duration.ofSeconds(60)).summary());
        Duration serviceCpu = cpu(service.process().toHandle());
        Duration clientCpu = fleet.cpu();
        LoopProbe probe = LoopProbe.start(service.port());
        Measurements broadcast;
        try {
            long burstStart = System.nanoTime();
            sendOrders(SSE_ORDERS);
            long ordersSent = System.nanoTime();
            sent += SSE_ORDERS;
            broadcast = fleet.latencies(sent, Duration.ofSeconds(60));
            // Each frame's latency runs from its event's commit; these run from the first order sent, so they also count
            // the orders' own wait (for a loop busy with the broadcast, say) before they commit
            row.put("burst_orders_sent_ms", Measurements.round((ordersSent - burstStart) / 1e6));
            row.put("burst_all_frames_received_ms", Measurements.round((System.nanoTime() - burstStart) / 1e6));
        } finally {
            row.put("liveness_answers_during_broadcast", probe.stop()); // never left asking through the later scenarios
        }
        row.put("service_cpu_s", Measurements.round(cpu(service.process().toHandle()).minus(serviceCpu).toMillis() / 1000.0));
        row.put("clients_cpu_s", Measurements.round(fleet.cpu().minus(clientCpu).toMillis() / 1000.0));
        row.put("jit_compile_s_in_measured_broadcasts", Measurements.round(Profile.compileSeconds(pid) - compiledBefore));
        row.put("profile", profile.stop());
        row.put("frames_received", broadcast.count());
        row.put("frames_expected", SSE_ORDERS * fleet.held());
        row.put("broadcast_latency", broadcast.summary());
        row.put("heap_used_mb", Measurements.round(heapBytes() / 1048576.0));
        row.put("rss_mb", rssMb());
    }

    private void sendOrders(int orders) throws Exception {
        for (int i = 0; i < orders; i++) {
            http.send(order(), HttpResponse.BodyHandlers.discarding());
        }
    }

    /** How many streams P5 opens, and over which protocol. */
    record SseSize(int streams, boolean http2) {
        /** {@code 5000} (HTTP/1.1) or {@code h2:20000}. */
        static SseSize parse(String size) {
            return size.startsWith("h2:") ? new SseSize(Integer.parseInt(size.substring(3)), true) : new SseSize(Integer.parseInt(size), false);
        }
    }

    /** The plan's stream counts, or BENCH_SSE_STREAMS (comma-separated, {@code h2:} before a count for HTTP/2) to try others. */
    private List<SseSize> sseSizes() {
        String sizes = System.getenv("BENCH_SSE_STREAMS");
        return sizes == null ? plan.sseConnections().stream().map(n -> new SseSize(n, false)).toList()
                : Stream.of(sizes.split(",")).map(String::trim).map(SseSize::parse).toList();
    }

    /** Streams closed by the clients leave the service's count a moment later. */
    private void awaitStreamsClosed() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (metric("events_sse_connections") > 0 && System.nanoTime() < deadline) {
            Thread.sleep(200); // poll interval of this wait
        }
    }

    /** The heap in use after a full collection of the service (jcmd GC.run), so that only live objects count. */
    private double heapAfterGc() throws Exception {
        Profile.jcmd(service.process().pid(), "GC.run");
        return heapBytes();
    }

    /**
     * CPU time so far of the service, of PostgreSQL (all its processes) and of this process (the Kafka broker,
     * the load, the receiver and the clients), to tell where a fixed load's CPU goes.
     */
    private Map<String, Duration> cpuByProcess() {
        Map<String, Duration> used = new LinkedHashMap<>();
        used.put("service", cpu(service.process().toHandle()));
        used.put("postgresql", ProcessHandle.allProcesses()
                .filter(p -> p.info().command().map(c -> c.endsWith("/postgres")).orElse(false))
                .map(Bench::cpu).reduce(Duration.ZERO, Duration::plus));
        used.put("bench_kafka_load_receiver", cpu(ProcessHandle.current()));
        return used;
    }

    /** The CPU time each process of {@link #cpuByProcess} spent per request since {@code before}, in microseconds. */
    private Map<String, Object> cpuPerRequest(Map<String, Duration> before, long requests) {
        Map<String, Object> perRequest = new LinkedHashMap<>();
        cpuByProcess().forEach((name, used) -> perRequest.put(name,
                Measurements.round(used.minus(before.get(name)).toNanos() / 1000.0 / Math.max(1, requests))));
        return perRequest;
    }

    /** The cores each process of {@link #cpuByProcess} kept busy on average over {@code during}. */
    private Map<String, Object> coresSince(Map<String, Duration> before, Duration during) {
        Map<String, Object> cores = new LinkedHashMap<>();
        cpuByProcess().forEach((name, used) -> cores.put(name,
                Measurements.round(used.minus(before.get(name)).toMillis() / (double) Math.max(1, during.toMillis()))));
        return cores;
    }

    static Duration cpu(ProcessHandle process) {
        return process.info().totalCpuDuration().orElse(Duration.ZERO);
    }

    private long openFiles() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("/proc", Long.toString(service.process().pid()), "fd"))) {
            return files.count();
        }
    }

    // P7: fairness: a receiver that never answers beside a healthy one -------------------------------

    /**
     * A service of its own (attempt timeout {@link #FAIRNESS_TIMEOUT}) delivers a backlog of due deliveries to the fast
     * receiver, after a full-size warm-up, {@link #FAIRNESS_ROUNDS} times: alone, then while a second subscription's
     * receiver accepts every connection, reads the request and never answers, alternately. Each run beside the stuck
     * subscription is compared with the mean of the two runs alone around it, so that drift in the run cancels out. The
     * stuck subscription (a new one each time) gets a backlog of its own and holds its share of attempts before the
     * healthy backlog is released; it is deleted, and its attempts have ended, before the next run alone. With P8 in
     * the run, one delivery to each of P8's subscriptions is timed after every run, beside the stuck one or not.
     */
    private void fairness(Receiver receiver) throws Exception {
        Map<String, String> env = serviceEnvironment();
        env.put("EVENTS_WEBHOOKS_TIMEOUT", FAIRNESS_TIMEOUT.toMillis() + "ms");
        env.put("EVENTS_WEBHOOKS_CONCURRENCY", Integer.toString(FAIRNESS_CONCURRENCY));
        env.put("EVENTS_WEBHOOKS_CONCURRENCY_PER_SUBSCRIPTION", Integer.toString(FAIRNESS_PER_SUBSCRIPTION));
        // Otherwise the stuck subscription is disabled after 5 timeouts and stops taking slots: here it must keep trying.
        env.put("EVENTS_WEBHOOKS_DISABLE_AFTER_FAILURES", "1000000");
        service = ServiceProcess.start(env, 0, "/q/health/ready", Path.of("target", "bench-service-p7.log"));
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(); // as after P6's restart
        int deliveries = plan.fairnessDeliveries();
        Map<String, Object> p7 = new LinkedHashMap<>();
        List<String> healthy = new ArrayList<>();
        try (Connection sql = DriverManager.getConnection(postgres.jdbcUrl(), PostgresServer.USER, "postgres");
             StuckReceiver stuck = StuckReceiver.start()) {
            // warm-up of the new instance: after a quarter of the run, the first run alone still took up to twice the second
            deliverAll(sql, receiver, "/fairness-warm-up", deliveries, healthy);
            List<Run> alone = new ArrayList<>();
            List<Run> beside = new ArrayList<>();
            List<Double> manyAlone = new ArrayList<>(); // one delivery to each of P8's subscriptions, after each run
            List<Double> manyBeside = new ArrayList<>();
            long stuckBacklog = 0;
            List<Integer> heldAtStart = new ArrayList<>();
            long acceptedDuring = 0;
            long stuckRecorded = 0;
            Map<String, Object> coresBeside = Map.of();
            for (int round = 0; round < FAIRNESS_ROUNDS; round++) {
                boolean withStuck = round % 2 == 1;
                String stuckId = null;
                long acceptedBefore = stuck.accepted();
                if (withStuck) {
                    stuckId = subscribe(stuck.url(), "bench.nothing");
                    // Far more than it can attempt during the run (its retries wait a minute), and as an hour's outage of a busy
                    // receiver leaves it: every claim must find the healthy deliveries without reading through this backlog.
                    stuckBacklog = enqueue(sql, stuckId, STUCK_BACKLOG);
                    awaitStuck(stuck, open -> open >= FAIRNESS_PER_SUBSCRIPTION); // until it holds its share
                    heldAtStart.add(stuck.open());
                    acceptedBefore = stuck.accepted();
                }
                boolean first = withStuck && beside.isEmpty();
                if (first) {
                    resetStatements();
                }
                Map<String, Duration> cpuBefore = cpuByProcess();
                Run run = deliverAll(sql, receiver, "/fairness-" + (withStuck ? "with-stuck-" : "alone-") + round, deliveries, healthy);
                if (first) {
                    coresBeside = coresSince(cpuBefore, run.time());
                    recordStatements(p7);
                }
                (withStuck ? beside : alone).add(run);
                if (runs("P8")) {
                    (withStuck ? manyBeside : manyAlone).add(deliverToMany(sql, receiver, round + 1).toMillis() / 1000.0);
                }
                if (withStuck) {
                    acceptedDuring += stuck.accepted() - acceptedBefore;
                    stuckRecorded += count(sql, "select count(*) from webhook_attempt where webhook_id = '" + stuckId + "'");
                    unsubscribe(stuckId);
                    awaitStuck(stuck, open -> open == 0); // until its last attempts time out
                }
            }

            List<Double> aloneSeconds = alone.stream().map(run -> run.time().toMillis() / 1000.0).toList();
            List<Double> besideSeconds = beside.stream().map(run -> run.time().toMillis() / 1000.0).toList();
            double withSeconds = besideSeconds.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
            p7.put("deliveries", deliveries);
            p7.put("timeout_ms", FAIRNESS_TIMEOUT.toMillis());
            p7.put("concurrency", FAIRNESS_CONCURRENCY);
            p7.put("concurrency_per_subscription", FAIRNESS_PER_SUBSCRIPTION);
            p7.put("ours_with_stuck_seconds", rounded(besideSeconds));
            p7.put("ours_with_stuck_per_s", Measurements.round(deliveries / withSeconds));
            p7.put("ours_with_stuck_cores_used", coresBeside);
            p7.put("baseline", "the same deliveries to the same receiver without the stuck subscription, in runs alternating with "
                    + "those beside it (alone, beside, alone, beside, alone); each run beside it against the mean of the two around it");
            p7.put("baseline_alone_seconds", rounded(aloneSeconds));
            p7.put("baseline_alone_per_s", Measurements.round(deliveries / aloneSeconds.stream().mapToDouble(Double::doubleValue).average().orElseThrow()));
            List<Double> ratios = bracketedRatios(aloneSeconds, besideSeconds);
            p7.put("ratio_rate_each", ratios);
            p7.put("ratio_rate", mean(ratios));
            p7.put("stuck_backlog", stuckBacklog);
            p7.put("stuck_held_at_start", heldAtStart);
            p7.put("stuck_max_held", stuck.maxOpen());
            p7.put("stuck_attempts_during_run", acceptedDuring);
            p7.put("stuck_attempts_recorded", stuckRecorded);
            p7.put("stuck_timeout_periods_during_run", Measurements.round(besideSeconds.stream().mapToDouble(Double::doubleValue).sum() * 1000 / FAIRNESS_TIMEOUT.toMillis()));
            p7.put("healthy_in_flight_alone", alone.stream().map(Run::inFlight).toList());
            p7.put("healthy_in_flight_with_stuck", beside.stream().map(Run::inFlight).toList());
            List<Double> medians = new ArrayList<>();
            for (String webhookId : healthy.subList(1, healthy.size())) {
                medians.add(attemptMedian(sql, webhookId));
            }
            p7.put("healthy_attempt_p50_ms_by_run", medians);
            p7.put("healthy_failed_attempts", count(sql, "select count(*) from webhook_attempt where status <> 'succeeded' and webhook_id in ('"
                    + String.join("', '", healthy) + "')"));
            if (!manyBeside.isEmpty()) {
                Map<String, Object> among = new LinkedHashMap<>();
                among.put("subscriptions", count(sql, "select count(*) from webhook_subscription where url like '%/accounts'"));
                among.put("baseline", "one delivery to each of P8's subscriptions after each run alone; each after a run beside the stuck "
                        + "subscription against the mean of the two around it");
                among.put("alone_seconds", rounded(manyAlone));
                among.put("with_stuck_seconds", rounded(manyBeside));
                List<Double> manyRatios = bracketedRatios(manyAlone, manyBeside);
                among.put("ratio_rate_each", manyRatios);
                among.put("ratio_rate", mean(manyRatios));
                p7.put("among_p8_subscriptions", among);
            }
        } finally {
            for (String webhookId : healthy) {
                unsubscribe(webhookId);
            }
            service.stop();
        }
        report.put("P7_fairness", p7);
    }

    /** Waits (at most three attempt timeouts) until the stuck receiver holds as many connections as {@code until} wants. */
    private static void awaitStuck(StuckReceiver stuck, java.util.function.IntPredicate until) throws InterruptedException {
        long deadline = System.nanoTime() + FAIRNESS_TIMEOUT.multipliedBy(3).toNanos();
        while (!until.test(stuck.open()) && System.nanoTime() < deadline) {
            Thread.sleep(10); // the receiver's connections are counted as they open and close
        }
    }

    /** Each run beside the stuck subscription ({@code beside[k]}) against the mean of the runs alone around it. */
    static List<Double> bracketedRatios(List<Double> alone, List<Double> beside) {
        List<Double> ratios = new ArrayList<>();
        for (int k = 0; k < beside.size(); k++) {
            ratios.add(Measurements.round((alone.get(k) + alone.get(k + 1)) / 2 / beside.get(k)));
        }
        return ratios;
    }

    private static double mean(List<Double> values) {
        return Measurements.round(values.stream().mapToDouble(Double::doubleValue).average().orElseThrow());
    }

    private static List<Double> rounded(List<Double> values) {
        return values.stream().map(Measurements::round).toList();
    }

    /** One timed backlog: until the last delivery arrived, and its attempts in flight (leases held), sampled meanwhile. */
    record Run(Duration time, double inFlight) {
    }

    /**
     * Subscribes the fast receiver at {@code path}, makes {@code deliveries} due at once, and times them until
     * all arrived; meanwhile samples how many of its deliveries are leased, that is attempts in flight.
     */
    private Run deliverAll(Connection sql, Receiver receiver, String path, int deliveries, List<String> subscriptions)
            throws Exception {
        String webhookId = subscribe(receiver.url(path), "bench.nothing");
        subscriptions.add(webhookId);
        AtomicLong arrived = receiver.count(path);
        long t0 = System.nanoTime();
        long enqueued = enqueue(sql, webhookId, deliveries);
        if (enqueued < deliveries) {
            throw new IllegalStateException("Only " + enqueued + " events to deliver, not " + deliveries);
        }
        long deadline = t0 + Duration.ofMinutes(5).toNanos();
        try (LeaseSampler leases = LeaseSampler.start(postgres.jdbcUrl(), webhookId)) {
            while (arrived.get() < deliveries) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(arrived.get() + " of " + deliveries + " deliveries arrived at " + path + " in 5 minutes");
                }
                Thread.sleep(5); // poll interval of the delivery clock (an in-memory counter)
            }
            Duration time = Duration.ofNanos(System.nanoTime() - t0);
            return new Run(time, leases.mean());
        }
    }

    /**
     * Makes one delivery due for each of P8's subscriptions (of the event {@code shift} places after the one P8 gave it,
     * so each run's are new) and times them until all arrived.
     */
    private Duration deliverToMany(Connection sql, Receiver receiver, int shift) throws Exception {
        AtomicLong arrived = receiver.count("/accounts");
        long before = arrived.get();
        long t0 = System.nanoTime();
        long enqueued = enqueueOneForEach(sql, shift);
        long deadline = t0 + Duration.ofMinutes(5).toNanos();
        while (arrived.get() - before < enqueued) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException((arrived.get() - before) + " of " + enqueued + " deliveries to P8's subscriptions arrived in 5 minutes");
            }
            Thread.sleep(5); // poll interval of the delivery clock (an in-memory counter)
        }
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    /**
     * Makes one delivery due for each of P8's subscriptions, the n-th of them getting the (n + {@code shift})-th of the
     * events P3 loaded; answers how many.
     */
    private static long enqueueOneForEach(Connection sql, int shift) throws Exception {
        try (Statement statement = sql.createStatement()) {
            return statement.executeUpdate("""
                    insert into webhook_delivery (id, webhook_id, event_id, event_type, status, attempts, next_attempt_at, created_at)
                    select gen_random_uuid(), s.id, e.event_id, e.event_type, 'pending', 0, now(), now()
                    from (select id, row_number() over (order by id) as n from webhook_subscription where url like '%%/accounts') s
                    join (select event_id, event_type, row_number() over (order by id) as n from outbox where event_type = 'bench.loaded') e
                      on e.n = s.n + %d""".formatted(shift));
        }
    }

    /** Samples every 50 ms how many deliveries of one subscription are leased (attempts in flight, over all replicas). */
    static final class LeaseSampler implements AutoCloseable {
        private final Measurements samples = new Measurements();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        private LeaseSampler(String jdbcUrl, String webhookId) {
            thread = new Thread(() -> {
                try (Connection sql = DriverManager.getConnection(jdbcUrl, PostgresServer.USER, "postgres")) {
                    while (running.get()) {
                        samples.add(count(sql, "select count(*) from webhook_delivery where webhook_id = '" + webhookId
                                + "' and lease_token is not null and status = 'pending' and next_attempt_at > now()"));
                        Thread.sleep(50); // the sampling period
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "lease-sampler");
            thread.start();
        }

        static LeaseSampler start(String jdbcUrl, String webhookId) {
            return new LeaseSampler(jdbcUrl, webhookId);
        }

        double mean() {
            return samples.mean();
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(5000);
        }
    }

    /** The median duration of a subscription's recorded attempts, as the service timed them (resolve, connect, send, status). */
    private static double attemptMedian(Connection sql, String webhookId) throws Exception {
        try (Statement statement = sql.createStatement(); ResultSet rows = statement.executeQuery(
                "select percentile_cont(0.5) within group (order by duration_ms) from webhook_attempt where webhook_id = '" + webhookId + "'")) {
            rows.next();
            return Measurements.round(rows.getDouble(1));
        }
    }

    /** Makes deliveries of the events P3 loaded due at once for the subscription; answers how many. */
    private static long enqueue(Connection sql, String webhookId, int deliveries) throws Exception {
        try (Statement statement = sql.createStatement()) {
            return statement.executeUpdate("""
                    insert into webhook_delivery (id, webhook_id, event_id, event_type, status, attempts, next_attempt_at, created_at)
                    select gen_random_uuid(), '%s', event_id, event_type, 'pending', 0, now(), now()
                    from outbox where event_type = 'bench.loaded' limit %d""".formatted(webhookId, deliveries));
        }
    }

    // helpers ------------------------------------------------------------------------------------------

    private String subscribe(String url, String eventType) throws Exception {
        return subscribe(url, eventType, KEY);
    }

    private String subscribe(String url, String eventType, String key) throws Exception {
        String body = "{\"url\":\"" + url + "\",\"eventTypes\":[\"" + eventType + "\"]}";
        return JSON.readTree(post("/webhooks", body, key)).get("id").asText();
    }

    private String post(String path, String body, String key) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(service.baseUri() + path))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new IllegalStateException("POST " + path + " answered " + response.statusCode());
        }
        return response.body();
    }

    private void get(String path) throws Exception {
        HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(service.baseUri() + path))
                .header("Authorization", "Bearer " + KEY).build(), HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + " answered " + response.statusCode());
        }
    }

    private void unsubscribe(String webhookId) throws Exception {
        unsubscribe(webhookId, KEY);
    }

    private void unsubscribe(String webhookId, String key) throws Exception {
        http.send(HttpRequest.newBuilder(URI.create(service.baseUri() + "/webhooks/" + webhookId))
                .header("Authorization", "Bearer " + key).DELETE().build(), HttpResponse.BodyHandlers.discarding());
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
        return rssMb(service);
    }

    /** The resident memory of a service process, in MB. */
    static double rssMb(ServiceProcess service) throws IOException {
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
        machine.put("cpu_calibration_ms", cpuCalibration());
        machine.put("cpu_calibration", "best of five: SHA-256 over 64 MiB on one thread (lower is a faster core); compare runs by it");
        return machine;
    }

    /** A fixed single-threaded workload's time, best of five, so that two result files can be compared. */
    static double cpuCalibration() {
        try {
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            byte[] block = new byte[1 << 20];
            long best = Long.MAX_VALUE;
            for (int run = 0; run < 5; run++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < 64; i++) {
                    sha.update(block);
                }
                sha.digest();
                best = Math.min(best, System.nanoTime() - t0);
            }
            return Measurements.round(best / 1e6);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fast webhook receiver: answers 200 at once and keeps only arrival latencies. */
    static final class Receiver implements AutoCloseable {
        private final HttpServer server;
        private final Map<String, Measurements> tracked = new java.util.concurrent.ConcurrentHashMap<>();
        private final Map<String, AtomicLong> counted = new java.util.concurrent.ConcurrentHashMap<>();
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
                AtomicLong arrivals = receiver.counted.get(exchange.getRequestURI().getPath());
                if (arrivals != null) {
                    arrivals.incrementAndGet();
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

        /** Counts the requests that arrive at {@code path} from now on. */
        AtomicLong count(String path) {
            return counted.computeIfAbsent(path, p -> new AtomicLong());
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
                        if (sendAgainIfClosed(client, () -> request).statusCode() != 200) {
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

    /**
     * A receiver that never answers: accepts every connection, reads whatever the sender writes, and
     * writes nothing back, so each attempt ends by the sender's timeout. It keeps no more than the
     * connections the sender leaves open, and closes them all when closed.
     */
    static final class StuckReceiver implements AutoCloseable {
        private final ServerSocket server;
        private final Set<Socket> held = ConcurrentHashMap.newKeySet();
        private final AtomicLong accepted = new AtomicLong();
        private final AtomicInteger maxOpen = new AtomicInteger();
        private final ExecutorService readers = Executors.newCachedThreadPool(r -> {
            Thread thread = new Thread(r, "stuck-receiver");
            thread.setDaemon(true);
            return thread;
        });

        private StuckReceiver(ServerSocket server) {
            this.server = server;
        }

        static StuckReceiver start() throws IOException {
            StuckReceiver receiver = new StuckReceiver(new ServerSocket(0, 128, InetAddress.getLoopbackAddress()));
            receiver.readers.execute(receiver::accept);
            return receiver;
        }

        String url() {
            return "http://127.0.0.1:" + server.getLocalPort() + "/stuck";
        }

        long accepted() {
            return accepted.get();
        }

        int open() {
            return held.size();
        }

        int maxOpen() {
            return maxOpen.get();
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    accepted.incrementAndGet();
                    held.add(socket);
                    maxOpen.accumulateAndGet(held.size(), Math::max);
                    readers.execute(() -> hold(socket));
                } catch (IOException closed) {
                    return;
                }
            }
        }

        /** Reads until the sender gives up and closes or resets the connection. */
        private void hold(Socket socket) {
            byte[] buffer = new byte[8192];
            try (socket; InputStream in = socket.getInputStream()) {
                while (in.read(buffer) >= 0) {
                    // the request is read and dropped; no answer is ever written
                }
            } catch (IOException reset) {
                // the sender reset the connection at its timeout
            } finally {
                held.remove(socket);
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket socket : held) {
                socket.close();
            }
            readers.shutdownNow();
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

        /**
         * The raw producer baseline: {@code count} records of {@code size} bytes, until all are acknowledged; with
         * Kafka's default batch size unless {@code batchBytes} is given.
         */
        static Duration produce(String bootstrap, String topic, int count, int size, String batchBytes) throws Exception {
            String value = "x".repeat(size);
            Properties props = producerProps(bootstrap);
            if (batchBytes != null) {
                props.put("batch.size", batchBytes);
            }
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
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
