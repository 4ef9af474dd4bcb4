package dev.tidings.account;

import dev.tidings.support.Accounts;
import dev.tidings.support.Accounts.Tenant;
import dev.tidings.support.Database;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A revoked key whose notification never arrived (the listening connection was down at the time) is still refused
 * within the 5 seconds of CONTRACT §11: the lookup forgets what it remembered on its own.
 */
@QuarkusTest
class AccountKeyExpiryTest {

    /** Notifies every replica of a deleted key (migration V12). */
    private static final String TRIGGER = "account_key_revoked";

    @Test
    void aKeyRevokedWithoutANotificationIsRefusedWithinFiveSeconds() throws Exception {
        Tenant tenant = Accounts.create("revoked-unnoticed");
        tenant.given().get("/accounts/{id}", tenant.id()).then().statusCode(200); // looked up and remembered

        deleteKeysWithoutNotification(tenant.id());

        // the lookup has not heard of it (otherwise this test would not test the expiry)
        tenant.given().get("/accounts/{id}", tenant.id()).then().statusCode(200);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> tenant.given().get("/accounts/{id}", tenant.id()).statusCode() == 401);
    }

    /** The trigger that notifies every replica is off for this transaction only, so nobody else sees it off. */
    private static void deleteKeysWithoutNotification(String account) throws Exception {
        try (Connection sql = Database.connect()) {
            sql.setAutoCommit(false);
            try (Statement statement = sql.createStatement();
                 PreparedStatement delete = sql.prepareStatement("delete from account_key where account_id = ?::uuid")) {
                statement.execute("alter table account_key disable trigger " + TRIGGER);
                delete.setString(1, account);
                assertThat(delete.executeUpdate()).isEqualTo(1);
                statement.execute("alter table account_key enable trigger " + TRIGGER);
            }
            sql.commit();
        }
    }
}
