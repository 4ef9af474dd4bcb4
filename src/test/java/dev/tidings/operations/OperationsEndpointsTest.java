package dev.tidings.operations;

import dev.tidings.support.Api;
import dev.tidings.support.Database;
import dev.tidings.support.Metrics;
import dev.tidings.support.Orders;
import dev.tidings.support.SseClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;

/** Health, metrics and OpenAPI, open without a key as operators expect. */
@QuarkusTest
class OperationsEndpointsTest {

    @Test
    void readinessCoversTheDatabaseAndKafka() {
        RestAssured.given().get("/q/health/ready").then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem(containsString("PostgreSQL")))
                .body("checks.name", hasItem(containsString("Kafka")));
        RestAssured.given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        RestAssured.given().get("/q/health/group/serving").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", hasItem("Database"));
    }

    @Test
    void metricsCountWhatTheRelayPublishes() {
        double published = Metrics.value("events_published_total");
        double delays = Metrics.value("events_relay_delay_seconds_count");
        Orders.place("metrics");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(Metrics.value("events_published_total")).isGreaterThanOrEqualTo(published + 1);
            assertThat(Metrics.value("events_relay_delay_seconds_count")).isGreaterThanOrEqualTo(delays + 1);
        });
        // Once everything committed is published, the backlog gauges read zero.
        Database.awaitNothingPending(Duration.ofSeconds(10));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(Metrics.value("events_outbox_pending")).isZero();
            assertThat(Metrics.value("events_outbox_lag_seconds")).isZero();
        });
    }

    @Test
    void theConnectionGaugeCountsAnOpenStream() throws Exception {
        double before = Metrics.value("events_sse_connections");
        try (SseClient stream = SseClient.connect(RestAssured.port, "/events/stream", Map.of("Authorization", "Bearer " + Api.KEY))) {
            assertThat(stream.status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> Metrics.value("events_sse_connections") == before + 1);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> Metrics.value("events_sse_connections") == before);
    }

    @Test
    void theOpenApiDocumentDescribesEveryEndpoint() {
        RestAssured.given().queryParam("format", "json").get("/q/openapi").then()
                .statusCode(200)
                .body("paths", hasKey("/orders"))
                .body("paths", hasKey("/orders/{id}"))
                .body("paths", hasKey("/orders/{id}/payments"))
                .body("paths", hasKey("/orders/{id}/shipments"))
                .body("paths", hasKey("/orders/{id}/delivery"))
                .body("paths", hasKey("/orders/{id}/cancellation"))
                .body("paths", hasKey("/orders/{id}/history"))
                .body("paths", hasKey("/events"))
                .body("paths", hasKey("/events/{eventId}"))
                .body("paths", hasKey("/events/stream"))
                .body("paths", hasKey("/event-types"))
                .body("paths", hasKey("/event-types/{eventType}/versions"))
                .body("paths", hasKey("/event-types/{eventType}/versions/{version}"))
                .body("paths", hasKey("/event-types/{eventType}/versions/{version}/deprecation"))
                .body("paths", hasKey("/webhooks"))
                .body("paths", hasKey("/webhooks/{id}"))
                .body("paths", hasKey("/webhooks/{id}/secret/rotation"))
                .body("paths", hasKey("/webhooks/{id}/test"))
                .body("paths", hasKey("/webhooks/{id}/deliveries"))
                .body("paths", hasKey("/dead-letters"))
                .body("paths", hasKey("/dead-letters/{id}/replay"))
                .body("paths", hasKey("/dead-letters/replay"))
                .body("paths", hasKey("/webhooks/{id}/recovery"))
                .body("paths", hasKey("/accounts"))
                .body("paths", hasKey("/accounts/{id}"))
                .body("paths", hasKey("/accounts/{id}/keys"))
                .body("paths", hasKey("/accounts/{id}/keys/{keyId}"))
                .body("paths.'/orders'.post.parameters.name", hasItem("Tidings-Account"))
                .body("components.securitySchemes", hasKey("apiKey"));
    }
}
