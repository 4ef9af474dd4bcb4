package dev.tidings.operations;

import dev.tidings.support.Api;
import dev.tidings.support.Metrics;
import dev.tidings.support.Orders;
import dev.tidings.support.WebhookReceiver;
import dev.tidings.support.Webhooks;
import dev.tidings.support.Webhooks.Subscribed;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.tidings.support.WebhookReceiver.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The metrics an operator of the webhook service watches (docs/deployment.md), and the exposition that the
 * shipped dashboard and alert rules are checked against (deploy/validate names every metric they query).
 */
@QuarkusTest
class OperatorMetricsTest {

    /** Where the exposition is written for deploy/validate/validate.mjs (CI runs it after the tests). */
    static final Path EXPOSITION = Path.of("target", "metrics", "exposition.txt");

    private static final WebhookReceiver receiver = WebhookReceiver.shared();

    @AfterEach
    void deleteSubscriptions() {
        Webhooks.deleteAll();
    }

    @Test
    void attemptsAreCountedPerSubscriptionByOutcomeAndTimed() {
        Subscribed webhook = Webhooks.subscribeNewEndpoint(receiver, "order.created");
        receiver.respond(webhook.url(), 500);

        Orders.place("measured");

        receiver.awaitRequests(webhook.url(), 2);
        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(Metrics.value("events_webhook_attempts_total", Map.of("subscription", webhook.id(), "outcome", "failed"))).isEqualTo(1);
            assertThat(Metrics.value("events_webhook_attempts_total", Map.of("subscription", webhook.id(), "outcome", "succeeded"))).isEqualTo(1);
            assertThat(Metrics.value("events_webhook_attempt_duration_seconds_count", Map.of("subscription", webhook.id()))).isEqualTo(2);
        });
        assertThat(Metrics.value("events_webhook_attempts_total", Map.of("subscription", webhook.id(), "outcome", "throttled"))).isZero();
    }

    @Test
    void aDisabledSubscriptionIsCountedByItsReason() {
        Subscribed webhook = Webhooks.subscribeNewEndpoint(receiver, "order.created");
        double before = Metrics.value("events_webhook_disabled_total", Map.of("reason", "manual"));

        Api.given().body(Map.of("status", "disabled")).patch("/webhooks/{id}", webhook.id()).then().statusCode(200);

        assertThat(Metrics.value("events_webhook_disabled_total", Map.of("reason", "manual"))).isEqualTo(before + 1);
        assertThat(Metrics.value("events_webhook_disabled_total", Map.of("reason", "gone"))).isNotNegative();
    }

    @Test
    void theFanOutDelayIsMeasuredForEveryRecord() {
        double before = Metrics.value("events_fanout_delay_seconds_count");

        Orders.place("fanned-out");

        await().atMost(PATIENCE).until(() -> Metrics.value("events_fanout_delay_seconds_count") >= before + 1);
    }

    @Test
    void theDatabaseClientsGaugesAreLeftOutAndThePoolsCountEveryConnection() {
        Orders.place("pooled");

        String exposition = Metrics.exposition();
        assertThat(exposition).containsPattern("(?m)^postgresql_processing_seconds_count\\{")
                .containsPattern("(?m)^sql_pool_queue_size\\{").containsPattern("(?m)^sql_pool_active\\{")
                .doesNotContainPattern("(?m)^postgresql_queue_size\\{").doesNotContainPattern("(?m)^postgresql_current\\{");
    }

    @Test
    void theOperatorsMetricsAreExposedAndWrittenDownForTheDashboardCheck() throws IOException {
        Subscribed webhook = Webhooks.subscribeNewEndpoint(receiver, "order.created");
        Orders.place("exposition");
        receiver.awaitRequests(webhook.url(), 1);
        // An attempt's series appear once it is made; the dashboard's per-subscription panels need them
        await().atMost(PATIENCE).until(() -> Metrics.exposition().contains("events_webhook_attempt_duration_seconds_bucket{"));

        String exposition = Metrics.exposition();
        List<String> operatorMetrics = List.of("events_webhook_attempts_total", "events_webhook_attempt_duration_seconds_bucket",
                "events_webhook_disabled_total", "events_dead_letters_total", "events_dead_letters_waiting", "events_outbox_pending",
                "events_outbox_lag_seconds", "events_relay_delay_seconds", "events_fanout_delay_seconds", "events_relay_quarantined_total",
                "events_outbox_quarantined", "events_sse_connections", "events_sse_slow_clients_total", "events_published_total");
        assertThat(operatorMetrics).allSatisfy(name -> assertThat(exposition).containsPattern("(?m)^" + name + "[{ ]"));
        Files.createDirectories(EXPOSITION.getParent());
        Files.writeString(EXPOSITION, exposition);
    }
}
