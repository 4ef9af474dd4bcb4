package dev.tidings.schema;

import dev.tidings.support.Api;
import dev.tidings.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;

/** The registry API: built-ins, registration, versions, deprecation (CONTRACT §3). */
@QuarkusTest
class EventTypeRegistryTest {

    static final Map<String, Object> INVOICE_V1 = Map.of(
            "$schema", "https://json-schema.org/draft/2020-12/schema",
            "type", "object",
            "required", List.of("invoiceId", "amount"),
            "properties", Map.of("invoiceId", Map.of("type", "string"), "amount", Map.of("type", "number", "minimum", 0)),
            "additionalProperties", false);
    static final Map<String, Object> INVOICE_V2 = Map.of(
            "$schema", "https://json-schema.org/draft/2020-12/schema",
            "type", "object",
            "required", List.of("invoiceId", "amount", "currency"),
            "properties", Map.of("invoiceId", Map.of("type", "string"), "amount", Map.of("type", "number"),
                    "currency", Map.of("type", "string", "pattern", "^[A-Z]{3}$")));

    /** A type name of its own, so reruns against a kept database do not collide. */
    static String freshType() {
        return "invoice" + UUID.randomUUID().toString().replace("-", "").substring(0, 10).replaceAll("[0-9]", "x") + ".paid";
    }

    static void register(String type) {
        Api.given().body(Map.of("eventType", type, "description", "An invoice was paid.", "schema", INVOICE_V1))
                .post("/event-types").then().statusCode(201);
    }

    @AfterEach
    void deleteSubscriptions() {
        Webhooks.deleteAll();
    }

    @Test
    void theBuiltInTypesAreListedWithTheirVersions() {
        JsonPath catalogue = Api.given().queryParam("limit", 1000).get("/event-types").then().statusCode(200).extract().jsonPath();
        Map<String, Object> created = catalogue.getMap("items.find { it.eventType == 'order.created' }");
        assertThat(created).containsEntry("versions", List.of(1, 2)).containsEntry("latestVersion", 2)
                .containsEntry("deprecatedVersions", List.of());
        assertThat(catalogue.getList("items.eventType", String.class)).contains("order.updated", "order.payment_received",
                "order.shipped", "order.delivered", "order.cancelled", "webhook.disabled", "webhook.test");
    }

    @Test
    void aVersionsSchemaIsServedAsSchemaJson() {
        Api.given().get("/event-types/order.created/versions/2").then()
                .statusCode(200)
                .contentType(startsWith("application/schema+json"))
                .body("$schema", equalTo("https://json-schema.org/draft/2020-12/schema"))
                .body("required", hasItem("totals"));
        Api.given().get("/event-types/order.created/versions/9").then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void aTypeAndItsSecondVersionCanBeRegistered() {
        String type = freshType();
        Api.given().body(Map.of("eventType", type, "description", "An invoice was paid.", "schema", INVOICE_V1))
                .post("/event-types").then().statusCode(201)
                .body("eventType", equalTo(type)).body("versions", equalTo(List.of(1))).body("latestVersion", equalTo(1));
        Api.given().body(Map.of("eventType", type, "schema", INVOICE_V1)).post("/event-types").then().statusCode(409);

        Api.given().body(Map.of("schema", INVOICE_V2)).post("/event-types/{type}/versions", type).then().statusCode(201)
                .body("versions", equalTo(List.of(1, 2))).body("latestVersion", equalTo(2));
        Api.given().get("/event-types/{type}/versions/2", type).then().statusCode(200).body("required", hasItem("currency"));
        Api.given().body(Map.of("schema", INVOICE_V2)).post("/event-types/{type}/versions", "nothing.here").then().statusCode(404);
    }

    @Test
    void anInvalidSchemaOrNameIsRefused() {
        Api.given().body(Map.of("eventType", freshType(), "schema", Map.of("type", "strnig"))).post("/event-types").then()
                .statusCode(400).contentType("application/problem+json").body("errors[0].field", startsWith("schema"));
        Api.given().body(Map.of("eventType", freshType(), "schema", Map.of("properties", "not an object"))).post("/event-types").then()
                .statusCode(400);
        Api.given().body(Map.of("eventType", freshType(), "schema", "a string")).post("/event-types").then()
                .statusCode(400).body("errors[0].field", equalTo("schema"));
        Api.given().body(Map.of("eventType", "Invoice Paid", "schema", INVOICE_V1)).post("/event-types").then()
                .statusCode(400).body("errors[0].field", equalTo("eventType"));
    }

    @Test
    void builtInTypesAreReadOnly() {
        Api.given().body(Map.of("eventType", "order.refunded", "schema", INVOICE_V1)).post("/event-types").then().statusCode(409);
        Api.given().body(Map.of("eventType", "webhook.paused", "schema", INVOICE_V1)).post("/event-types").then().statusCode(409);
        Api.given().body(Map.of("schema", INVOICE_V1)).post("/event-types/order.created/versions").then().statusCode(409);
        Api.given().post("/event-types/order.created/versions/1/deprecation").then().statusCode(409);
    }

    @Test
    void aVersionCanBeDeprecated() {
        String type = freshType();
        register(type);
        Api.given().body(Map.of("schema", INVOICE_V2)).post("/event-types/{type}/versions", type).then().statusCode(201);
        Api.given().post("/event-types/{type}/versions/1/deprecation", type).then().statusCode(200)
                .body("deprecatedVersions", equalTo(List.of(1))).body("versions", equalTo(List.of(1, 2)));
        Api.given().post("/event-types/{type}/versions/7/deprecation", type).then().statusCode(404);
    }
}
