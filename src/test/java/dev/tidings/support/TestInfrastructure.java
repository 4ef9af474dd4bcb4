package dev.tidings.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;

import java.nio.file.Files;
import java.util.Map;

/**
 * Starts a real PostgreSQL and a real Kafka broker once per test run and points the service at them.
 * External ones can be used instead: set TEST_DATABASE_URL (a JDBC URL), TEST_DATABASE_USER,
 * TEST_DATABASE_PASSWORD and TEST_KAFKA_BOOTSTRAP_SERVERS.
 */
@WithTestResource(value = TestInfrastructure.class, scope = TestResourceScope.GLOBAL)
public class TestInfrastructure implements QuarkusTestResourceLifecycleManager {

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
        return Map.of(
                "quarkus.datasource.jdbc.url", jdbcUrl,
                "quarkus.datasource.reactive.url", jdbcUrl.replaceFirst("^jdbc:", ""),
                "quarkus.datasource.username", user,
                "quarkus.datasource.password", password,
                "kafka.bootstrap.servers", bootstrapServers);
    }

    private static void startOnce() throws Exception {
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
