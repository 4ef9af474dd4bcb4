package dev.tidings.webhook.subscription;

import com.standardwebhooks.Webhook;
import dev.tidings.secrets.SecretCipher;
import dev.tidings.support.Database;
import dev.tidings.support.Orders;
import dev.tidings.support.PlainTextScan;
import dev.tidings.support.ServiceProcess;
import dev.tidings.support.ServiceProcesses;
import dev.tidings.support.TestInfrastructure;
import dev.tidings.support.WebhookReceiver;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Upgrading a database whose signing secrets are stored in plain text (schema version 10): the packaged
 * service's Flyway seals them at startup, they keep signing, and none is left in plain text.
 */
@Tag("processes")
class PlainSecretsMigrationIT {

    @RegisterExtension
    static final ServiceProcesses services = new ServiceProcesses("plain-secrets-migration-it.log");

    private static final SecureRandom RANDOM = new SecureRandom();

    @Test
    void plainTextSecretsAreSealedByTheUpgradeAndStillSign() throws Exception {
        String database = "tidings_upgrade_" + Long.toHexString(RANDOM.nextLong() & Long.MAX_VALUE);
        String url = jdbcUrl(database);
        String key = newBase64(32);
        String fingerprint = SecretCipher.of(List.of(key)).sealingFingerprint();
        String active = "whsec_" + newBase64(32);
        String rotating = "whsec_" + newBase64(32);
        String expired = "whsec_" + newBase64(32);
        Database.execute("create database " + database);
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            Flyway.configure().dataSource(url, TestInfrastructure.user(), TestInfrastructure.password())
                    .locations("classpath:db/migration").target("10").load().migrate();
            String target = receiver.newEndpoint();
            UUID webhookId = UUID.randomUUID();
            try (Connection connection = DriverManager.getConnection(url, TestInfrastructure.user(), TestInfrastructure.password())) {
                update(connection, "insert into webhook_subscription (id, url, event_types, versions, status, created_at, updated_at) "
                        + "values (?, ?, '{order.created}', '{}', 'active', now(), now())", webhookId, target);
                String insert = "insert into webhook_secret (webhook_id, secret, created_at, expires_at) values (?, ?, now(), now() + ?::interval)";
                update(connection, "insert into webhook_secret (webhook_id, secret, created_at) values (?, ?, now())", webhookId, active);
                update(connection, insert, webhookId, rotating, "1 hour");
                update(connection, insert, webhookId, expired, "-1 minute");
            }

            Map<String, String> environment = ServiceProcesses.webhookEnvironment();
            environment.put("QUARKUS_DATASOURCE_JDBC_URL", url);
            environment.put("QUARKUS_DATASOURCE_REACTIVE_URL", url.replaceFirst("^jdbc:", ""));
            environment.put("EVENTS_SECRETS_KEYS", key);
            ServiceProcess service = services.start(environment);
            try (Connection connection = DriverManager.getConnection(url, TestInfrastructure.user(), TestInfrastructure.password())) {
                assertThat(strings(connection, "select type || ' ' || success from flyway_schema_history where version = '11'"))
                        .containsExactly("JDBC true");
                // The expired one is dropped by the maintenance at startup; the other two are sealed under the key.
                await().atMost(Duration.ofSeconds(30)).until(() -> strings(connection,
                        "select key_fingerprint from webhook_secret order by id"), fingerprints -> fingerprints.size() == 2);
                assertThat(strings(connection, "select key_fingerprint from webhook_secret")).containsOnly(fingerprint);
                assertThat(PlainTextScan.occurrences(connection, plainForms(active, rotating, expired))).isEmpty();
            }

            service.request().body(Orders.newOrder("upgraded")).post("/orders").then().statusCode(201);
            WebhookReceiver.Received request = receiver.awaitRequests(target, 1).get(0);
            assertThat(request.header("webhook-signature").split(" ")).hasSize(2);
            new Webhook(active).verify(request.body(), request.headers());
            new Webhook(rotating).verify(request.body(), request.headers());
            service.stop();
            assertThat(Files.readString(services.log())).doesNotContain(active).doesNotContain(rotating).doesNotContain(expired);
        } finally {
            // With force: a service still connected (a failed run) is disconnected first.
            Database.execute("drop database if exists " + database + " with (force)");
        }
    }

    /** A secret as text, its base64 part, and its bytes as a bytea prints them or inside a longer one. */
    private static List<String> plainForms(String... secrets) {
        List<String> forms = new ArrayList<>();
        for (String secret : secrets) {
            String encoded = secret.substring("whsec_".length());
            byte[] raw = Base64.getDecoder().decode(encoded);
            forms.addAll(List.of(secret, encoded, PlainTextScan.byteaText(raw), HexFormat.of().formatHex(raw)));
        }
        return forms;
    }

    /** The test server's JDBC URL, for another database on it. */
    private static String jdbcUrl(String database) {
        String jdbcUrl = TestInfrastructure.jdbcUrl();
        int query = jdbcUrl.indexOf('?');
        String path = query < 0 ? jdbcUrl : jdbcUrl.substring(0, query);
        return path.substring(0, path.lastIndexOf('/') + 1) + database + jdbcUrl.substring(path.length());
    }

    private static void update(Connection connection, String sql, Object... args) throws Exception {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                statement.setObject(i + 1, args[i]);
            }
            statement.executeUpdate();
        }
    }

    private static List<String> strings(Connection connection, String sql) throws Exception {
        try (PreparedStatement statement = connection.prepareStatement(sql); ResultSet rows = statement.executeQuery()) {
            List<String> values = new ArrayList<>();
            while (rows.next()) {
                values.add(rows.getString(1));
            }
            return values;
        }
    }

    private static String newBase64(int bytes) {
        byte[] value = new byte[bytes];
        RANDOM.nextBytes(value);
        return Base64.getEncoder().encodeToString(value);
    }
}
