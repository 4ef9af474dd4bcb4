package dev.tidings.webhook.delivery;

import dev.tidings.support.Api;
import dev.tidings.support.Database;
import dev.tidings.support.Orders;
import dev.tidings.support.WebhookReceiver;
import dev.tidings.support.Webhooks;
import dev.tidings.support.Webhooks.Subscribed;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.tidings.support.WebhookReceiver.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * What counts as success and failure (CONTRACT §6), with the test schedule 1s,2s (three attempts in
 * all) and deactivation after 5 consecutive failures.
 */
@QuarkusTest
class DeliveryOutcomeTest {

    private static final WebhookReceiver receiver = WebhookReceiver.shared();

    @AfterEach
    void deleteSubscriptions() {
        Webhooks.deleteAll();
    }

    @ParameterizedTest
    @ValueSource(ints = {202, 204})
    void anyTwoHundredStatusIsASuccessAndEndsTheDelivery(int status) {
        Subscribed hook = Webhooks.subscribeNewEndpoint(receiver, "order.created");
        receiver.respond(hook.url(), status);
        Orders.place("status-" + status);

        await().atMost(PATIENCE).untilAsserted(() -> assertThat(Webhooks.deliveries(hook.id())).singleElement().satisfies(attempt -> {
            assertThat(attempt).containsEntry("status", "succeeded").containsEntry("responseStatus", status)
                    .containsEntry("attempt", 1);
            assertThat(attempt.get("nextAttemptAt")).isNull();
        }));
        // A retry would come after 1s: none does.
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> receiver.requests(hook.url()).size() == 1);
        assertThat(Webhooks.deliveries(hook.id())).hasSize(1);
    }

    @Test
    void aClientErrorIsAFailedAttemptWithARetryScheduled() {
        Subscribed hook = Webhooks.subscribeNewEndpoint(receiver, "order.created");
        receiver.respond(hook.url(), 400);
        Orders.place("bad-request");

        await().atMost(PATIENCE).untilAsserted(() -> assertThat(Webhooks.deliveries(hook.id())).isNotEmpty());
        Map<String, Object> first = Webhooks.deliveries(hook.id()).get(Webhooks.deliveries(hook.id()).size() - 1);
        assertThat(first).containsEntry("status", "failed").containsEntry("responseStatus", 400).containsEntry("attempt", 1);
        assertThat(first.get("nextAttemptAt")).isNotNull();
        // The scheduled retry is made (and answered 200 once the script is used up).
        receiver.awaitRequests(hook.url(), 2, PATIENCE);
        await().atMost(PATIENCE).until(() -> "succeeded".equals(Webhooks.deliveries(hook.id()).get(0).get("status")));
    }

    @ParameterizedTest
    @ValueSource(ints = {302, 307})
    void aRedirectIsAFailedAttemptAndIsNotFollowed(int status) {
        String url = receiver.newEndpoint();
        String elsewhere = receiver.newEndpoint();
        receiver.redirect(url, status, elsewhere);
        String id = Webhooks.subscribe(url, List.of("order.created")).getString("id");
        Orders.place("redirect-" + status);

        await().atMost(PATIENCE).untilAsserted(() -> assertThat(Webhooks.deliveries(id)).isNotEmpty());
        List<Map<String, Object>> log = Webhooks.deliveries(id);
        Map<String, Object> first = log.get(log.size() - 1);
        assertThat(first).containsEntry("status", "failed").containsEntry("responseStatus", status).containsEntry("attempt", 1);
        assertThat(first.get("nextAttemptAt")).isNotNull();
        // The retry (1s later) reaches the subscription's own URL again; the redirect target never hears of it.
        receiver.awaitRequests(url, 2, PATIENCE);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> receiver.requests(elsewhere).isEmpty());
    }

    /**
     * Three failed attempts (one delivery's whole schedule), one success, three failed attempts again:
     * six failures in all, more than the limit of five, but never five in a row.
     */
    @Test
    void aSuccessResetsTheFailureStreak() {
        Subscribed hook = Webhooks.subscribeNewEndpoint(receiver, "order.created");
        receiver.respond(hook.url(), 500, 500, 500, 200, 500, 500, 500);

        Orders.place("streak-before");
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(Webhooks.deadLetters(hook.id())).hasSize(1));
        assertThat(consecutiveFailures(hook.id())).isEqualTo(3);

        Orders.place("streak-success");
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(Webhooks.deliveries(hook.id()).get(0)).containsEntry("status", "succeeded"));
        assertThat(consecutiveFailures(hook.id())).isZero();

        Orders.place("streak-after");
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(Webhooks.deadLetters(hook.id())).hasSize(2));
        assertThat(receiver.requests(hook.url())).hasSize(7);
        Api.given().get("/webhooks/{id}", hook.id()).then().statusCode(200).body("status", equalTo("active"));
        assertThat(consecutiveFailures(hook.id())).isEqualTo(3);
        assertThat(Webhooks.deadLetters(hook.id())).extracting(d -> d.get("reason")).containsOnly("retries_exhausted");
    }

    /** More failing pings than the deactivation limit: each is logged once as failed, and nothing else follows. */
    @Test
    void failingTestPingsLeaveNoDeadLetterAndDoNotCountTowardTheStreak() {
        Subscribed hook = Webhooks.subscribeNewEndpoint(receiver, "order.created");
        receiver.alwaysFail(hook.url());

        int pings = 6;
        for (int i = 1; i <= pings; i++) {
            Api.given().post("/webhooks/{id}/test", hook.id()).then().statusCode(202);
            int sent = i;
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(Webhooks.deliveries(hook.id())).hasSize(sent));
        }

        // No retry follows (the schedule would retry after 1s and 2s).
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> receiver.requests(hook.url()).size() == pings);
        assertThat(Webhooks.deliveries(hook.id())).hasSize(pings).allSatisfy(attempt -> {
            assertThat(attempt).containsEntry("status", "failed").containsEntry("responseStatus", 500)
                    .containsEntry("eventType", "webhook.test").containsEntry("attempt", 1);
            assertThat(attempt.get("nextAttemptAt")).isNull();
        });
        assertThat(Webhooks.deadLetters(hook.id())).isEmpty();
        Api.given().get("/webhooks/{id}", hook.id()).then().statusCode(200).body("status", equalTo("active"));
        assertThat(consecutiveFailures(hook.id())).isZero();
    }

    private static long consecutiveFailures(String webhookId) {
        return Database.count("select consecutive_failures from webhook_subscription where id = ?", UUID.fromString(webhookId));
    }
}
