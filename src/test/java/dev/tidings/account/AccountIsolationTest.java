package dev.tidings.account;

import com.standardwebhooks.Webhook;
import dev.tidings.support.Accounts;
import dev.tidings.support.Accounts.Tenant;
import dev.tidings.support.Api;
import dev.tidings.support.Orders;
import dev.tidings.support.SseClient;
import dev.tidings.support.SseClient.Frame;
import dev.tidings.support.WebhookReceiver;
import dev.tidings.support.WebhookReceiver.Received;
import dev.tidings.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

/**
 * Two accounts and an operator against the whole API (CONTRACT §11): every endpoint answers 404 for
 * another account's resource and 403 for operator-only actions; deliveries, the log and the stream
 * carry only what a key may read.
 */
@QuarkusTest
class AccountIsolationTest {

    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private static final String NOBODY = UUID.randomUUID().toString();

    private Tenant a;
    private Tenant b;
    private final WebhookReceiver receiver = WebhookReceiver.shared();

    @BeforeEach
    void twoAccounts() {
        a = Accounts.create("Account A");
        b = Accounts.create("Account B");
    }

    @AfterEach
    void deleteSubscriptions() {
        Webhooks.deleteAll();
    }

    @Test
    void onlyOperatorsCreateAndListAccounts() {
        a.given().body(Map.of("name", "mine")).post("/accounts").then().statusCode(403)
                .contentType("application/problem+json");
        a.given().get("/accounts").then().statusCode(403);
        a.operatorActingAs().body(Map.of("name", "mine")).post("/accounts").then().statusCode(403);
        a.given().body("not even json").post("/accounts").then().statusCode(403); // refused before the body is read
        Api.given().queryParam("limit", 1000).get("/accounts").then().statusCode(200)
                .body("items.id", hasItem(a.id())).body("items.id", hasItem(b.id()));
    }

    @Test
    void anAccountReadsItselfAndManagesItsOwnKeysOnly() {
        a.given().get("/accounts/{id}", a.id()).then().statusCode(200).body("name", equalTo("Account A"));
        a.given().get("/accounts/{id}", b.id()).then().statusCode(404);
        a.given().get("/accounts/{id}/keys", b.id()).then().statusCode(404);
        a.given().body(Map.of()).post("/accounts/{id}/keys", b.id()).then().statusCode(404);
        String bKeyId = Api.given().get("/accounts/{id}/keys", b.id()).then().extract().path("items[0].id");
        a.given().delete("/accounts/{id}/keys/{keyId}", b.id(), bKeyId).then().statusCode(404);
        b.given().get("/accounts/{id}", b.id()).then().statusCode(200);

        JsonPath issued = a.given().body(Map.of("description", "ci")).post("/accounts/{id}/keys", a.id())
                .then().statusCode(201).extract().jsonPath();
        String key = issued.getString("key");
        assertThat(key).startsWith("tdk_").hasSizeGreaterThanOrEqualTo(4 + 43);
        List<Map<String, Object>> listed = a.given().get("/accounts/{id}/keys", a.id()).then().statusCode(200)
                .extract().jsonPath().getList("items");
        Map<String, Object> entry = listed.stream().filter(k -> k.get("id").equals(issued.getString("id"))).findFirst().orElseThrow();
        assertThat(entry).containsEntry("prefix", key.substring(4, 12)).containsEntry("description", "ci").doesNotContainKey("key");
        assertThat(listed.toString()).doesNotContain(key);

        RestAssured.given().header("Authorization", "Bearer " + key).get("/accounts/{id}", a.id()).then().statusCode(200);
        a.given().delete("/accounts/{id}/keys/{keyId}", a.id(), issued.getString("id")).then().statusCode(204);
        RestAssured.given().header("Authorization", "Bearer " + key).get("/accounts/{id}", a.id()).then().statusCode(401)
                .contentType("application/problem+json");
        a.given().get("/accounts/{id}/keys", a.id()).then().body("items.id", not(hasItem(issued.getString("id"))));
    }

