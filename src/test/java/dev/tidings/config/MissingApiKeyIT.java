package dev.tidings.config;

import dev.tidings.support.ServiceProcess;
import dev.tidings.support.TestInfrastructure;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Outside dev mode the packaged service refuses to start without an API key or a secrets key, with a
 * malformed secrets key, or with a size, count or duration that would break it, and says which key is wrong.
 */
@Tag("processes")
class MissingApiKeyIT {

    private static final Path LOG = Path.of("target", "refused-configuration-it.log");

    @Test
    void theServiceRefusesToStartWithoutAnApiKey() throws Exception {
        assertThat(refusedStartup(Map.of())).contains("events.auth.api-keys");
    }

    @Test
    void theServiceRefusesToStartWithoutASecretsKey() throws Exception {
        TestInfrastructure.startOnce();
        Map<String, String> environment = new HashMap<>(TestInfrastructure.serviceEnvironment());
        environment.remove("EVENTS_SECRETS_KEYS");
        assertThat(refusedStartup(environment)).contains("events.secrets.keys");
    }

    /** Not base64; 16 bytes (AES-128, not 256); a second key that is not base64. The key itself is never repeated. */
    @ParameterizedTest
    @ValueSource(strings = {"not-base64-at-all!", "c2l4dGVlbi1ieXRlLWtleQ==", "dGlkaW5ncy10ZXN0LWtleTpub3QtYS1yZWFsLW9uZSE=,x#y"})
    void theServiceRefusesToStartWithAMalformedSecretsKey(String keys) throws Exception {
        TestInfrastructure.startOnce();
        Map<String, String> environment = new HashMap<>(TestInfrastructure.serviceEnvironment());
        environment.put("EVENTS_SECRETS_KEYS", keys);
        String output = refusedStartup(environment);
        assertThat(output).contains("events.secrets.keys");
        for (String key : keys.split(",")) {
            assertThat(output).doesNotContain(key);
        }
    }

    @ParameterizedTest
    @CsvSource({"EVENTS_OUTBOX_BATCH_SIZE, 0, events.outbox.batch-size",
            "EVENTS_WEBHOOKS_CONCURRENCY, -1, events.webhooks.concurrency",
            "EVENTS_LIMITS_EVENT_BYTES, 0, events.limits.event-bytes",
            "EVENTS_OUTBOX_POLL_INTERVAL, 0s, events.outbox.poll-interval"})
    void theServiceRefusesToStartWithAValueThatWouldBreakIt(String variable, String value, String key) throws Exception {
        TestInfrastructure.startOnce(); // with a database and a broker, so that nothing else stops it first
        Map<String, String> environment = new HashMap<>(TestInfrastructure.serviceEnvironment());
        environment.put(variable, value);
        assertThat(refusedStartup(environment)).contains(key);
    }

    /** Every wrong key is named, not only the first, and the service stops before it touches the database. */
    @Test
    void theServiceNamesEveryWrongKeyBeforeItConnectsToTheDatabase() throws Exception {
        TestInfrastructure.startOnce();
        Map<String, String> environment = new HashMap<>(TestInfrastructure.serviceEnvironment());
        environment.put("EVENTS_SSE_CLIENT_BUFFER", "0");
        environment.put("EVENTS_WEBHOOKS_TIMEOUT", "-5s");
        environment.put("EVENTS_KAFKA_TOPIC_PREFIX", "events/");
        String output = refusedStartup(environment);
        assertThat(output).contains("events.sse.client-buffer", "events.webhooks.timeout", "events.kafka.topic-prefix")
                .doesNotContain("org.flywaydb"); // Flyway logs the database it connects to before it migrates
    }

    /** Starts the packaged service with this environment, expects it to exit by itself, and answers its output. */
    private static String refusedStartup(Map<String, String> environment) throws Exception {
        Files.deleteIfExists(LOG);
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", ServiceProcess.JAR.toString())
                .redirectErrorStream(true).redirectOutput(LOG.toFile()); // a file: the process never blocks on a full pipe
        builder.environment().remove("EVENTS_AUTH_API_KEYS");
        builder.environment().remove("EVENTS_SECRETS_KEYS");
        builder.environment().put("QUARKUS_HTTP_PORT", "0");
        builder.environment().put("QUARKUS_HTTP_HOST", "127.0.0.1");
        builder.environment().putAll(environment);
        Process process = builder.start();
        try {
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the service exited on its own").isTrue();
            assertThat(process.exitValue()).isNotZero();
            return Files.readString(LOG);
        } finally {
            process.destroyForcibly();
        }
    }
}
