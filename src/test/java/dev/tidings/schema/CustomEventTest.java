package dev.tidings.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.standardwebhooks.Webhook;
import dev.tidings.outbox.EventDraft;
import dev.tidings.outbox.Outbox;
import dev.tidings.problem.SchemaViolation;
import dev.tidings.support.Api;
import dev.tidings.support.Database;
import dev.tidings.support.KafkaRecords;
import dev.tidings.support.Orders;
import dev.tidings.support.SseClient;
import dev.tidings.support.WebhookReceiver;
import dev.tidings.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.Validator;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static dev.tidings.support.WebhookReceiver.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.nullValue;

/** Custom events go through validation and the same outbox, relay, log, webhooks and stream as built-in ones. */
@QuarkusTest
class CustomEventTest {

    private static final WebhookReceiver receiver = WebhookReceiver.shared();

    @AfterEach
    void deleteSubscriptions() {
        Webhooks.deleteAll();
    }

    @Test
    void aValidCustomEventReachesKafkaTheLogAWebhookAndTheStream() throws Exception {
        String type = EventTypeRegistryTest.freshType();
        EventTypeRegistryTest.register(type);
        String url = receiver.newEndpoint();
        String secret = Webhooks.subscribe(url, List.of(type)).getString("secret");
        String resource = type.substring(0, type.indexOf('.'));

        try (SseClient stream = SseClient.connect(RestAssured.port, "/events/stream?types=" + type,
                Map.of("Authorization", "Bearer " + Api.KEY));
             KafkaRecords topic = KafkaRecords.of("events." + resource)) {
            Response published = Api.given().body(Map.of("eventType", type, "subject", resource + "/42",
                    "data", Map.of("invoiceId", "inv_42", "amount", 99.5))).post("/events");
            published.then().statusCode(202)
                    .body("eventType", equalTo(type)).body("version", equalTo(1)).body("subject", equalTo(resource + "/42"))
                    .body("data.invoiceId", equalTo("inv_42"))
                    .body("timestamp", matchesPattern("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z"))
                    .header("Deprecation", nullValue());
            String eventId = published.jsonPath().getString("eventId");

            assertThat(topic.awaitKey(resource + "/42", 1).get(0).value()).contains(eventId);
            Api.given().get("/events/{id}", eventId).then().statusCode(200).body("event.eventType", equalTo(type));
            WebhookReceiver.Received delivery = receiver.awaitRequests(url, 1).get(0);
            new Webhook(secret).verify(delivery.body(), delivery.headers());
            assertThat(delivery.header("webhook-id")).isEqualTo(eventId);
            assertThat(stream.awaitEvents(1, PATIENCE).get(0).data()).contains(eventId);
        }
    }

    @Test
    void dataThatFailsTheSchemaIs422WithTheErrors() {
        String type = EventTypeRegistryTest.freshType();
        EventTypeRegistryTest.register(type);
        Api.given().body(Map.of("eventType", type, "subject", "invoice/1", "data", Map.of("invoiceId", 7, "amount", -1)))
                .post("/events").then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("errors.field", hasItem("data.invoiceId"))
                .body("errors.field", hasItem("data.amount"));
        Api.given().body(Map.of("eventType", type, "subject", "invoice/1", "data", Map.of("amount", 1))).post("/events").then()
                .statusCode(422).body("errors", org.hamcrest.Matchers.not(org.hamcrest.Matchers.empty()));
    }

    @Inject
    Outbox outbox;

    @Inject
    Pool pool;

    @Test
    void theOutboxRefusesInvalidDataEvenFromTheServiceItself() {
        EventDraft broken = new EventDraft("order.shipped", 1, "order/broken-by-a-bug", JsonNodeFactory.instance.objectNode().put("orderId", 42), null);
        Throwable failure = pool.withTransaction(c -> outbox.append(c, broken))
                .onItem().<Throwable>transform(envelope -> null)
                .onFailure().recoverWithItem(f -> f)
                .await().atMost(Duration.ofSeconds(10));
        assertThat(failure).isInstanceOf(SchemaViolation.class);
        assertThat(Database.outboxRows("order/broken-by-a-bug")).isZero();
    }

