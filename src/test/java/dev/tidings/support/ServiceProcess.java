package dev.tidings.support;

import io.restassured.RestAssured;
import io.restassured.config.HttpClientConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.specification.RequestSpecification;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/** The packaged service ({@code target/quarkus-app}) run as a separate process, so it can be killed for real. */
public final class ServiceProcess implements AutoCloseable {

    public static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
    /**
     * The container image's JVM options (JAVA_OPTS_APPEND in src/main/docker/Dockerfile.jvm), so a process runs as deployed;
     * all but its class archive, which the image's build makes ({@link #trainClassArchive} makes one the same way).
     */
    public static final List<String> JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-XX:MaxRAMPercentage=70.0",
            "-XX:TrimNativeHeapInterval=5000", "-XX:+ExitOnOutOfMemoryError", "-Djava.util.logging.manager=org.jboss.logmanager.LogManager");

    /** The JVM image's training run for its class archive (Dockerfile.jvm); it gives up on its own after 180 s. */
    private static final Path CLASS_ARCHIVE_TRAINING = Path.of("src", "main", "docker", "train-class-archive.sh");

    /** How long a start may take before the test gives up, and how long a process may take to exit. */
    private static final Duration STARTUP = Duration.ofSeconds(90);
    private static final Duration EXIT = Duration.ofSeconds(60);
    private static final Duration TRAINING = Duration.ofMinutes(4);

    /** Requests to an instance fail instead of waiting forever on one that hangs. */
    private static final RestAssuredConfig TIMEOUTS = RestAssuredConfig.config().httpClient(HttpClientConfig.httpClientConfig()
            .setParam("http.connection.timeout", 10_000).setParam("http.socket.timeout", 30_000));

    private final Process process;
    private final int port;

    private ServiceProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Starts the service on 127.0.0.1 with the given environment (on top of the current one) and waits
     * until it answers on {@code healthPath}. Output goes to {@code log}, or to this console when null.
     */
    public static ServiceProcess start(Map<String, String> environment, int port, String healthPath, Path log) throws IOException {
        return start(command(), environment, port, healthPath, log);
    }

    /** As {@link #start(Map, int, String, Path)}, with another command (see {@link #command(Path, List, Path)}). */
    public static ServiceProcess start(List<String> command, Map<String, String> environment, int port, String healthPath, Path log)
            throws IOException {
        if (!Files.exists(JAR)) {
            throw new IllegalStateException(JAR + " is missing: package the service first (./mvnw package -DskipTests)");
        }
        int httpPort = port > 0 ? port : KafkaBroker.freePort();
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        builder.environment().put("QUARKUS_HTTP_HOST", "127.0.0.1");
        builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(httpPort));
        if (log == null) {
            builder.inheritIO();
        } else {
            builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        }
        Process process = builder.start();
        ServiceProcess service = new ServiceProcess(process, httpPort);
        try {
            service.awaitHealthy(healthPath);
        } catch (RuntimeException | Error notHealthy) {
            process.destroyForcibly(); // a service that never became healthy is not left running
            throw notHealthy;
        }
        return service;
    }

    /** The command that starts the service, with the container image's JVM options. */
    public static List<String> command() {
        return command(Path.of(System.getProperty("java.home")), List.of(), JAR);
    }

    /** The command that starts {@code jar} with the JDK at {@code javaHome}, the image's JVM options and then {@code options}. */
    public static List<String> command(Path javaHome, List<String> options, Path jar) {
        List<String> command = new ArrayList<>(List.of(javaHome.resolve("bin").resolve("java" + (File.separatorChar == '\\' ? ".exe" : "")).toString()));
        command.addAll(JVM_OPTIONS);
        command.addAll(options);
        command.addAll(List.of("-jar", jar.toString()));
        return command;
    }

    /**
     * Makes a class archive as the JVM image does: its training script starts {@link #command()} once without a
     * database or broker and stops it once it is live. Its output is appended to {@code log}.
     */
    public static void trainClassArchive(Path archive, Path log) throws IOException, InterruptedException {
        List<String> training = new ArrayList<>(List.of(CLASS_ARCHIVE_TRAINING.toString(), archive.toAbsolutePath().toString()));
        training.addAll(command());
        ProcessBuilder builder = new ProcessBuilder(training).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(KafkaBroker.freePort()));
        Process trainer = builder.start();
        try {
            if (!trainer.waitFor(TRAINING.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException("The class archive's training did not end within " + TRAINING.toMinutes() + " min");
            }
        } finally {
            trainer.destroyForcibly();
        }
        if (trainer.exitValue() != 0) {
            throw new IllegalStateException("The class archive's training failed with code " + trainer.exitValue() + " (output in " + log + ")");
        }
    }

    public String baseUri() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** An authenticated JSON request to this instance. */
    public RequestSpecification request() {
        return RestAssured.given().config(TIMEOUTS).baseUri(baseUri()).header("Authorization", "Bearer " + Api.KEY)
                .contentType("application/json");
    }

    private void awaitHealthy(String healthPath) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        await().atMost(STARTUP).pollInterval(Duration.ofMillis(50)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("The service exited with code " + process.exitValue());
            }
            try {
                HttpResponse<Void> response = client.send(HttpRequest.newBuilder(URI.create(baseUri() + healthPath))
                                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
                return response.statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
    }

    /** SIGKILL: no shutdown hook, no graceful anything, as when a node dies. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        awaitExit();
    }

    /** SIGTERM, then wait (bounded) for the process to exit; one that does not is killed and the call fails. */
    public int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(EXIT.toSeconds(), TimeUnit.SECONDS)) {
            kill();
            throw new AssertionError("The service did not exit within " + EXIT.toSeconds() + " s of SIGTERM");
        }
        return process.exitValue();
    }

    private void awaitExit() throws InterruptedException {
        if (!process.waitFor(EXIT.toSeconds(), TimeUnit.SECONDS)) {
            throw new IllegalStateException("Process " + process.pid() + " is still running after SIGKILL");
        }
    }

    public Process process() {
        return process;
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
