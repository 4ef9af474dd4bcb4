package dev.tidings.webhook.subscription;

import dev.tidings.support.Api;
import dev.tidings.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

/** Subscription management per CONTRACT §6. */
@QuarkusTest
class WebhookSubscriptionApiTest {

    private static final String URL = "http://127.0.0.1:9/hooks/api-test";

    @AfterEach
    void deleteSubscriptions() {
        Webhooks.deleteAll();
    }

    @Test
    void creatingAnswersTheSubscriptionAndItsSecretOnce() {
        JsonPath created = Webhooks.subscribe(URL, List.of("order.*"), Map.of("order.created", 1));
        assertThat(created.getString("url")).isEqualTo(URL);
        assertThat(created.getList("eventTypes")).containsExactly("order.*");
        assertThat(created.getMap("versions")).containsEntry("order.created", 1);
        assertThat(created.getString("status")).isEqualTo("active");
        assertThat(created.getString("createdAt")).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
        String secret = created.getString("secret");
        assertThat(secret).startsWith("whsec_");
        assertThat(Base64.getDecoder().decode(secret.substring("whsec_".length()))).hasSizeBetween(24, 64);

        String id = created.getString("id");
        Api.given().get("/webhooks/{id}", id).then().statusCode(200)
                .body("id", equalTo(id)).body("secret", nullValue()).body("description", nullValue());
        Api.given().queryParam("limit", 1000).get("/webhooks").then().statusCode(200)
                .body("items.id", hasItem(id)).body("items.secret", not(hasItem(secret)));
    }

    @Test
    void patchingChangesOnlyWhatIsGiven() {
        String id = Webhooks.subscribe(URL, List.of("order.created")).getString("id");
        Api.given().body(Map.of("description", "billing", "eventTypes", List.of("order.*", "webhook.disabled")))
                .patch("/webhooks/{id}", id).then().statusCode(200)
                .body("description", equalTo("billing"))
                .body("eventTypes", equalTo(List.of("order.*", "webhook.disabled")))
                .body("url", equalTo(URL))
                .body("secret", nullValue());
    }

    @Test
    void listsPageWithCursors() {
        String first = Webhooks.subscribe(URL, List.of("order.created")).getString("id");
        String second = Webhooks.subscribe(URL, List.of("order.created")).getString("id");
        Api.given().queryParam("after", first).queryParam("limit", 1).get("/webhooks").then()
                .body("items[0].id", equalTo(second));
    }

    @Test
    void invalidSubscriptionsAreRefusedWithTheirFieldsNamed() {
        Api.given().body(Map.of("url", URL, "eventTypes", List.of("Order Created"))).post("/webhooks").then()
                .statusCode(400).contentType("application/problem+json").body("errors[0].field", equalTo("eventTypes[0]"));
        Api.given().body(Map.of("url", URL, "eventTypes", List.of())).post("/webhooks").then()
                .statusCode(400).body("errors[0].field", equalTo("eventTypes"));
        // A valid pattern, longer than a type name may be: refused up front, not by the database.
        Api.given().body(Map.of("url", URL, "eventTypes", List.of("invoice." + "x".repeat(300)))).post("/webhooks").then()
                .statusCode(400).contentType("application/problem+json").body("errors[0].field", startsWith("eventTypes"));
        Api.given().body(Map.of("url", URL, "eventTypes", List.of("order.*"), "versions", Map.of("order.created", 7)))
                .post("/webhooks").then().statusCode(400).body("errors[0].field", equalTo("versions.order.created"));
        Api.given().body(Map.of("url", "ftp://example.com/x", "eventTypes", List.of("order.*"))).post("/webhooks").then()
                .statusCode(400).body("errors[0].field", equalTo("url"));
        Api.given().body(Map.of("eventTypes", List.of("order.*"))).post("/webhooks").then()
                .statusCode(400).body("errors[0].field", equalTo("url"));
        Api.given().body(Map.of("status", "paused")).patch("/webhooks/{id}", "0190a3c4-0000-7000-8000-000000000000").then()
                .statusCode(400).body("errors[0].field", equalTo("status"));
    }

    @Test
    void unknownSubscriptionsAre404() {
        String unknown = "0190a3c4-0000-7000-8000-000000000000";
        Api.given().get("/webhooks/{id}", unknown).then().statusCode(404).contentType("application/problem+json");
        Api.given().delete("/webhooks/{id}", unknown).then().statusCode(404);
        Api.given().post("/webhooks/{id}/secret/rotation", unknown).then().statusCode(404);
        Api.given().post("/webhooks/{id}/test", unknown).then().statusCode(404);
        Api.given().body(Map.of("description", "x")).patch("/webhooks/{id}", unknown).then().statusCode(404);
    }

    @Test
    void deadLetterListsValidateTheirFilters() {
        Api.given().queryParam("webhookId", "nope").get("/dead-letters").then().statusCode(400)
                .body("errors[0].field", equalTo("webhookId"));
        Api.given().queryParam("eventType", "order.*").get("/dead-letters").then().statusCode(200)
                .body("next", nullValue());
        Api.given().post("/dead-letters/{id}/replay", "0190a3c4-0000-7000-8000-000000000000").then().statusCode(404);
        Api.given().body(Map.of("eventType", "nothing.*")).post("/dead-letters/replay").then().statusCode(202)
                .body("replayed", equalTo(0));
    }

    @Test
    void theIdsAreTimeOrderedUuids() {
        assertThat(Webhooks.subscribe(URL, List.of("order.created")).getString("id"))
                .matches("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    }
}