    @Test
    void anotherAccountsOrderDoesNotExist() {
        String order = a.given().body(Orders.newOrder("iso-a")).post("/orders").then().statusCode(201).extract().path("id");
        for (RequestSpecification other : List.of(b.given(), b.operatorActingAs())) {
            other.get("/orders/{id}", order).then().statusCode(404);
        }
        b.given().get("/orders/{id}/history", order).then().statusCode(404);
        b.given().body(Map.of("shippingAddress", address())).patch("/orders/{id}", order).then().statusCode(404);
        b.given().body(Map.of("amount", 25.50, "reference", "x")).post("/orders/{id}/payments", order).then().statusCode(404);
        b.given().body(Map.of("carrier", "DHL", "trackingNumber", "1")).post("/orders/{id}/shipments", order).then().statusCode(404);
        b.given().post("/orders/{id}/delivery", order).then().statusCode(404);
        b.given().body(Map.of("reason", "x")).post("/orders/{id}/cancellation", order).then().statusCode(404);
        b.given().queryParam("limit", 1000).get("/orders").then().statusCode(200).body("items.id", not(hasItem(order)));

        a.given().get("/orders/{id}", order).then().statusCode(200).body("status", equalTo("created"));
        a.operatorActingAs().get("/orders/{id}", order).then().statusCode(200);
        Api.given().get("/orders/{id}", order).then().statusCode(200);
        a.given().queryParam("limit", 1000).get("/orders").then().body("items.id", hasItem(order));
        Api.given().queryParam("limit", 1000).get("/orders").then().body("items.id", hasItem(order));
    }

    @Test
    void theAccountHeaderIsForOperators() {
        a.given().header("Tidings-Account", b.id()).get("/orders").then().statusCode(403).contentType("application/problem+json");
        a.given().header("Tidings-Account", a.id()).get("/orders").then().statusCode(200);
        Api.given().header("Tidings-Account", NOBODY).get("/orders").then().statusCode(404);
        Api.given().header("Tidings-Account", "not-an-id").get("/orders").then().statusCode(400);

        String order = a.operatorActingAs().body(Orders.newOrder("iso-acting")).post("/orders").then().statusCode(201)
                .extract().path("id");
        a.given().get("/orders/{id}", order).then().statusCode(200);
        b.given().get("/orders/{id}", order).then().statusCode(404);
    }