    @Test
    void unknownTypesAndVersionsAre422() {
        Api.given().body(Map.of("eventType", "nobody.knows", "subject", "x/1", "data", Map.of())).post("/events").then()
                .statusCode(422).contentType("application/problem+json");
        String type = EventTypeRegistryTest.freshType();
        EventTypeRegistryTest.register(type);
        Api.given().body(Map.of("eventType", type, "version", 5, "subject", "x/1", "data", Map.of("invoiceId", "i", "amount", 1)))
                .post("/events").then().statusCode(422);
        Api.given().body(Map.of("eventType", "order.created", "subject", "order/1", "data", Map.of())).post("/events").then()
                .statusCode(409);
        Api.given().body(Map.of("eventType", type, "subject", "no subject", "data", Map.of())).post("/events").then()
                .statusCode(400).body("errors[0].field", equalTo("subject"));
    }

    @Test
    void aDeprecatedVersionIsAcceptedAndDeliveredWithADeprecationHeader() {
        String type = EventTypeRegistryTest.freshType();
        EventTypeRegistryTest.register(type);
        Api.given().body(Map.of("schema", EventTypeRegistryTest.INVOICE_V2)).post("/event-types/{type}/versions", type).then().statusCode(201);
        long before = Instant.now().getEpochSecond();
        Api.given().post("/event-types/{type}/versions/1/deprecation", type).then().statusCode(200);
        String url = receiver.newEndpoint();
        Webhooks.subscribe(url, List.of(type));

        String header = Api.given().body(Map.of("eventType", type, "version", 1, "subject", "invoice/9",
                        "data", Map.of("invoiceId", "i9", "amount", 1)))
                .post("/events").then().statusCode(202).body("version", equalTo(1)).extract().header("Deprecation");
        assertThat(header).matches("@\\d+");
        assertThat(Long.parseLong(header.substring(1))).isBetween(before - 1, Instant.now().getEpochSecond());
        assertThat(receiver.awaitRequests(url, 1).get(0).header("deprecation")).isEqualTo(header);

        Api.given().body(Map.of("eventType", type, "subject", "invoice/10", "data", Map.of("invoiceId", "i10", "amount", 1, "currency", "EUR")))
                .post("/events").then().statusCode(202).body("version", equalTo(2)).header("Deprecation", nullValue());
    }

    @Test
    void pinnedAndUnpinnedSubscribersGetTheirOwnVersionOfTheSameEventEachValidAgainstItsSchema() throws Exception {
        String v1Url = receiver.newEndpoint();
        String v2Url = receiver.newEndpoint();
        Webhooks.subscribe(v1Url, List.of("order.created"), Map.of("order.created", 1));
        Webhooks.subscribe(v2Url, List.of("order.created"));
        Orders.place("versions");

        JsonNode v1 = receiver.awaitRequests(v1Url, 1).get(0).json();
        JsonNode v2 = receiver.awaitRequests(v2Url, 1).get(0).json();
        assertThat(v1.get("eventId")).isEqualTo(v2.get("eventId"));
        assertThat(v1.get("version").asInt()).isEqualTo(1);
        assertThat(v2.get("version").asInt()).isEqualTo(2);
        assertThat(schemaOf(1).validate(Json.decodeValue(v1.get("data").toString())).getValid()).isTrue();
        assertThat(schemaOf(2).validate(Json.decodeValue(v2.get("data").toString())).getValid()).isTrue();
        assertThat(schemaOf(1).validate(Json.decodeValue(v2.get("data").toString())).getValid()).isFalse();
    }

    private static Validator schemaOf(int version) {
        String schema = Api.given().get("/event-types/order.created/versions/{v}", version).then().statusCode(200).extract().asString();
        return Validator.create(JsonSchema.of(new JsonObject(schema)),
                new JsonSchemaOptions().setDraft(Draft.DRAFT202012).setBaseUri("https://tests.tidings.dev/"));
    }
}
