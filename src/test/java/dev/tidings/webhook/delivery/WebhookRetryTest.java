package dev.tidings.webhook.delivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tidings.support.Api;
import dev.tidings.support.Orders;
import dev.tidings.support.WebhookReceiver;
import dev.tidings.support.WebhookReceiver.Received;
import dev.tidings.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

/**
 * Retries, timeouts, the dead-letter queue and deactivation, with the test schedule 1s,2s (three
 * attempts in all), a 1s timeout and deactivation after 5 consecutive failures.
 */
@QuarkusTest
class WebhookRetryTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final WebhookReceiver receiver = WebhookReceiver.shared();

    @AfterEach
    void deleteSubscriptions() {
        Webhooks.deleteAll();
    }

    @Test
    void aReceiverThatFailsTwiceThenSucceedsGetsExactlyThreeAttemptsAtTheScheduledSpacing() {
        String url = receiver.newEndpoint();
        receiver.respond(url, 500, 503);
        String id = Webhooks.subscribe(url, List.of("order.created")).getString("id");
        Orders.place("flaky");

        List<Received> attempts = receiver.awaitRequests(url, 3, PATIENCE);
        assertThat(attempts).extracting(r -> r.header("webhook-id")).containsOnly(attempts.get(0).header("webhook-id"));
        assertThat(Duration.between(attempts.get(0).at(), attempts.get(1).at())).isBetween(Duration.ofMillis(1000), Duration.ofMillis(2500));
        assertThat(Duration.between(attempts.get(1).at(), attempts.get(2).at())).isBetween(Duration.ofMillis(2000), Duration.ofMillis(3700));

        await().atMost(PATIENCE).untilAsserted(() -> assertThat(Webhooks.deliveries(id)).hasSize(3));
        List<Map<String, Object>> log = Webhooks.deliveries(id);
        assertThat(log).extracting(a -> a.get("attempt")).containsExactly(3, 2, 1);
        assertThat(log).extracting(a -> a.get("status")).containsExactly("succeeded", "failed", "failed");
        assertThat(log).extracting(a -> a.get("responseStatus")).containsExactly(200, 503, 500);
        assertThat(log.get(1).get("nextAttemptAt")).isNotNull();
        assertThat(log.get(0).get("nextAttemptAt")).isNull();
        // A success ends the delivery: nothing more arrives.
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> receiver.requests(url).size() == 3);
    }

    @Test
    void aResponseSlowerThanTheTimeoutIsAFailedAttempt() {
        String url = receiver.newEndpoint();
        receiver.respondSlowly(url, 200, Duration.ofMillis(2500));
        String id = Webhooks.subscribe(url, List.of("order.created")).getString("id");
        Orders.place("slow");

        receiver.awaitRequests(url, 2, PATIENCE);
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(Webhooks.deliveries(id)).hasSize(2));
        Map<String, Object> first = Webhooks.deliveries(id).get(1);
        assertThat(first.get("status")).isEqualTo("failed");
        assertThat((String) first.get("error")).contains("Timed out");
        assertThat(first.get("responseStatus")).isNull();
        assertThat(Webhooks.deliveries(id).get(0).get("status")).isEqualTo("succeeded");
    }

    @Test
    void anAlwaysFailingReceiverEndsInTheDeadLetterQueueAndAReplayDeliversItOnceItRecovers() {
        String url = receiver.newEndpoint();
        receiver.alwaysFail(url);
        String id = Webhooks.subscribe(url, List.of("order.created")).getString("id");
        Orders.place("dead");

        await().atMost(PATIENCE).untilAsserted(() -> assertThat(Webhooks.deadLetters(id)).hasSize(1));
        Map<String, Object> deadLetter = Webhooks.deadLetters(id).get(0);
        assertThat(deadLetter).containsEntry("reason", "retries_exhausted").containsEntry("attempts", 3)
                .containsEntry("lastResponseStatus", 500).containsEntry("webhookId", id).containsEntry("eventType", "order.created");
        assertThat(receiver.requests(url)).hasSize(3);
        Map<String, Object> last = Webhooks.deliveries(id).get(0);
        assertThat(last).containsEntry("status", "dead").containsEntry("attempt", 3);
        assertThat(last.get("nextAttemptAt")).isNull();
        Api.given().get("/webhooks/{id}", id).then().body("status", org.hamcrest.Matchers.equalTo("active"));
        RestAssured.get("/q/metrics").then().body(containsString("events_dead_letters_total"))
                .body(containsString("events_dead_letters_waiting"));

        receiver.recover(url);
        Api.given().post("/dead-letters/{id}/replay", deadLetter.get("id")).then().statusCode(202);
        List<Received> requests = receiver.awaitRequests(url, 4, PATIENCE);
        assertThat(requests.get(3).header("webhook-id")).isEqualTo(requests.get(0).header("webhook-id"));
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(Webhooks.deadLetters(id)).isEmpty());
        await().atMost(PATIENCE).until(() -> "succeeded".equals(Webhooks.deliveries(id).get(0).get("status")));
        Api.given().post("/dead-letters/{id}/replay", deadLetter.get("id")).then().statusCode(404);
    }

    @Test
    void theFifthConsecutiveFailureDisablesTheSubscriptionAndEmitsWebhookDisabled() throws Exception {
        String failing = receiver.newEndpoint();
        String watcher = receiver.newEndpoint();
        receiver.alwaysFail(failing);
        String id = Webhooks.subscribe(failing, List.of("order.*")).getString("id");
        Webhooks.subscribe(watcher, List.of("webhook.disabled"));
        String orderId = Orders.place("disable");
        Orders.pay(orderId);

        await().atMost(PATIENCE).untilAsserted(() ->
                Api.given().get("/webhooks/{id}", id).then().body("status", org.hamcrest.Matchers.equalTo("disabled")));
        // The fifth failure disables it; an attempt already in flight may still finish (CONTRACT §6).
        await().during(Duration.ofSeconds(2)).atMost(PATIENCE).until(() -> !receiver.requests(failing).isEmpty());
        int attemptsWhenDisabled = receiver.requests(failing).size();
        assertThat(attemptsWhenDisabled).isBetween(5, 6);

        Received notice = receiver.awaitRequests(watcher, 1, PATIENCE).stream()
                .filter(r -> r.body().contains(id)).findFirst().orElseThrow();
        var event = JSON.readTree(notice.body());
        assertThat(event.get("eventType").asText()).isEqualTo("webhook.disabled");
        assertThat(event.get("subject").asText()).isEqualTo("webhook/" + id);
        assertThat(event.at("/data/reason").asText()).isEqualTo("consecutive_failures");
        assertThat(event.at("/data/consecutiveFailures").asInt()).isEqualTo(5);
        assertThat(event.at("/data/url").asText()).isEqualTo(failing);
        Api.given().queryParam("subject", "webhook/" + id).get("/events").then()
                .body("items.event.eventType", org.hamcrest.Matchers.hasItem("webhook.disabled"));

        List<Map<String, Object>> deadLetters = Webhooks.deadLetters(id);
        assertThat(deadLetters).isNotEmpty();
        assertThat(deadLetters).extracting(d -> d.get("reason")).contains("subscription_disabled");
        Api.given().post("/dead-letters/{id}/replay", deadLetters.get(0).get("id")).then().statusCode(409)
                .contentType("application/problem+json");
        // Nothing more is attempted for a disabled subscription.
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                .until(() -> receiver.requests(failing).size() == attemptsWhenDisabled);

        // Re-enabling resets the streak; a bulk replay sends the parked deliveries again.
        receiver.recover(failing);
        Api.given().body(Map.of("status", "active")).patch("/webhooks/{id}", id).then().statusCode(200)
                .body("status", org.hamcrest.Matchers.equalTo("active")).body("secret", org.hamcrest.Matchers.nullValue());
        int parked = deadLetters.size();
        Api.given().body(Map.of("webhookId", id)).post("/dead-letters/replay").then().statusCode(202)
                .body("replayed", org.hamcrest.Matchers.equalTo(parked));
        receiver.awaitRequests(failing, attemptsWhenDisabled + parked, PATIENCE);
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(Webhooks.deadLetters(id)).isEmpty());
    }

    @Test
    void disablingByHandParksPendingDeliveriesWithReasonManual() {
        String url = receiver.newEndpoint();
        receiver.alwaysFail(url);
        String id = Webhooks.subscribe(url, List.of("order.created")).getString("id");
        Orders.place("manual");
        receiver.awaitRequests(url, 1, PATIENCE);

        Api.given().body(Map.of("status", "disabled")).patch("/webhooks/{id}", id).then().statusCode(200)
                .body("status", org.hamcrest.Matchers.equalTo("disabled"));
        assertThat(Webhooks.deadLetters(id)).singleElement().satisfies(d -> assertThat(d).containsEntry("reason", "subscription_disabled"));
        await().atMost(PATIENCE).untilAsserted(() -> Api.given().queryParam("subject", "webhook/" + id).get("/events").then()
                .body("items.event.data.reason", org.hamcrest.Matchers.hasItem("manual")));
    }

    @Test
    void deletingASubscriptionCancelsItsRetriesAndRemovesItsDeadLetters() {
        String url = receiver.newEndpoint();
        receiver.alwaysFail(url);
        String id = Webhooks.subscribe(url, List.of("order.created")).getString("id");
        Orders.place("deleted");
        receiver.awaitRequests(url, 1, PATIENCE);

        Api.given().delete("/webhooks/{id}", id).then().statusCode(204);
        Api.given().get("/webhooks/{id}", id).then().statusCode(404);
        Api.given().get("/webhooks/{id}/deliveries", id).then().statusCode(404);
        assertThat(Webhooks.deadLetters(id)).isEmpty();
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> receiver.requests(url).size() == 1);
    }
}