    @Test
    void theLogShowsAnAccountOnlyItsOwnEvents() {
        String before = Orders.place("iso-log-start");
        await().atMost(PATIENCE).until(() -> visible(before));
        long start = sequenceOf(before);
        String mine = a.given().body(Orders.newOrder("iso-log-a")).post("/orders").then().statusCode(201).extract().path("id");
        String theirs = b.given().body(Orders.newOrder("iso-log-b")).post("/orders").then().statusCode(201).extract().path("id");
        String operators = Orders.place("iso-log-operator");
        await().atMost(PATIENCE).until(() -> visible(mine) && visible(theirs) && visible(operators));

        assertThat(logOf(Api.given(), null, start).toString()).contains(mine).contains(theirs).contains(operators);
        assertThat(logOf(a.given(), null, start).toString()).contains(mine).doesNotContain(theirs).doesNotContain(operators);
        assertThat(logOf(Api.given(), a.id(), start).toString()).contains(mine).doesNotContain(theirs).doesNotContain(operators);
        assertThat(logOf(a.given(), a.id(), start).toString()).contains(mine);
        a.given().queryParam("account", b.id()).get("/events").then().statusCode(403);

        String theirEvent = eventIdOf(Api.given(), theirs);
        b.given().get("/events/{id}", theirEvent).then().statusCode(200);
        a.given().get("/events/{id}", theirEvent).then().statusCode(404);
        a.given().queryParam("subject", "order/" + theirs).get("/events").then().statusCode(200).body("items", empty());

        // sequences stay global: an account's are sparse, still strictly increasing
        List<Long> sequences = a.given().queryParam("limit", 1000).queryParam("after", start).get("/events").then().extract()
                .jsonPath().getList("items.sequence", Long.class);
        assertThat(sequences).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void anEventBelongsToTheAccountTheRequestActsFor() {
        String order = a.given().body(Orders.newOrder("iso-acts-for")).post("/orders").then().statusCode(201).extract().path("id");
        Api.given().body(Map.of("amount", 25.50, "reference", "by-the-operator")).post("/orders/{id}/payments", order)
                .then().statusCode(200);
        a.operatorActingAs().body(Map.of("carrier", "DHL", "trackingNumber", "1")).post("/orders/{id}/shipments", order)
                .then().statusCode(200);
        await().atMost(PATIENCE).until(() -> typesOf(Api.given(), order).size() == 3);

        assertThat(typesOf(Api.given(), order)).containsExactly("order.created", "order.payment_received", "order.shipped");
        assertThat(typesOf(a.given(), order)).as("the payment was made by an operator acting for no account")
                .containsExactly("order.created", "order.shipped");
    }

    @Test
    void customEventsBelongToThePublishingAccount() {
        String type = "isolation" + System.nanoTime() + ".paid";
        Api.given().body(Map.of("eventType", type, "description", "test", "schema", Map.of("type", "object")))
                .post("/event-types").then().statusCode(201);
        String eventId = a.given().body(Map.of("eventType", type, "subject", "invoice/1", "data", Map.of("n", 1)))
                .post("/events").then().statusCode(202).extract().path("eventId");
        await().atMost(PATIENCE).until(() -> a.given().get("/events/{id}", eventId).statusCode() == 200);
        b.given().get("/events/{id}", eventId).then().statusCode(404);
    }

    @Test
    void onlyOperatorsChangeTheEventTypeRegistry() {
        Map<String, Object> type = Map.of("eventType", "isolation.registered", "description", "x", "schema", Map.of("type", "object"));
        a.given().body(type).post("/event-types").then().statusCode(403).contentType("application/problem+json");
        a.operatorActingAs().body(type).post("/event-types").then().statusCode(403);
        a.given().body(Map.of("schema", Map.of("type", "object"))).post("/event-types/order.created/versions").then().statusCode(403);
        a.given().post("/event-types/order.created/versions/1/deprecation").then().statusCode(403);
        a.given().get("/event-types").then().statusCode(200);
        a.given().get("/event-types/order.created/versions/2").then().statusCode(200);
    }

    @Test
    void anotherAccountsSubscriptionDoesNotExist() {
        String subscription = subscribe(a.given(), receiver.newEndpoint());
        for (RequestSpecification other : List.of(b.given(), b.operatorActingAs())) {
            other.get("/webhooks/{id}", subscription).then().statusCode(404);
        }
        b.given().body(Map.of("url", receiver.newEndpoint())).patch("/webhooks/{id}", subscription).then().statusCode(404);
        b.given().post("/webhooks/{id}/secret/rotation", subscription).then().statusCode(404);
        b.given().post("/webhooks/{id}/test", subscription).then().statusCode(404);
        b.given().body(Map.of("since", Instant.now().minusSeconds(60).toString())).post("/webhooks/{id}/recovery", subscription)
                .then().statusCode(404);
        b.given().get("/webhooks/{id}/deliveries", subscription).then().statusCode(404);
        b.given().delete("/webhooks/{id}", subscription).then().statusCode(404);
        b.given().queryParam("limit", 1000).get("/webhooks").then().body("items.id", not(hasItem(subscription)));

        a.given().get("/webhooks/{id}", subscription).then().statusCode(200);
        a.given().queryParam("limit", 1000).get("/webhooks").then().body("items.id", hasItem(subscription));
        Api.given().get("/webhooks/{id}", subscription).then().statusCode(200);
    }

    @Test
    void eachSubscriptionReceivesItsAccountsEventsAndAPlatformOneReceivesAll() throws Exception {
        String aUrl = receiver.newEndpoint();
        String bUrl = receiver.newEndpoint();
        String platformUrl = receiver.newEndpoint();
        String aSecret = subscribeWithSecret(a.given(), aUrl);
        subscribeWithSecret(b.given(), bUrl);
        String platformSecret = subscribeWithSecret(Api.given(), platformUrl);

        String aOrder = a.given().body(Orders.newOrder("iso-a")).post("/orders").then().statusCode(201).extract().path("id");
        String bOrder = b.given().body(Orders.newOrder("iso-b")).post("/orders").then().statusCode(201).extract().path("id");

        List<Received> atPlatform = receiver.awaitRequests(platformUrl, 2);
        assertThat(bodies(atPlatform)).anyMatch(body -> body.contains(aOrder)).anyMatch(body -> body.contains(bOrder));
        for (Received request : atPlatform) {
            new Webhook(platformSecret).verify(request.body(), request.headers());
        }
        Received atA = receiver.awaitRequests(aUrl, 1).get(0);
        new Webhook(aSecret).verify(atA.body(), atA.headers());
        receiver.awaitRequests(bUrl, 1);
        // one more event of each account has gone through the fan-out behind the first ones
        String aSecond = a.given().body(Orders.newOrder("iso-a2")).post("/orders").then().statusCode(201).extract().path("id");
        String bSecond = b.given().body(Orders.newOrder("iso-b2")).post("/orders").then().statusCode(201).extract().path("id");
        receiver.awaitRequests(platformUrl, 4);
        receiver.awaitRequests(aUrl, 2);
        receiver.awaitRequests(bUrl, 2);
        assertThat(bodies(receiver.requests(aUrl))).hasSize(2).noneMatch(body -> body.contains(bOrder) || body.contains(bSecond));
        assertThat(bodies(receiver.requests(bUrl))).hasSize(2).noneMatch(body -> body.contains(aOrder) || body.contains(aSecond));
    }

    @Test
    void anotherAccountsDeadLettersAreOutOfReach() {
        String failing = receiver.newEndpoint();
        receiver.alwaysFail(failing);
        String subscription = subscribe(a.given(), failing);
        a.given().body(Orders.newOrder("iso-dead")).post("/orders").then().statusCode(201);
        await().atMost(PATIENCE).until(() -> !deadLetters(a.given(), subscription).isEmpty());
        String entry = (String) deadLetters(a.given(), subscription).get(0).get("id");

        assertThat(deadLetters(b.given(), subscription)).isEmpty();
        assertThat(b.given().queryParam("limit", 1000).get("/dead-letters").then().statusCode(200).extract().jsonPath()
                .getList("items.id", String.class)).doesNotContain(entry);
        b.given().post("/dead-letters/{id}/replay", entry).then().statusCode(404);
        b.given().body(Map.of("webhookId", subscription)).post("/dead-letters/replay").then().statusCode(202)
                .body("replayed", equalTo(0));
        b.given().body(Map.of()).post("/dead-letters/replay").then().statusCode(202);
        assertThat(deadLetters(a.given(), subscription)).extracting(d -> d.get("id")).contains(entry);

        a.given().post("/dead-letters/{id}/replay", entry).then().statusCode(202);
        assertThat(deadLetters(a.given(), subscription)).extracting(d -> d.get("id")).doesNotContain(entry);
    }

    @Test
    void aStreamCarriesOnlyTheAccountsEventsAlsoAcrossReconnects() throws Exception {
        String lastSeen;
        String first;
        try (SseClient stream = SseClient.connect(RestAssured.port, "/events/stream?types=order.*", a.authorization())) {
            assertThat(stream.status()).isEqualTo(200);
            b.given().body(Orders.newOrder("iso-sse-b1")).post("/orders").then().statusCode(201);
            first = a.given().body(Orders.newOrder("iso-sse-a1")).post("/orders").then().statusCode(201).extract().path("id");
            Frame frame = stream.awaitEvents(1, PATIENCE).get(0);
            assertThat(frame.data()).contains(first);
            lastSeen = frame.id();
        }
        String theirs = b.given().body(Orders.newOrder("iso-sse-b2")).post("/orders").then().statusCode(201).extract().path("id");
        String second = a.given().body(Orders.newOrder("iso-sse-a2")).post("/orders").then().statusCode(201).extract().path("id");
        await().atMost(PATIENCE).until(() -> visible(second));

        Map<String, String> headers = new HashMap<>(a.authorization());
        headers.put("Last-Event-ID", lastSeen);
        try (SseClient resumed = SseClient.connect(RestAssured.port, "/events/stream?types=order.*", headers)) {
            Frame replayed = resumed.awaitEvents(1, PATIENCE).get(0);
            assertThat(replayed.data()).contains(second);
            String third = a.given().body(Orders.newOrder("iso-sse-a3")).post("/orders").then().statusCode(201).extract().path("id");
            b.given().body(Orders.newOrder("iso-sse-b3")).post("/orders").then().statusCode(201);
            await().atMost(PATIENCE).until(() -> resumed.events().stream().anyMatch(f -> f.data().contains(third)));
            assertThat(resumed.events()).allMatch(f -> f.data().contains("iso-sse-a"))
                    .noneMatch(f -> f.data().contains(theirs) || f.data().contains(first));
            assertThat(Long.parseLong(replayed.id())).isGreaterThan(Long.parseLong(lastSeen));
        }
        try (SseClient forbidden = SseClient.connect(RestAssured.port, "/events/stream?account=" + b.id(), a.authorization())) {
            assertThat(forbidden.status()).isEqualTo(403);
        }
    }

    @Test
    void aRecoveryReachesOnlyTheAccountsEvents() {
        Instant since = Instant.now().minusSeconds(1);
        String mine = a.given().body(Orders.newOrder("iso-recovery-a")).post("/orders").then().statusCode(201).extract().path("id");
        String theirs = b.given().body(Orders.newOrder("iso-recovery-b")).post("/orders").then().statusCode(201).extract().path("id");
        await().atMost(PATIENCE).until(() -> visible(mine) && visible(theirs));
        String url = receiver.newEndpoint();
        String subscription = subscribe(a.given(), url); // created after both events: only a recovery reaches them

        a.given().body(Map.of("since", since.toString())).post("/webhooks/{id}/recovery", subscription).then().statusCode(202)
                .body("recovering", equalTo(1));
        Received recovered = receiver.awaitRequests(url, 1).get(0);
        assertThat(recovered.body()).contains(mine);
        assertThat(bodies(receiver.requests(url))).noneMatch(body -> body.contains(theirs));
    }

    @Test
    void theNewsOfADisabledSubscriptionBelongsToItsAccount() {
        String subscription = subscribe(a.given(), receiver.newEndpoint());
        a.given().body(Map.of("status", "disabled")).patch("/webhooks/{id}", subscription).then().statusCode(200);
        await().atMost(PATIENCE).until(() -> a.given().queryParam("subject", "webhook/" + subscription).get("/events")
                .then().extract().jsonPath().getList("items").size() == 1);
        b.given().queryParam("subject", "webhook/" + subscription).get("/events").then().statusCode(200)
                .body("items", empty());
    }

    private static Map<String, Object> address() {
        return Map.of("line1", "1 Main St", "city", "Town", "postalCode", "123", "country", "DE");
    }

    private static String subscribe(RequestSpecification as, String url) {
        String id = as.body(Map.of("url", url, "eventTypes", List.of("order.*"))).post("/webhooks").then().statusCode(201)
                .extract().path("id");
        Webhooks.remember(id);
        return id;
    }

    private static String subscribeWithSecret(RequestSpecification as, String url) {
        JsonPath created = as.body(Map.of("url", url, "eventTypes", List.of("order.created"))).post("/webhooks").then()
                .statusCode(201).extract().jsonPath();
        Webhooks.remember(created.getString("id"));
        return created.getString("secret");
    }

    private static List<Map<String, Object>> deadLetters(RequestSpecification as, String webhookId) {
        return as.queryParam("webhookId", webhookId).get("/dead-letters").then().statusCode(200).extract().jsonPath().getList("items");
    }

    /** The log after {@code after}, as {@code as} reads it, optionally naming an account. */
    private static List<Object> logOf(RequestSpecification as, String account, long after) {
        RequestSpecification request = as.queryParam("limit", 1000).queryParam("types", "order.*").queryParam("after", after);
        if (account != null) {
            request.queryParam("account", account);
        }
        return request.get("/events").then().statusCode(200).extract().jsonPath().getList("items");
    }

    private static List<String> typesOf(RequestSpecification as, String orderId) {
        return as.queryParam("subject", "order/" + orderId).get("/events").then().statusCode(200).extract().jsonPath()
                .getList("items.event.eventType");
    }

    private static boolean visible(String orderId) {
        return !Api.given().queryParam("subject", "order/" + orderId).get("/events").then().statusCode(200).extract()
                .jsonPath().getList("items").isEmpty();
    }

    private static long sequenceOf(String orderId) {
        return Api.given().queryParam("subject", "order/" + orderId).get("/events").then().extract().jsonPath().getLong("items[0].sequence");
    }

    private static String eventIdOf(RequestSpecification as, String orderId) {
        return as.queryParam("subject", "order/" + orderId).get("/events").then().statusCode(200).extract().path("items[0].event.eventId");
    }

    private static List<String> bodies(List<Received> requests) {
        return requests.stream().map(Received::body).toList();
    }
}
