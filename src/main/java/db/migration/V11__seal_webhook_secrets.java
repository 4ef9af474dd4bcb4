package db.migration;

import dev.tidings.config.EventsConfig;
import dev.tidings.secrets.SecretCipher;
import io.smallrye.config.SmallRyeConfig;
import org.eclipse.microprofile.config.ConfigProvider;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Seals every plain-text webhook signing secret under the first key of {@code events.secrets.keys}, in
 * the migration's transaction; Java, because the key is configuration and the service's cipher seals.
 */
public class V11__seal_webhook_secrets extends BaseJavaMigration {

    /** The secret no longer is the key (nor stored): rows get an id of their own. */
    private static final String SEALED_TABLE = """
            create table webhook_secret (
                id              bigint generated always as identity primary key,
                webhook_id      uuid not null references webhook_subscription (id) on delete cascade,
                sealed_secret   bytea not null,
                key_fingerprint varchar(16) not null,
                created_at      timestamp(6) with time zone not null,
                expires_at      timestamp(6) with time zone
            )""";

    private record Row(UUID webhookId, SecretCipher.Sealed sealed, OffsetDateTime createdAt, OffsetDateTime expiresAt) {
    }

    @Override
    public void migrate(Context context) throws SQLException {
        SecretCipher cipher = SecretCipher.of(ConfigProvider.getConfig().unwrap(SmallRyeConfig.class)
                .getConfigMapping(EventsConfig.class).secrets().keys());
        Connection connection = context.getConnection();
        List<Row> sealed = new ArrayList<>();
        try (Statement select = connection.createStatement();
             ResultSet rows = select.executeQuery("select webhook_id, secret, created_at, expires_at from webhook_secret")) {
            while (rows.next()) {
                UUID webhookId = rows.getObject("webhook_id", UUID.class);
                sealed.add(new Row(webhookId, cipher.seal(webhookId, rows.getString("secret")),
                        rows.getObject("created_at", OffsetDateTime.class), rows.getObject("expires_at", OffsetDateTime.class)));
            }
        }
        try (Statement statement = connection.createStatement()) {
            // A new table, not a dropped column: a dropped column's values stay in the table's pages until rewritten.
            statement.execute("drop table webhook_secret");
            statement.execute(SEALED_TABLE);
            statement.execute("create index webhook_secret_webhook on webhook_secret (webhook_id)");
            // The upkeep looks for secrets under retiring keys, and for expired ones, every minute.
            statement.execute("create index webhook_secret_key on webhook_secret (key_fingerprint)");
            statement.execute("create index webhook_secret_expiry on webhook_secret (expires_at) where expires_at is not null");
        }
        try (PreparedStatement insert = connection.prepareStatement("insert into webhook_secret "
                + "(webhook_id, sealed_secret, key_fingerprint, created_at, expires_at) values (?, ?, ?, ?, ?)")) {
            for (Row row : sealed) {
                insert.setObject(1, row.webhookId());
                insert.setBytes(2, row.sealed().bytes());
                insert.setString(3, row.sealed().keyFingerprint());
                insert.setObject(4, row.createdAt());
                insert.setObject(5, row.expiresAt());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }
}
