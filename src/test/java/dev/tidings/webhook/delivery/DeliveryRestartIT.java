package dev.tidings.webhook.delivery;

import dev.tidings.support.Api;
import dev.tidings.support.Orders;
import dev.tidings.support.ServiceProcess;
import dev.tidings.support.TestInfrastructure;
import dev.tidings.support.WebhookReceiver;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Deliveries survive the death of the process that owned them. */
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
                webhookId = as(doomed).body(Map.of("url", url, "eventTypes", List.of("order.created"))).post("/webhooks")
                        .then().statusCode(201).extract().path("id");
                as(doomed).body(Orders.newOrder("restart")).post("/orders").then().statusCode(201);
                receiver.awaitRequests(url, 1, Duration.ofSeconds(30));
                doomed.kill(); // mid-attempt: the receiver is still "working" on it
            }
            try (ServiceProcess successor = ServiceProcess.start(environment, 0, "/q/health/ready", LOG)) {
                List<WebhookReceiver.Received> requests = receiver.awaitRequests(url, 2, Duration.ofSeconds(60));
                assertThat(requests.get(1).header("webhook-id")).isEqualTo(requests.get(0).header("webhook-id"));
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                        as(successor).get("/webhooks/{id}/deliveries", webhookId).then()
                                .body("items[0].status", org.hamcrest.Matchers.equalTo("succeeded")));
            }
        }
    }

    @Test
    void aRetryThatFellDueWhileTheServiceWasDownIsMadeAfterRestart() throws Exception {
        Map<String, String> environment = new java.util.HashMap<>(TwoInstancesIT.environment());
        environment.put("EVENTS_WEBHOOKS_RETRY_SCHEDULE", "2s");
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            String url = receiver.newEndpoint();
            receiver.respond(url, 500);
            String webhookId;
            try (ServiceProcess first = ServiceProcess.start(environment, 0, "/q/health/ready", LOG)) {
                webhookId = as(first).body(Map.of("url", url, "eventTypes", List.of("order.created"))).post("/webhooks")
                        .then().statusCode(201).extract().path("id");
                as(first).body(Orders.newOrder("down")).post("/orders").then().statusCode(201);
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> as(first).get("/webhooks/{id}/deliveries", webhookId)
                        .then().body("items[0].status", org.hamcrest.Matchers.equalTo("failed")));
                first.stop();
            }
            // While nothing runs, the retry falls due.
            await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4)).until(() -> receiver.requests(url).size() == 1);
            try (ServiceProcess second = ServiceProcess.start(environment, 0, "/q/health/ready", LOG)) {
                receiver.awaitRequests(url, 2, Duration.ofSeconds(30));
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> as(second).get("/webhooks/{id}/deliveries", webhookId)
                        .then().body("items[0].status", org.hamcrest.Matchers.equalTo("succeeded")));
            }
        }
    }

    private static RequestSpecification as(ServiceProcess instance) {
        return RestAssured.given().baseUri(instance.baseUri()).header("Authorization", "Bearer " + Api.KEY)
                .contentType("application/json");
    }
}
