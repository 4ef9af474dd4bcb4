package dev.tidings.paging;

import dev.tidings.support.Api;
import dev.tidings.support.Orders;
import dev.tidings.support.WebhookReceiver;
import dev.tidings.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import static dev.tidings.support.WebhookReceiver.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every list answers {@code {items, next}}; following {@code next} as {@code after} to the end yields
 * every item exactly once, and {@code next} is null on the last page (CONTRACT §4). Other tests share
 * the database, so each test checks the items it made.
 */
@QuarkusTest
class ListPaginationTest {

    private static final int LIMIT = 2;
    private static final WebhookReceiver receiver = WebhookReceiver.shared();
    private static final Map<String, Object> INVOICE_SCHEMA = Map.of(
            "$schema", "https://json-schema.org/draft/2020-12/schema", "type", "object");

    @AfterEach
    void deleteSubscriptions() {
        Webhooks.deleteAll();
    }

    @Test
    void subscriptionsPageThroughEveryOneExactlyOnce() {
        List<String> mine = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            mine.add(Webhooks.subscribe("http://127.0.0.1:9/hooks/paging-" + i, List.of("order.created")).getString("id"));
        }

        List<String> ids = keys(walk("/webhooks", Map.of()), item -> (String) item.get("id"));
        assertThat(ids).doesNotHaveDuplicates();
        assertThat(ids.stream().filter(mine::contains).toList()).containsExactlyInAnyOrderElementsOf(mine);
    }

    @Test
    void deadLettersPageThroughEveryOneExactlyOnce() {
        String url = receiver.newEndpoint();
        receiver.alwaysFail(url);
        String id = Webhooks.subscribe(url, List.of("order.created")).getString("id");
        for (int i = 0; i < 3; i++) {
            Orders.place("paging-dead-" + i);
        }
        receiver.awaitRequests(url, 3, PATIENCE);
        Api.given().body(Map.of("status", "disabled")).patch("/webhooks/{id}", id).then().statusCode(200);
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(Webhooks.deadLetters(id)).hasSize(3));

        List<String> walked = keys(walk("/dead-letters", Map.of("webhookId", id)), item -> (String) item.get("id"));
        assertThat(walked).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(keys(Webhooks.deadLetters(id), item -> (String) item.get("id")));
    }

    @Test
    void deliveryAttemptsPageThroughEveryOneExactlyOnce() {
        String url = receiver.newEndpoint();
        String id = Webhooks.subscribe(url, List.of("order.created")).getString("id");
        for (int i = 0; i < 5; i++) {
            Orders.place("paging-attempts-" + i);
        }
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(Webhooks.deliveries(id)).hasSize(5)
                .allSatisfy(a -> assertThat(a).containsEntry("status", "succeeded")));

        Function<Map<String, Object>, String> attempt = item -> item.get("deliveryId") + "#" + item.get("attempt");
        List<String> walked = keys(walk("/webhooks/" + id + "/deliveries", Map.of()), attempt);
        assertThat(walked).hasSize(5).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(keys(Webhooks.deliveries(id), attempt));
    }

    @Test
    void eventTypesPageThroughEveryOneExactlyOnce() {
        String prefix = "paging" + UUID.randomUUID().toString().replace("-", "").substring(0, 10).replaceAll("[0-9]", "x");
        List<String> mine = List.of(prefix + ".created", prefix + ".paid", prefix + ".voided");
        for (String type : mine) {
            Api.given().body(Map.of("eventType", type, "description", "Paging.", "schema", INVOICE_SCHEMA))
                    .post("/event-types").then().statusCode(201);
        }

        List<String> types = keys(walk("/event-types", Map.of()), item -> (String) item.get("eventType"));
        assertThat(types).doesNotHaveDuplicates().contains("order.created", "webhook.disabled");
        assertThat(types.stream().filter(t -> t.startsWith(prefix + ".")).toList()).containsExactlyInAnyOrderElementsOf(mine);
    }

    /** Follows {@code next} from the first page to the last; every page holds at most LIMIT items. */
    private static List<Map<String, Object>> walk(String path, Map<String, ?> filters) {
        List<Map<String, Object>> items = new ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            RequestSpecification request = Api.given().queryParams(filters).queryParam("limit", LIMIT);
            if (after != null) {
                request.queryParam("after", after);
            }
            JsonPath page = request.get(path).then().statusCode(200).extract().jsonPath();
            List<Map<String, Object>> pageItems = page.getList("items");
            assertThat(pageItems).hasSizeLessThanOrEqualTo(LIMIT);
            items.addAll(pageItems);
            after = page.getString("next");
            assertThat(++pages).as("pages of %s", path).isLessThan(10_000);
        } while (after != null);
        assertThat(pages).as("pages of %s", path).isGreaterThan(1);
        return items;
    }

    private static List<String> keys(List<Map<String, Object>> items, Function<Map<String, Object>, String> key) {
        return items.stream().map(key).toList();
    }
}
