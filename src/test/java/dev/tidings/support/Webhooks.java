package dev.tidings.support;

import io.restassured.path.json.JsonPath;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Test helpers for the webhooks API. */
public final class Webhooks {

    private static final List<String> CREATED = new java.util.concurrent.CopyOnWriteArrayList<>();

    private Webhooks() {
    }

    /** A subscription made by a test: the endpoint it delivers to and its id. */
    public record Subscribed(String url, String id) {
    }

    /** Subscribes a new endpoint of {@code receiver}, so that the test sees only its own requests there. */
    public static Subscribed subscribeNewEndpoint(WebhookReceiver receiver, String... eventTypes) {
        String url = receiver.newEndpoint();
        return new Subscribed(url, subscribe(url, List.of(eventTypes)).getString("id"));
    }

    /** Subscribes {@code url}; answers the created subscription (with its secret). */
    public static JsonPath subscribe(String url, List<String> eventTypes) {
        return subscribe(url, eventTypes, null);
    }

    public static JsonPath subscribe(String url, List<String> eventTypes, Map<String, Integer> versions) {
        Map<String, Object> body = new HashMap<>(Map.of("url", url, "eventTypes", eventTypes));
        if (versions != null) {
            body.put("versions", versions);
        }
        JsonPath created = Api.given().body(body).post("/webhooks").then().statusCode(201).extract().jsonPath();
        CREATED.add(created.getString("id"));
        return created;
    }

    /** Deletes the subscription with the others at {@link #deleteAll} (for subscriptions a test made by another route). */
    public static void remember(String id) {
        CREATED.add(id);
    }

    /** Deletes every subscription the tests made, so that later tests' events do not go to them. */
    public static void deleteAll() {
        CREATED.forEach(id -> Api.given().delete("/webhooks/{id}", id));
        CREATED.clear();
    }

    public static List<Map<String, Object>> deliveries(String webhookId) {
        return Api.given().queryParam("limit", 1000).get("/webhooks/{id}/deliveries", webhookId).then().statusCode(200)
                .extract().jsonPath().getList("items");
    }

    public static List<Map<String, Object>> deadLetters(String webhookId) {
        return Api.given().queryParam("webhookId", webhookId).get("/dead-letters").then().statusCode(200)
                .extract().jsonPath().getList("items");
    }
}
