package dev.tidings.account;

import dev.tidings.support.Accounts;
import dev.tidings.support.Accounts.Tenant;
import dev.tidings.support.Api;
import dev.tidings.support.PlainTextScan;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Account keys are stored as digests only: no table holds one in plain text, in any of its forms (CONTRACT §11). */
@QuarkusTest
class AccountKeysAtRestTest {

    @Test
    void noTableHoldsAnAccountKeyInPlainText() {
        Tenant tenant = Accounts.create("keys-at-rest");
        String second = tenant.given().body(Map.of("description", "rotating")).post("/accounts/{id}/keys", tenant.id())
                .then().statusCode(201).extract().path("key");
        // both keys work, so the service holds something that recognises them
        tenant.given().get("/accounts/{id}", tenant.id()).then().statusCode(200);

        for (String key : List.of(tenant.key(), second)) {
            String encoded = key.substring(AccountKeys.MARK.length());
            byte[] raw = Base64.getUrlDecoder().decode(encoded);
            assertThat(raw).hasSize(32);
            assertThat(PlainTextScan.occurrences(List.of(key, encoded, PlainTextScan.byteaText(raw), HexFormat.of().formatHex(raw),
                    Base64.getEncoder().encodeToString(raw)))).isEmpty();
            // the scan reads the key table: the digest is where it should be
            assertThat(PlainTextScan.occurrences(List.of(PlainTextScan.byteaText(AccountKeys.digest(key)))))
                    .containsExactly("account_key: text 1");
        }
        assertThat(Api.given().get("/accounts/{id}/keys", tenant.id()).then().extract().asString())
                .doesNotContain(tenant.key()).doesNotContain(second);
    }
}
