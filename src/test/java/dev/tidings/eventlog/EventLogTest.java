package dev.tidings.eventlog;

import dev.tidings.support.Api;
import dev.tidings.support.Database;
import dev.tidings.support.OrderWriters;
import dev.tidings.support.Orders;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

@QuarkusTest
class EventLogTest {

    /** Far more than the concurrent writers need (a few seconds). */
    private static final Duration WRITING = Duration.ofSeconds(90);

    @Test
    void anOrdersHistoryListsItsEventsOldestFirst() {
        String id = Orders.place("history");
        Orders.pay(id);
        Orders.ship(id);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                Api.given().get("/orders/{id}/history", id).then().statusCode(200).body("items", hasSize(3)));

        JsonPath history = Api.given().get("/orders/{id}/history", id).then()
                .body("items.event.eventType", equalTo(List.of("order.created", "order.payment_received", "order.shipped")))
                .body("items.event.subject", everyItem(equalTo("order/" + id)))
                .body("next", nullValue())
                .extract().jsonPath();
        List<Long> sequences = history.getList("items.sequence", Long.class);
        assertThat(sequences).isSorted().doesNotHaveDuplicates();

        String next = Api.given().queryParam("limit", 2).get("/orders/{id}/history", id).then()
                .body("items", hasSize(2)).extract().path("next");
        assertThat(next).isEqualTo(String.valueOf(sequences.get(1)));
        Api.given().queryParam("after", next).get("/orders/{id}/history", id).then()
                .body("items.event.eventType", equalTo(List.of("order.shipped")));
    }

    @Test
    void theLogFiltersByTypeAndSubject() {
        String id = Orders.place("filters");
        Orders.pay(id);
        String subject = "order/" + id;
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                Api.given().queryParam("subject", subject).get("/events").then().body("items", hasSize(2)));

        Api.given().queryParam("subject", subject).queryParam("types", "order.payment_received").get("/events").then()
                .body("items.event.eventType", equalTo(List.of("order.payment_received")));
        Api.given().queryParam("subject", subject).queryParam("types", "order.*").get("/events").then()
                .body("items", hasSize(2));
        Api.given().queryParam("subject", subject).queryParam("types", "*").get("/events").then()
                .body("items", hasSize(2));
        Api.given().queryParam("subject", subject).queryParam("types", "user.*,order.created").get("/events").then()
                .body("items.event.eventType", equalTo(List.of("order.created")));
        Api.given().queryParam("types", "order.*").queryParam("limit", 1000).get("/events").then()
                .body("items.event.eventType", everyItem(startsWith("order.")));
        Api.given().queryParam("types", "Not A Type").get("/events").then().statusCode(400);
    }

    @Test
    void anUnknownEventIs404() {
        Api.given().get("/events/{id}", "0190a3c4-0000-7000-8000-000000000000").then()
                .statusCode(404).contentType("application/problem+json");
    }

    /**
     * Writers commit concurrently while readers page with {@code after}; every reader, started at any
     * point, ends up with exactly the log from that point: no gap, no duplicate, in order.
     */
    @Test
    void aReaderPagingWhileOthersWriteNeverMissesAnEvent() throws Exception {
        long start = Database.lastSequence();
        Reader fromStart = new Reader(start);
        Reader fromMiddle = null;
        try (OrderWriters writers = OrderWriters.start(6, 12, "concurrent")) {
            Instant deadline = Instant.now().plus(WRITING);
            while (writers.running()) {
                assertThat(Instant.now()).as("the writers finish in time").isBefore(deadline);
                fromStart.readAvailable();
                if (fromMiddle == null && fromStart.cursor > start + 40) {
                    fromMiddle = new Reader(fromStart.cursor - 17);
                }
                if (fromMiddle != null) {
                    fromMiddle.readAvailable();
                }
            }
            writers.awaitDone(Duration.ofSeconds(10)); // a failed writer fails the test
        }
        Database.awaitNothingPending(Duration.ofSeconds(30));
        fromStart.readAvailable();
        assertThat(fromMiddle).isNotNull();
        fromMiddle.readAvailable();

        long end = Database.lastSequence();
        assertThat(end - start).isGreaterThanOrEqualTo(6 * 12 * 2);
        assertThat(fromStart.seen).containsExactlyElementsOf(range(start + 1, end));
        assertThat(fromMiddle.seen).containsExactlyElementsOf(range(fromMiddle.first + 1, end));
    }

    private static List<Long> range(long fromInclusive, long toInclusive) {
        List<Long> sequences = new ArrayList<>();
        for (long s = fromInclusive; s <= toInclusive; s++) {
            sequences.add(s);
        }
        return sequences;
    }

    /** Pages through GET /events from a cursor, the way a client tails the log. */
    private static final class Reader {
        final long first;
        long cursor;
        final List<Long> seen = new ArrayList<>();

        Reader(long after) {
            this.first = after;
            this.cursor = after;
        }

        void readAvailable() {
            Instant deadline = Instant.now().plus(WRITING);
            while (Instant.now().isBefore(deadline)) {
                JsonPath page = Api.given().queryParam("after", cursor).queryParam("limit", 7).get("/events")
                        .then().statusCode(200).extract().jsonPath();
                List<Long> sequences = page.getList("items.sequence", Long.class);
                if (sequences.isEmpty()) {
                    return;
                }
                seen.addAll(sequences);
                cursor = sequences.get(sequences.size() - 1);
            }
            throw new AssertionError("The log kept growing for " + WRITING.toSeconds() + " s after sequence " + cursor);
        }
    }
}
