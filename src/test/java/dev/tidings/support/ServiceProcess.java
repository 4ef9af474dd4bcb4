package dev.tidings.support;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.awaitility.Awaitility.await;

/** The packaged service ({@code target/quarkus-app}) run as a separate process, so it can be killed for real. */
public final class ServiceProcess implements AutoCloseable {

    public static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");

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
        if (!Files.exists(JAR)) {
            throw new IllegalStateException(JAR + " is missing: package the service first (./mvnw package -DskipTests)");
        }
        int httpPort = port > 0 ? port : KafkaBroker.freePort();
        ProcessBuilder builder = new ProcessBuilder(javaExecutable(), "-jar", JAR.toString());
        builder.environment().putAll(environment);
        builder.environment().put("QUARKUS_HTTP_HOST", "127.0.0.1");
        builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(httpPort));
        if (log == null) {
            builder.inheritIO();
        } else {
            builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        }
        ServiceProcess service = new ServiceProcess(builder.start(), httpPort);
        service.awaitHealthy(healthPath);
        return service;
    }

    public String baseUri() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** An authenticated JSON request to this instance. */
    public io.restassured.specification.RequestSpecification request() {
        return io.restassured.RestAssured.given().baseUri(baseUri()).header("Authorization", "Bearer " + Api.KEY)
                .contentType("application/json");
    }

    private void awaitHealthy(String healthPath) {
        HttpClient client = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("The service exited with code " + process.exitValue());
            }
            try {
                HttpResponse<Void> response = client.send(HttpRequest.newBuilder(URI.create(baseUri() + healthPath)).build(),
                        HttpResponse.BodyHandlers.discarding());
                return response.statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
    }

    /** SIGKILL: no shutdown hook, no graceful anything, as when a node dies. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** SIGTERM, then wait for the process to exit. */
    public int stop() throws InterruptedException {
        process.destroy();
        return process.waitFor();
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

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java" + (File.separatorChar == '\\' ? ".exe" : "")).toString();
    }
}
