package dev.tidings.webhook.subscription;

import dev.tidings.support.Api;
import dev.tidings.support.Database;
import dev.tidings.support.Orders;
import dev.tidings.support.WebhookReceiver;
import dev.tidings.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** The SSRF rules with their production defaults: refused at creation, and again when connecting. */
@QuarkusTest
@TestProfile(TargetRulesTest.ProductionTargetRules.class)
class TargetRulesTest {

    public static class ProductionTargetRules implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("events.webhooks.allow-http", "false", "events.webhooks.allow-private-targets", "false");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://127.0.0.1/x", "https://localhost/x", "https://2130706433/x", "https://0x7f000001/x",
            "https://0177.0.0.1/x", "https://127.1/x", "https://[::1]/x", "https://[::ffff:127.0.0.1]/x",
            "https://169.254.169.254/latest/meta-data", "https://10.0.0.1/x", "https://192.168.0.1/x", "https://172.16.0.1/x",
            "https://100.64.0.1/x", "https://[fd00::1]/x", "https://[fe80::1]/x", "https://[64:ff9b::a00:1]/x",
            "https://does-not-resolve.invalid/x", "http://hooks.example.com/x", "https://user:pass@hooks.example.com/x"})
    void refusedAtCreation(String url) {
        Api.given().body(Map.of("url", url, "eventTypes", List.of("order.*"))).post("/webhooks").then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("url"));
    }

    /** A subscription whose host now resolves to a refused address (here: written directly) gets no request. */
    @Test
    void refusedAgainWhenConnecting() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            String url = receiver.newEndpoint().replace("http://", "https://");
            String id = "0190a3c4-0000-7000-8000-" + String.format("%012d", System.nanoTime() % 1_000_000_000_000L);
            Database.execute("insert into webhook_subscription (id, url, event_types, versions, status, created_at, updated_at) "
                    + "values ('" + id + "', '" + url + "', '{order.created}', '{}', 'active', now(), now())");
            Database.execute("insert into webhook_secret (webhook_id, secret, created_at) values ('" + id + "', 'whsec_"
                    + java.util.Base64.getEncoder().encodeToString(new byte[32]) + "', now())");
            try {
                Orders.place("ssrf");
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                        Api.given().get("/webhooks/{id}/deliveries", id).then()
                                .body("items[0].error", containsString("Refused target")));
                assertThat(receiver.requests(url)).isEmpty();
            } finally {
                Api.given().delete("/webhooks/{id}", id).then().statusCode(204);
                Webhooks.deleteAll();
            }
        }
    }
}
