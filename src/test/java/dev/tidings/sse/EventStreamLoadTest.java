package dev.tidings.sse;

import dev.tidings.support.Api;
import dev.tidings.support.Database;
import dev.tidings.support.Metrics;
import dev.tidings.support.OrderWriters;
import dev.tidings.support.SseClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Many writers, reconnecting readers, slow readers and many connections (client buffer 256 in tests). */
@QuarkusTest
class EventStreamLoadTest {

    private static final Map<String, String> AUTH = EventStreamTest.AUTH;

    /**
     * While six writers commit concurrently, a client that drops its connection every few events and
     * reconnects with Last-Event-ID sees every event exactly once, in sequence order.
     */
    @Test
    void aClientReconnectingUnderConcurrentWritesSeesEveryEventOnceInOrder() throws Exception {
        long start = Database.lastSequence();
        List<Long> seen = new ArrayList<>();
        String lastEventId = Long.toString(start);
        int connections = 0;
        try (OrderWriters writers = OrderWriters.start(6, 10, "sse-stress")) {
            Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
            while (writers.running() || seen.size() < expectedSince(start)) {
                assertThat(Instant.now()).as("%d events seen over %d connections in time", seen.size(), connections)
                        .isBefore(deadline);
                connections++;
                try (SseClient client = SseClient.connect(RestAssured.port, "/events/stream",
                        Map.of("Authorization", "Bearer " + Api.KEY, "Last-Event-ID", lastEventId))) {
                    List<SseClient.Frame> events = client.eventsWithin(7, Duration.ofSeconds(2));
                    int take = Math.min(7, events.size());
                    for (SseClient.Frame frame : events.subList(0, take)) {
                        seen.add(Long.parseLong(frame.id()));
                    }
                    if (take > 0) {
                        lastEventId = events.get(take - 1).id();
                    }
                }
            }
            writers.awaitDone(Duration.ofSeconds(10));
        }
        long end = Database.lastSequence();
        List<Long> expected = new ArrayList<>();
        for (long s = start + 1; s <= end; s++) {
            expected.add(s);
        }
        assertThat(connections).isGreaterThan(5);
        assertThat(seen).containsExactlyElementsOf(expected);
    }

    /** Events in the log after {@code start}, once the relay has published everything committed. */
    private static long expectedSince(long start) {
        Database.awaitNothingPending(Duration.ofSeconds(20));
        return Database.count("select count(*) from outbox where sequence > ?", start);
    }

    @Test
    void aClientThatCannotKeepUpIsDisconnectedWhileAFastOneKeepsReceiving() throws Exception {
        try (SseClient fast = SseClient.connect(RestAssured.port, "/events/stream?types=bulk.*", AUTH);
             SseClient slow = SseClient.connectWithoutReading(RestAssured.port, "/events/stream?types=bulk.*", AUTH)) {
            double disconnectedBefore = Metrics.value("events_sse_slow_clients_total");
            int events = 1500;
            // Large events, straight into the outbox: the relay publishes them as it does any other.
            Database.execute("""
                    with bulk as (select gen_random_uuid() as id, i, now() as at from generate_series(1, %d) as i)
                    insert into outbox (event_id, event_type, version, source, subject, occurred_at, envelope)
                    select id, 'bulk.loaded', 1, 'tests', 'bulk/' || i, at, json_build_object('eventId', id,
                      'eventType', 'bulk.loaded', 'version', 1,
                      'timestamp', to_char(at at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                      'source', 'tests', 'subject', 'bulk/' || i, 'data', json_build_object('filler', repeat('x', 8000)))::text
                    from bulk""".formatted(events));

            assertThat(fast.awaitEvents(events, Duration.ofSeconds(60)).size()).isGreaterThanOrEqualTo(events);
            assertThat(fast.ended()).isFalse();
            assertThat(slow.serverClosed(Duration.ofSeconds(20))).as("the slow client was disconnected").isTrue();
            assertThat(Metrics.value("events_sse_slow_clients_total")).isEqualTo(disconnectedBefore + 1);
        }
    }

    /**
     * Streams on separate connections (spread over the server's event loops, each of which the feed hands events to
     * in a task of its own) each receive a burst of several pages whole, in sequence order.
     */
    @Test
    void streamsOnEveryEventLoopEachReceiveABurstWholeAndInOrder() throws Exception {
        List<SseClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 12; i++) {
                clients.add(SseClient.connect(RestAssured.port, "/events/stream?types=burst.*", AUTH));
            }
            int events = 600; // about five of the feed's reads (half of the tests' client buffer of 256 each)
            Database.execute("""
                    insert into outbox (event_id, event_type, version, source, subject, occurred_at, envelope)
                    select gen_random_uuid(), 'burst.sent', 1, 'tests', 'burst/' || i, now(), '{}'
                    from generate_series(1, %d) as i""".formatted(events));
            for (SseClient client : clients) {
                List<Long> ids = client.awaitEvents(events, Duration.ofSeconds(60)).stream()
                        .map(frame -> Long.parseLong(frame.id())).toList();
                assertThat(ids).hasSize(events);
                assertThat(ids.get(events - 1) - ids.get(0)).as("no gap").isEqualTo(events - 1);
                assertThat(ids).isSorted().doesNotHaveDuplicates();
            }
        } finally {
            for (SseClient client : clients) {
                client.close();
            }
        }
    }

    @Test
    void theConnectionGaugeReturnsToItsBaselineAfterClientsLeave() throws Exception {
        double baseline = connectionsGauge();
        List<SseClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) {
                clients.add(SseClient.connect(RestAssured.port, "/events/stream", AUTH));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> connectionsGauge() >= baseline + 50);
        } finally {
            for (SseClient client : clients) {
                client.close();
            }
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> connectionsGauge() == baseline);
    }

    private static double connectionsGauge() {
        return Metrics.value("events_sse_connections");
    }
}
