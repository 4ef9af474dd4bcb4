package dev.tidings.webhook.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import dev.tidings.support.Api;
import dev.tidings.support.Orders;
import dev.tidings.support.TestInfrastructure;
import dev.tidings.support.WebhookReceiver;
import dev.tidings.support.WebhookReceiver.Received;
import dev.tidings.support.Webhooks;
import dev.tidings.webhook.signing.WebhookSigner;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.tidings.support.WebhookReceiver.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Signed delivery to a real HTTP receiver: signatures, routing, pinning and test pings. */
@QuarkusTest
class WebhookDeliveryTest {

    private static final WebhookReceiver receiver = WebhookReceiver.shared();

    @AfterEach
    void deleteSubscriptions() {
        Webhooks.deleteAll();
    }

    @Test
    void deliveriesVerifyWithTheOfficialLibraryAndNotWithAnotherSecret() throws Exception {
        String url = receiver.newEndpoint();
        String secret = Webhooks.subscribe(url, List.of("order.created")).getString("secret");
        String orderId = Orders.place("signed");

        Received request = receiver.awaitRequests(url, 1).get(0);
        new Webhook(secret).verify(request.body(), request.headers());
        assertThatThrownBy(() -> new Webhook(WebhookSigner.newSecret()).verify(request.body(), request.headers()))
                .isInstanceOf(WebhookVerificationException.class);

        JsonNode event = request.json();
        assertThat(event.at("/data/orderId").asText()).isEqualTo(orderId);
        assertThat(request.header("webhook-id")).isEqualTo(event.get("eventId").asText());
        assertThat(request.header("content-type")).isEqualTo("application/json");
        assertThat(request.header("user-agent")).startsWith("Tidings/");
        JsonNode logged = new ObjectMapper().readTree(Api.given().get("/events/{id}", event.get("eventId").asText()).then()
                .extract().asString());
        assertThat(logged.get("event")).isEqualTo(event);
    }

