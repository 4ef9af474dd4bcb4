package dev.tidings.operations;

import dev.tidings.support.Orders;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.matchesPattern;

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
    }

    @Test
    void metricsShowTheRelay() {
        Orders.place("metrics");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                RestAssured.given().get("/q/metrics").then().statusCode(200)
                        .body(matchesPattern("(?s).*\\nevents_published_total(\\{[^}]*})? [1-9].*")));
        RestAssured.given().get("/q/metrics").then()
                .body(containsString("events_outbox_pending"))
                .body(containsString("events_outbox_lag_seconds"))
                .body(containsString("events_relay_delay_seconds"))
                .body(containsString("events_sse_connections"));
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
                .body("components.securitySchemes", hasKey("apiKey"));
    }
}
