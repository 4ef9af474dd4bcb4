package dev.tidings.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;

import java.nio.file.Files;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Starts a real PostgreSQL and a real Kafka broker once per test run and points the service at them.
 * External ones can be used instead: set TEST_DATABASE_URL (a JDBC URL), TEST_DATABASE_USER,
 * TEST_DATABASE_PASSWORD and TEST_KAFKA_BOOTSTRAP_SERVERS.
 */
@WithTestResource(value = TestInfrastructure.class, scope = TestResourceScope.GLOBAL)
public class TestInfrastructure implements QuarkusTestResourceLifecycleManager {

    /** The key of {@code %test.events.secrets.keys}: service processes open what in-process tests sealed, and the reverse. */
    public static final String SECRETS_KEY = "dGlkaW5ncy10ZXN0LWtleTpub3QtYS1yZWFsLW9uZSE=";

    private static String jdbcUrl;
    private static String user;
    private static String password;
    private static String bootstrapServers;
    private static PostgresServer postgres;
    private static KafkaBroker kafka;

    @Override
    public synchronized Map<String, String> start() {
        try {
            startOnce();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot start the test infrastructure", e);
        }
        return serviceConfiguration();
    }

    /** The service's configuration for this infrastructure, as Quarkus property names. */
    public static Map<String, String> serviceConfiguration() {
        return Map.of(
                "quarkus.datasource.jdbc.url", jdbcUrl,
                "quarkus.datasource.reactive.url", jdbcUrl.replaceFirst("^jdbc:", ""),
                "quarkus.datasource.username", user,
                "quarkus.datasource.password", password,
                "kafka.bootstrap.servers", bootstrapServers);
    }

    /** The same configuration as environment variables (plus the test keys), for a service started as a process. */
    public static Map<String, String> serviceEnvironment() {
        Map<String, String> environment = new HashMap<>();
        serviceConfiguration().forEach((name, value) ->
                environment.put(name.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_"), value));
        environment.put("EVENTS_AUTH_API_KEYS", Api.KEY);
        environment.put("EVENTS_SECRETS_KEYS", SECRETS_KEY);
        return environment;
    }

    /** Starts (once) what the tests need, also for tests that run the service as a separate process. */
    public static synchronized void startOnce() throws Exception {
        if (jdbcUrl != null) {
            return;
        }
        String externalDatabase = System.getenv("TEST_DATABASE_URL");
        if (externalDatabase != null) {
            jdbcUrl = externalDatabase;
            user = System.getenv().getOrDefault("TEST_DATABASE_USER", "postgres");
            password = System.getenv().getOrDefault("TEST_DATABASE_PASSWORD", "postgres");
        } else {
            postgres = PostgresServer.start(null, 0);
            jdbcUrl = postgres.jdbcUrl();
            user = PostgresServer.USER;
            password = "postgres";
        }
        String externalKafka = System.getenv("TEST_KAFKA_BOOTSTRAP_SERVERS");
        if (externalKafka != null) {
            bootstrapServers = externalKafka;
        } else {
            kafka = KafkaBroker.start(Files.createTempDirectory("tidings-kafka"), 0, 0);
            bootstrapServers = kafka.bootstrapServers();
        }
    }

    public static String jdbcUrl() {
        return jdbcUrl;
    }

    public static String user() {
        return user;
    }

    public static String password() {
        return password;
    }

    public static String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public synchronized void stop() {
        try {
            if (kafka != null) {
                kafka.close();
            }
            if (postgres != null) {
                postgres.close();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            kafka = null;
            postgres = null;
            jdbcUrl = null;
        }
    }
}
