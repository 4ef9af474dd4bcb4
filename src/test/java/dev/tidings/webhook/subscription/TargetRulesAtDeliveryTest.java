package dev.tidings.webhook.subscription;

import dev.tidings.secrets.SecretCipher;
import dev.tidings.support.Api;
import dev.tidings.support.ConfigOverrideProfile;
import dev.tidings.support.Database;
import dev.tidings.support.Orders;
import dev.tidings.support.WebhookReceiver;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.tidings.support.WebhookReceiver.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * The address rules are checked again when connecting (DNS can change after creation): a subscription
 * whose target is now a loopback address gets no request, although a receiver answers there.
 */
@QuarkusTest
@TestProfile(TargetRulesAtDeliveryTest.PrivateTargetsRefused.class)
class TargetRulesAtDeliveryTest {

    /** Plain HTTP allowed (the test receiver speaks it), private addresses refused as in production. */
    public static class PrivateTargetsRefused extends ConfigOverrideProfile {
        public PrivateTargetsRefused() {
            super(Map.of("events.webhooks.allow-http", "true", "events.webhooks.allow-private-targets", "false"));
        }
    }

    private static final WebhookReceiver receiver = WebhookReceiver.shared();

    @Inject
    SecretCipher cipher;

    @Test
    void aTargetThatIsNowALoopbackAddressGetsNoRequest() throws Exception {
        String url = receiver.newEndpoint();
        assertReceiverAnswersOn(URI.create(url).getPort());
        Api.given().body(Map.of("url", url, "eventTypes", List.of("order.created"))).post("/webhooks").then()
                .statusCode(400).body("errors[0].field", equalTo("url"));

        String id = insertSubscription(url); // as if its host had resolved elsewhere at creation
        try {
            Orders.place("ssrf");
            await().atMost(PATIENCE).untilAsserted(() -> Api.given().get("/webhooks/{id}/deliveries", id).then()
                    .body("items[0].error", containsString("Refused target")));
            assertThat(receiver.requests(url)).isEmpty();
        } finally {
            Api.given().delete("/webhooks/{id}", id).then().statusCode(204);
        }
    }

    /** Without the rule the delivery would land: a request from here to the same host and port gets an answer. */
    private static void assertReceiverAnswersOn(int port) throws Exception {
        String probe = "http://127.0.0.1:" + port + "/hooks/probe-" + UUID.randomUUID();
        HttpResponse<Void> answer = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build().send(
                HttpRequest.newBuilder(URI.create(probe)).timeout(Duration.ofSeconds(5))
                        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.discarding());
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(receiver.requests(probe)).hasSize(1);
    }

    private String insertSubscription(String url) {
        String id = "0190a3c4-0000-7000-8000-" + String.format("%012d", System.nanoTime() % 1_000_000_000_000L);
        Database.update("insert into webhook_subscription (id, url, event_types, versions, status, created_at, updated_at) "
                + "values (?::uuid, ?, '{order.created}', '{}', 'active', now(), now())", id, url);
        SecretCipher.Sealed sealed = cipher.seal(UUID.fromString(id), "whsec_" + Base64.getEncoder().encodeToString(new byte[32]));
        Database.update("insert into webhook_secret (webhook_id, sealed_secret, key_fingerprint, created_at) values (?::uuid, ?, ?, now())",
                id, sealed.bytes(), sealed.keyFingerprint());
        return id;
    }
}
