package dev.tidings.webhook.delivery;

import dev.tidings.support.Orders;
import dev.tidings.support.ServiceProcess;
import dev.tidings.support.TestInfrastructure;
import dev.tidings.support.WebhookReceiver;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Deliveries survive the death of the process that owned them. */
@Tag("processes")
class DeliveryRestartIT {

    private static final Path LOG = Path.of("target", "delivery-restart-it.log");

    @BeforeAll
    static void infrastructure() throws Exception {
        TestInfrastructure.startOnce();
    }

    @Test
    void anAttemptCutShortBySigkillIsMadeAgainAfterRestart() throws Exception {
        Map<String, String> environment = new java.util.HashMap<>(TwoInstancesIT.environment());
        environment.put("EVENTS_WEBHOOKS_TIMEOUT", "4s");
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            String url = receiver.newEndpoint();
            receiver.respondSlowly(url, 200, Duration.ofSeconds(3));
            String webhookId;
            try (ServiceProcess doomed = ServiceProcess.start(environment, 0, "/q/health/ready", LOG)) {
                webhookId = doomed.request().body(Map.of("url", url, "eventTypes", List.of("order.created"))).post("/webhooks")
                        .then().statusCode(201).extract().path("id");
                doomed.request().body(Orders.newOrder("restart")).post("/orders").then().statusCode(201);
                receiver.awaitRequests(url, 1, Duration.ofSeconds(30));
                doomed.kill(); // mid-attempt: the receiver is still "working" on it
            }
            try (ServiceProcess successor = ServiceProcess.start(environment, 0, "/q/health/ready", LOG)) {
                List<WebhookReceiver.Received> requests = receiver.awaitRequests(url, 2, Duration.ofSeconds(60));
                assertThat(requests.get(1).header("webhook-id")).isEqualTo(requests.get(0).header("webhook-id"));
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                        successor.request().get("/webhooks/{id}/deliveries", webhookId).then()
                                .body("items[0].status", org.hamcrest.Matchers.equalTo("succeeded")));
            }
        }
    }

    @Test
    void aRetryThatFellDueWhileTheServiceWasDownIsMadeAfterRestart() throws Exception {
        Map<String, String> environment = new java.util.HashMap<>(TwoInstancesIT.environment());
        environment.put("EVENTS_WEBHOOKS_RETRY_SCHEDULE", "15s");
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            String url = receiver.newEndpoint();
            receiver.respond(url, 500);
            String webhookId;
            Instant due;
            try (ServiceProcess first = ServiceProcess.start(environment, 0, "/q/health/ready", LOG)) {
                webhookId = first.request().body(Map.of("url", url, "eventTypes", List.of("order.created"))).post("/webhooks")
                        .then().statusCode(201).extract().path("id");
                first.request().body(Orders.newOrder("down")).post("/orders").then().statusCode(201);
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> first.request().get("/webhooks/{id}/deliveries", webhookId)
                        .then().body("items[0].status", org.hamcrest.Matchers.equalTo("failed")));
                due = Instant.parse(first.request().get("/webhooks/{id}/deliveries", webhookId).then().extract().path("items[0].nextAttemptAt"));
                first.stop();
            }
            assertThat(Instant.now()).as("the service stopped before the retry was due").isBefore(due);
            // While nothing runs, the retry falls due; nobody attempts it.
            await().atMost(Duration.ofSeconds(30)).until(() -> Instant.now().isAfter(due.plusSeconds(1)));
            assertThat(receiver.requests(url)).hasSize(1);
            try (ServiceProcess second = ServiceProcess.start(environment, 0, "/q/health/ready", LOG)) {
                receiver.awaitRequests(url, 2, Duration.ofSeconds(30));
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> second.request().get("/webhooks/{id}/deliveries", webhookId)
                        .then().body("items[0].status", org.hamcrest.Matchers.equalTo("succeeded")));
            }
        }
    }
}
