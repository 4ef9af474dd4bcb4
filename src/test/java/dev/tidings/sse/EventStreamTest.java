package dev.tidings.sse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tidings.support.Api;
import dev.tidings.support.Orders;
import dev.tidings.support.SseClient;
import dev.tidings.support.SseClient.Frame;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The SSE stream over real HTTP, read by a client that parses the frames itself. */
@QuarkusTest
class EventStreamTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Map<String, String> AUTH = Map.of("Authorization", "Bearer " + Api.KEY);
    static final Duration PATIENCE = Duration.ofSeconds(20);

    static int port() {
        return RestAssured.port;
    }

    @Test
    void eachEventIsAFrameWithSequenceTypeAndEnvelope() throws Exception {
        try (SseClient client = SseClient.connect(port(), "/events/stream?types=order.*", AUTH)) {
            assertThat(client.status()).isEqualTo(200);
            assertThat(client.header("content-type")).startsWith("text/event-stream");
            assertThat(client.header("x-sse-content-type")).as("no header beyond what SSE needs").isNull();
            String orderId = Orders.place("sse-frames");

            Frame frame = client.awaitEvents(1, PATIENCE).stream().filter(f -> f.data().contains(orderId)).findFirst().orElseThrow();
            assertThat(frame.event()).isEqualTo("order.created");
            JsonNode envelope = JSON.readTree(frame.data());
            JsonNode logged = JSON.readTree(Api.given().get("/events/{id}", envelope.get("eventId").asText()).then().extract().asString());
            assertThat(frame.id()).isEqualTo(logged.get("sequence").asText());
            assertThat(envelope).isEqualTo(logged.get("event"));
            assertThat(client.frames().get(0).retry()).isEqualTo(3000L);
            assertThat(client.unknownFields()).isEmpty();
        }
    }

    @Test
    void typeFiltersSelectTheEvents() throws Exception {
        try (SseClient payments = SseClient.connect(port(), "/events/stream?types=order.payment_received", AUTH);
             SseClient all = SseClient.connect(port(), "/events/stream", AUTH)) {
            String orderId = Orders.place("sse-filters");
            Orders.pay(orderId);
            await().atMost(PATIENCE).until(() -> ofOrder(all.events(), orderId).size() == 2);
            await().atMost(PATIENCE).until(() -> ofOrder(payments.events(), orderId).size() == 1);
            assertThat(ofOrder(payments.events(), orderId).get(0).event()).isEqualTo("order.payment_received");
            assertThat(payments.events()).allMatch(f -> f.event().equals("order.payment_received"));
        }
    }

    @Test
    void aKeepaliveCommentComesEveryHeartbeatInterval() throws Exception {
        try (SseClient client = SseClient.connect(port(), "/events/stream?types=nothing.ever", AUTH)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> keepalives(client).size() >= 3);
            List<Frame> beats = keepalives(client);
            Duration gap = Duration.between(beats.get(1).at(), beats.get(2).at());
            assertThat(gap).isBetween(Duration.ofMillis(700), Duration.ofMillis(1500));
            assertThat(beats.get(0).comments()).containsExactly("keepalive");
        }
    }

    @Test
    void reconnectingWithLastEventIdReplaysExactlyTheMissedEvents() throws Exception {
        String orderId = Orders.place("sse-replay");
        String lastSeen;
        try (SseClient first = SseClient.connect(port(), "/events/stream?types=order.*", AUTH)) {
            Orders.pay(orderId);
            await().atMost(PATIENCE).until(() -> ofOrder(first.events(), orderId).stream()
                    .anyMatch(f -> f.event().equals("order.payment_received")));
            lastSeen = ofOrder(first.events(), orderId).stream().filter(f -> f.event().equals("order.payment_received"))
                    .findFirst().orElseThrow().id();
        }
        Orders.ship(orderId);
        Api.given().post("/orders/{id}/delivery", orderId).then().statusCode(200);
        await().atMost(PATIENCE).until(() -> Api.given().get("/orders/{id}/history", orderId).then().extract()
                .jsonPath().getList("items").size() == 4);
        List<String> missed = Api.given().queryParam("after", lastSeen).queryParam("types", "order.*").queryParam("limit", 1000)
                .get("/events").then().extract().jsonPath().getList("items.sequence", String.class);

        try (SseClient byHeader = SseClient.connect(port(), "/events/stream?types=order.*",
                Map.of("Authorization", "Bearer " + Api.KEY, "Last-Event-ID", lastSeen));
             SseClient byParameter = SseClient.connect(port(), "/events/stream?types=order.*&lastEventId=" + lastSeen, AUTH)) {
            assertThat(ids(byHeader.awaitEvents(missed.size(), PATIENCE))).startsWith(missed.toArray(String[]::new));
            assertThat(ids(byParameter.awaitEvents(missed.size(), PATIENCE))).startsWith(missed.toArray(String[]::new));
            assertThat(ofOrder(byHeader.events(), orderId)).extracting(Frame::event)
                    .containsExactly("order.shipped", "order.delivered");
        }
    }

    @Test
    void theBrowserCanAuthenticateWithAnAccessTokenParameter() throws Exception {
        try (SseClient client = SseClient.connect(port(), "/events/stream?access_token=" + Api.KEY, Map.of())) {
            assertThat(client.status()).isEqualTo(200);
        }
        try (SseClient client = SseClient.connect(port(), "/events/stream", Map.of())) {
            assertThat(client.status()).isEqualTo(401);
            assertThat(client.header("content-type")).isEqualTo("application/problem+json");
        }
        try (SseClient client = SseClient.connect(port(), "/events/stream?lastEventId=abc", AUTH)) {
            assertThat(client.status()).isEqualTo(400);
        }
    }

    static List<Frame> ofOrder(List<Frame> frames, String orderId) {
        return frames.stream().filter(f -> f.data().contains(orderId)).toList();
    }

    static List<String> ids(List<Frame> frames) {
        return frames.stream().map(Frame::id).toList();
    }

    private static List<Frame> keepalives(SseClient client) {
        return client.frames().stream().filter(f -> !f.isEvent() && f.comments().contains("keepalive")).toList();
    }
}
