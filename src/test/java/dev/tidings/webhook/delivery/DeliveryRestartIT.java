package dev.tidings.webhook.delivery;

import dev.tidings.support.Orders;
import dev.tidings.support.ServiceProcess;
import dev.tidings.support.ServiceProcesses;
import dev.tidings.support.WebhookReceiver;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/** Deliveries survive the death of the process that owned them. */
@Tag("processes")
class DeliveryRestartIT {

    @RegisterExtension
    static final ServiceProcesses services = new ServiceProcesses("delivery-restart-it.log");

    @Test
    void anAttemptCutShortBySigkillIsMadeAgainAfterRestart() throws Exception {
        Map<String, String> environment = ServiceProcesses.webhookEnvironment("EVENTS_WEBHOOKS_TIMEOUT", "4s");
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            String url = receiver.newEndpoint();
            receiver.respondSlowly(url, 200, Duration.ofSeconds(3));
            ServiceProcess doomed = services.start(environment);
            String webhookId = services.subscribe(doomed, url, List.of("order.created"));
            doomed.request().body(Orders.newOrder("restart")).post("/orders").then().statusCode(201);
            receiver.awaitRequests(url, 1, Duration.ofSeconds(30));
            doomed.kill(); // mid-attempt: the receiver is still "working" on it

            ServiceProcess successor = services.start(environment);
            List<WebhookReceiver.Received> requests = receiver.awaitRequests(url, 2, Duration.ofSeconds(60));
            assertThat(requests.get(1).header("webhook-id")).isEqualTo(requests.get(0).header("webhook-id"));
            awaitLatestAttempt(successor, webhookId, "succeeded");
        }
    }

    @Test
    void aRetryThatFellDueWhileTheServiceWasDownIsMadeAfterRestart() throws Exception {
        Map<String, String> environment = ServiceProcesses.webhookEnvironment("EVENTS_WEBHOOKS_RETRY_SCHEDULE", "15s");
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            String url = receiver.newEndpoint();
            receiver.respond(url, 500);
            ServiceProcess first = services.start(environment);
            String webhookId = services.subscribe(first, url, List.of("order.created"));
            first.request().body(Orders.newOrder("down")).post("/orders").then().statusCode(201);
            awaitLatestAttempt(first, webhookId, "failed");
            Instant due = Instant.parse(first.request().get("/webhooks/{id}/deliveries", webhookId).then()
                    .extract().path("items[0].nextAttemptAt"));
            first.stop();

            assertThat(Instant.now()).as("the service stopped before the retry was due").isBefore(due);
            // While nothing runs, the retry falls due; nobody attempts it.
            await().atMost(Duration.ofSeconds(30)).until(() -> Instant.now().isAfter(due.plusSeconds(1)));
            assertThat(receiver.requests(url)).hasSize(1);

            ServiceProcess second = services.start(environment);
            receiver.awaitRequests(url, 2, Duration.ofSeconds(30));
            awaitLatestAttempt(second, webhookId, "succeeded");
        }
    }

    private static void awaitLatestAttempt(ServiceProcess instance, String webhookId, String status) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> instance.request().get("/webhooks/{id}/deliveries", webhookId)
                .then().body("items[0].status", equalTo(status)));
    }
}
