package dev.tidings.webhook.delivery;

import dev.tidings.support.Api;
import dev.tidings.support.Orders;
import dev.tidings.support.WebhookReceiver;
import dev.tidings.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static dev.tidings.support.WebhookReceiver.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The delivery log (CONTRACT §6): newest first by attempt time, and a parked delivery's last attempt reads dead. */
@QuarkusTest
class DeliveryLogTest {

    /** Well inside the test timeout of 1s, long enough for a request made meanwhile to finish first. */
    private static final Duration HOLD = Duration.ofMillis(700);
    private static final WebhookReceiver receiver = WebhookReceiver.shared();

    @AfterEach
    void deleteSubscriptions() {
        Webhooks.deleteAll();
    }

    /** The attempt in flight ends after the delivery was parked: it is the delivery's last attempt, so it reads dead. */
    @Test
    void anAttemptInFlightWhenTheSubscriptionIsDisabledIsLoggedAsTheDeadLastAttempt() {
        String id = attemptHeldByTheReceiver(500, "parked-in-flight");

        Api.given().body(Map.of("status", "disabled")).patch("/webhooks/{id}", id).then().statusCode(200);
        assertThat(Webhooks.deadLetters(id)).singleElement().satisfies(d -> assertThat(d).containsEntry("reason", "subscription_disabled"));
        await().atMost(PATIENCE).until(() -> Webhooks.deliveries(id).stream().anyMatch(a -> Integer.valueOf(500).equals(a.get("responseStatus"))));

        List<Map<String, Object>> log = Webhooks.deliveries(id);
        assertThat(log.get(0)).as("newest attempt of %s", log).containsEntry("status", "dead").containsEntry("responseStatus", 500);
        assertThat(log.get(0).get("nextAttemptAt")).isNull();
    }

    /**
     * A slow attempt starts first and finishes last; a test ping starts while it is held and finishes
     * at once. Newest first by {@code attemptedAt} puts the ping first whatever order they were written in.
     */
    @Test
    void attemptsAreListedNewestFirstByAttemptTimeEvenWhenAnEarlierOneFinishesLater() {
        String id = attemptHeldByTheReceiver(200, "overlapping");

        Api.given().post("/webhooks/{id}/test", id).then().statusCode(202);
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(Webhooks.deliveries(id)).hasSize(2));

        List<Map<String, Object>> log = Webhooks.deliveries(id);
        assertThat(log).extracting(a -> Instant.parse((String) a.get("attemptedAt")))
                .as("attemptedAt of %s", log).isSortedAccordingTo(Comparator.reverseOrder());
        assertThat(log).extracting(a -> a.get("eventType")).containsExactly("webhook.test", "order.created");
    }

    /**
     * Subscribes a new endpoint that answers {@code status} after {@link #HOLD} and places an order; answers
     * the subscription's id once the order's attempt is under way.
     */
    private static String attemptHeldByTheReceiver(int status, String customerId) {
        String url = receiver.newEndpoint();
        receiver.respondSlowly(url, status, HOLD);
        String id = Webhooks.subscribe(url, List.of("order.created")).getString("id");
        Orders.place(customerId);
        receiver.awaitRequests(url, 1, PATIENCE);
        return id;
    }
}
