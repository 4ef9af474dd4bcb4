package dev.tidings.local;

import dev.tidings.support.KafkaBroker;
import dev.tidings.support.PostgresServer;
import dev.tidings.support.ServiceProcess;

import java.nio.file.Path;
import java.util.Map;

/**
 * Runs Tidings on a developer machine with nothing installed but a JDK: a PostgreSQL and a Kafka
 * broker whose data lives in {@code .tidings-local/}, and the packaged service on 127.0.0.1:8080.
 * Started by {@code ./mvnw -Plocal}; Ctrl-C stops all three. Test scope only: never in the artifact.
 */
public final class LocalStack {

    static final String API_KEY = "local-dev-key";
    /** Seals the webhook secrets kept in .tidings-local/: fixed, so they still open after a restart; never for real use. */
    static final String SECRETS_KEY = "dGlkaW5ncy1sb2NhbC1rZXk6ZGV2LW9ubHktMTIzNDU=";

    private LocalStack() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(System.getProperty("tidings.local.data", ".tidings-local")).toAbsolutePath();
        PostgresServer postgres = PostgresServer.start(data.resolve("postgres"), 54329);
        KafkaBroker kafka = KafkaBroker.start(data.resolve("kafka"), 19092, 19093);
        ServiceProcess service = ServiceProcess.start(Map.of(
                "QUARKUS_DATASOURCE_JDBC_URL", postgres.jdbcUrl(),
                "QUARKUS_DATASOURCE_REACTIVE_URL", postgres.reactiveUrl(),
                "QUARKUS_DATASOURCE_USERNAME", PostgresServer.USER,
                "QUARKUS_DATASOURCE_PASSWORD", "postgres",
                "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "EVENTS_AUTH_API_KEYS", API_KEY,
                "EVENTS_SECRETS_KEYS", SECRETS_KEY), 8080, "/q/health/ready", null);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                service.stop();
                kafka.close();
                postgres.close();
            } catch (Exception e) {
                e.printStackTrace();
            }
        }));
        System.out.printf("%nTidings is ready on %s (PostgreSQL on localhost:%d, Kafka on %s, data in %s)%n"
                        + "API key: %s%n  curl -H 'Authorization: Bearer %s' %s/orders%nCtrl-C stops it.%n%n",
                service.baseUri(), postgres.port(), kafka.bootstrapServers(), data, API_KEY, API_KEY, service.baseUri());
        service.process().waitFor();
    }
}