    @Test
    void aRecordRedeliveredByKafkaCreatesNoSecondDelivery() {
        String url = receiver.newEndpoint();
        Webhooks.subscribe(url, List.of("order.created"));
        String orderId = Orders.place("redelivered");
        Received original = receiver.awaitRequests(url, 1).get(0);

        // The same record once more, as after a relay crash between Kafka's ack and the commit.
        try (KafkaCompanion kafka = new KafkaCompanion(TestInfrastructure.bootstrapServers())) {
            kafka.produceStrings().fromRecords(new ProducerRecord<>("events.order", "order/" + orderId, original.body()))
                    .awaitCompletion();
        }
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6)).until(() -> receiver.requests(url).size() == 1);
    }

    @Test
    void duringRotationBothSecretsVerify() throws Exception {
        String url = receiver.newEndpoint();
        JsonPath webhook = Webhooks.subscribe(url, List.of("order.created"));
        String oldSecret = webhook.getString("secret");
        String newSecret = Api.given().post("/webhooks/{id}/secret/rotation", webhook.getString("id")).then()
                .statusCode(200).extract().path("secret");
        assertThat(newSecret).startsWith("whsec_").isNotEqualTo(oldSecret);

        Orders.place("rotation");
        Received request = receiver.awaitRequests(url, 1).get(0);
        assertThat(request.header("webhook-signature").split(" ")).hasSize(2);
        new Webhook(oldSecret).verify(request.body(), request.headers());
        new Webhook(newSecret).verify(request.body(), request.headers());
    }

    @Test
    void filtersAndWildcardsRouteEachEventToTheSubscriptionsThatWantIt() {
        String exact = receiver.newEndpoint();
        String prefix = receiver.newEndpoint();
        String everything = receiver.newEndpoint();
        String other = receiver.newEndpoint();
        Webhooks.subscribe(exact, List.of("order.payment_received"));
        Webhooks.subscribe(prefix, List.of("order.*"));
        Webhooks.subscribe(everything, List.of("*"));
        String otherId = Webhooks.subscribe(other, List.of("user.*", "order.shipped")).getString("id");

        String orderId = Orders.place("routing");
        Orders.pay(orderId);

        assertThat(types(receiver.awaitRequests(prefix, 2), orderId))
                .containsExactlyInAnyOrder("order.created", "order.payment_received");
        assertThat(types(receiver.awaitRequests(everything, 2), orderId))
                .containsExactlyInAnyOrder("order.created", "order.payment_received");
        await().atMost(PATIENCE).untilAsserted(() ->
                assertThat(types(receiver.requests(exact), orderId)).containsExactly("order.payment_received"));
        assertThat(receiver.requests(other)).isEmpty();
        assertThat(Webhooks.deliveries(otherId)).isEmpty();
    }

    @Test
    void aPinnedSubscriptionReceivesVersionOneOfTheSameEvent() throws Exception {
        String pinnedUrl = receiver.newEndpoint();
        String latestUrl = receiver.newEndpoint();
        String pinnedSecret = Webhooks.subscribe(pinnedUrl, List.of("order.created"), Map.of("order.created", 1)).getString("secret");
        Webhooks.subscribe(latestUrl, List.of("order.created"));

        Orders.place("pinned");
        Received pinned = receiver.awaitRequests(pinnedUrl, 1).get(0);
        Received latest = receiver.awaitRequests(latestUrl, 1).get(0);
        new Webhook(pinnedSecret).verify(pinned.body(), pinned.headers());

        JsonNode v1 = pinned.json();
        JsonNode v2 = latest.json();
        assertThat(v1.get("eventId")).isEqualTo(v2.get("eventId"));
        assertThat(v1.get("version").asInt()).isEqualTo(1);
        assertThat(v2.get("version").asInt()).isEqualTo(2);
        assertThat(v1.at("/data/total").decimalValue()).isEqualByComparingTo(v2.at("/data/totals/amount").decimalValue());
        assertThat(v1.at("/data").has("totals")).isFalse();
        assertThat(pinned.header("webhook-id")).isEqualTo(latest.header("webhook-id"));
    }

    @Test
    void aTestPingIsSentOnceAndLoggedButNotPublished() throws Exception {
        String url = receiver.newEndpoint();
        JsonPath webhook = Webhooks.subscribe(url, List.of("order.created"));
        String id = webhook.getString("id");

        String eventId = Api.given().post("/webhooks/{id}/test", id).then().statusCode(202).extract().path("eventId");
        Received ping = receiver.awaitRequests(url, 1).get(0);
        new Webhook(webhook.getString("secret")).verify(ping.body(), ping.headers());
        JsonNode event = ping.json();
        assertThat(event.get("eventId").asText()).isEqualTo(eventId);
        assertThat(event.get("eventType").asText()).isEqualTo("webhook.test");
        assertThat(event.get("subject").asText()).isEqualTo("webhook/" + id);
        assertThat(event.at("/data/webhookId").asText()).isEqualTo(id);

        await().atMost(PATIENCE).untilAsserted(() -> assertThat(Webhooks.deliveries(id)).singleElement().satisfies(attempt -> {
            assertThat(attempt).containsEntry("eventId", eventId).containsEntry("eventType", "webhook.test")
                    .containsEntry("status", "succeeded").containsEntry("attempt", 1).containsEntry("responseStatus", 200);
            assertThat(attempt.get("nextAttemptAt")).isNull();
            assertThat(attempt.keySet()).containsExactlyInAnyOrder("deliveryId", "eventId", "eventType", "attempt", "status",
                    "responseStatus", "durationMs", "error", "attemptedAt", "nextAttemptAt");
        }));
        Api.given().get("/events/{id}", eventId).then().statusCode(404);
    }

    /** The event types of the requests that concern one order. */
    private static List<String> types(List<Received> requests, String orderId) {
        return requests.stream().filter(r -> r.body().contains(orderId)).map(r -> r.json().get("eventType").asText()).toList();
    }
}
