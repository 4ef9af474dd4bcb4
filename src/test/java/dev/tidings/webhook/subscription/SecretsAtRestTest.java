package dev.tidings.webhook.subscription;

import dev.tidings.support.Api;
import dev.tidings.support.Database;
import dev.tidings.support.PlainTextScan;
import dev.tidings.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Signing secrets are stored sealed: no table holds one in plain text, in any of the forms it could take. */
@QuarkusTest
class SecretsAtRestTest {

    @AfterEach
    void deleteSubscriptions() {
        Webhooks.deleteAll();
    }

    @Test
    void neitherASecretNorItsRotatedSuccessorAppearsInPlainTextInAnyTable() throws Exception {
        String url = "http://127.0.0.1:9/hooks/at-rest-" + UUID.randomUUID();
        JsonPath created = Webhooks.subscribe(url, List.of("order.created"));
        String id = created.getString("id");
        String rotated = Api.given().post("/webhooks/{id}/secret/rotation", id).then().statusCode(200).extract().path("secret");
        assertThat(Database.count("select count(*) from webhook_secret where webhook_id = ?", UUID.fromString(id))).isEqualTo(2);

        List<String> plainForms = new ArrayList<>();
        for (String secret : List.of(created.getString("secret"), rotated)) {
            String encoded = secret.substring("whsec_".length());
            byte[] raw = Base64.getDecoder().decode(encoded);
            plainForms.addAll(List.of(secret, encoded, PlainTextScan.byteaText(raw), HexFormat.of().formatHex(raw)));
        }
        assertThat(PlainTextScan.occurrences(plainForms)).isEmpty();

        // The scan does read these rows: the subscription's URL and the sealed bytes are found where they are.
        assertThat(PlainTextScan.occurrences(List.of(url))).containsExactly("webhook_subscription: text 1");
        assertThat(PlainTextScan.occurrences(List.of(PlainTextScan.byteaText(sealedBytes(id)))))
                .containsExactly("webhook_secret: text 1");
    }

    @Test
    void theJavaMigrationThatSealedExistingSecretsRanAndNoPlainTextColumnIsLeft() {
        assertThat(Database.strings("select type || ' ' || success from flyway_schema_history where version = '11'"))
                .containsExactly("JDBC true");
        assertThat(Database.strings("select column_name from information_schema.columns where table_name = 'webhook_secret' "
                + "order by ordinal_position"))
                .containsExactly("id", "webhook_id", "sealed_secret", "key_fingerprint", "created_at", "expires_at");
    }

    private static byte[] sealedBytes(String webhookId) throws Exception {
        try (Connection connection = Database.connect();
             PreparedStatement select = connection.prepareStatement(
                     "select sealed_secret from webhook_secret where webhook_id = ? order by id limit 1")) {
            select.setObject(1, UUID.fromString(webhookId));
            try (ResultSet rows = select.executeQuery()) {
                assertThat(rows.next()).isTrue();
                return rows.getBytes(1);
            }
        }
    }
}
