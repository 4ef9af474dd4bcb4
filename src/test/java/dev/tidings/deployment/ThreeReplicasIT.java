package dev.tidings.deployment;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tidings.support.Api;
import dev.tidings.support.Database;
import dev.tidings.support.KafkaRecords;
import dev.tidings.support.Orders;
import dev.tidings.support.ServiceProcess;
import dev.tidings.support.ServiceProcesses;
import dev.tidings.support.SseClient;
import dev.tidings.support.WebhookReceiver;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three replicas of the packaged service on one PostgreSQL and one Kafka broker, under load; one is
 * stopped with SIGTERM halfway. The relay publishes no row twice, every event reaches the webhook
 * subscriber exactly once, and every replica's SSE stream is complete and gap-free (the stopped
 * replica's client resumes on another replica with Last-Event-ID).
 */
@Tag("processes")
@Timeout(value = 10, unit = TimeUnit.MINUTES) // three starts, a graceful stop and several bounded waits of up to a minute
class ThreeReplicasIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int WRITERS = 3;
    private static final int ORDERS_PER_WRITER = 40;
    private static final Map<String, String> AUTH = Map.of("Authorization", "Bearer " + Api.KEY);

    @RegisterExtension
    static final ServiceProcesses services = new ServiceProcesses("three-replicas-it.log");

    @Test
    void threeReplicasShareTheWorkAndOneLeavesGracefully() throws Exception {
        Map<String, String> environment = ServiceProcesses.webhookEnvironment("EVENTS_WEBHOOKS_TIMEOUT", "5s");
        Instant started = Instant.now();
        ServiceProcess a = services.start(environment);
        ServiceProcess b = services.start(environment);
        ServiceProcess c = services.start(environment);
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);

        try (WebhookReceiver receiver = WebhookReceiver.start();
             KafkaRecords orderTopic = KafkaRecords.of("events.order");
             SseClient streamA = SseClient.connect(a.port(), "/events/stream", AUTH);
             SseClient streamB = SseClient.connect(b.port(), "/events/stream", AUTH);
             SseClient streamC = SseClient.connect(c.port(), "/events/stream", AUTH)) {
            long start = Database.lastSequence();
            String url = receiver.newEndpoint();
            services.subscribe(a, url, List.of("order.*"));

            List<ServiceProcess> alive = new CopyOnWriteArrayList<>(List.of(a, b, c));
            AtomicInteger placed = new AtomicInteger();
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                writers.add(pool.submit(() -> {
                    for (int i = 0; i < ORDERS_PER_WRITER; i++) {
                        String id = onAnyReplica(alive, writer + i, spec -> spec.body(Orders.newOrder("replicas"))
                                .post("/orders").then().statusCode(201).extract().path("id"));
                        onAnyReplica(alive, writer + i, spec -> spec.body(Map.of("amount", 25.50, "reference", "r"))
                                .post("/orders/{id}/payments", id).then().statusCode(200).extract().asString());
                        placed.incrementAndGet();
                    }
                }));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> placed.get() >= WRITERS * ORDERS_PER_WRITER / 2);
            alive.remove(c); // new requests go elsewhere; requests already sent to c finish before it exits
            Instant stopping = Instant.now();
            int exitCode = c.stop();
            Duration shutdown = Duration.between(stopping, Instant.now());
            for (Future<?> writer : writers) {
                writer.get(2, TimeUnit.MINUTES);
            }

            Database.awaitNothingPending(Duration.ofSeconds(60));
            long end = Database.lastSequence();
            int expected = (int) (end - start);
            assertThat(expected).isGreaterThanOrEqualTo(WRITERS * ORDERS_PER_WRITER * 2);
            java.util.Set<String> inRange = new java.util.HashSet<>(
                    Database.strings("select event_id::text from outbox where sequence > ?", start));

            // Webhooks: each event exactly once.
            receiver.awaitRequests(url, expected, Duration.ofSeconds(60));
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(() -> receiver.requests(url).size() == expected);
            Map<String, Long> deliveries = receiver.requests(url).stream()
                    .collect(Collectors.groupingBy(r -> r.header("webhook-id"), Collectors.counting()));

            // Kafka: no event published twice.
            await().atMost(Duration.ofSeconds(30)).until(() -> published(orderTopic, inRange).size() >= expected);
            List<String> published = published(orderTopic, inRange);
            long kafkaDuplicates = published.size() - published.stream().distinct().count();

            // SSE: the surviving replicas' streams are complete and gap-free; c's client resumes on a.
            await().atMost(Duration.ofSeconds(30)).until(() -> last(streamA) == end && last(streamB) == end);
            assertThat(streamC.ended()).isTrue();
            long cLast = last(streamC);
            List<Long> cSeen = new ArrayList<>(sequences(streamC));
            try (SseClient resumed = SseClient.connect(a.port(), "/events/stream", Map.of("Authorization", "Bearer " + Api.KEY,
                    "Last-Event-ID", Long.toString(cLast)))) {
                await().atMost(Duration.ofSeconds(30)).failFast(resumed::ended)
                        .untilAsserted(() -> assertThat(last(resumed)).as("resumed after %d", cLast).isEqualTo(end));
                cSeen.addAll(sequences(resumed));
            }

            System.out.printf("three replicas: %d events in %d s; kafka records %d (duplicates %d); webhook deliveries %d "
                            + "(distinct %d); sse gaps a=%d b=%d c+resume=%d; SIGTERM exit %d after %d ms%n",
                    expected, Duration.between(started, Instant.now()).toSeconds(), published.size(), kafkaDuplicates,
                    receiver.requests(url).size(), deliveries.size(), gaps(sequences(streamA)), gaps(sequences(streamB)),
                    gaps(cSeen), exitCode, shutdown.toMillis());

            assertThat(deliveries).hasSize(expected);
            assertThat(deliveries.values()).containsOnly(1L);
            assertThat(kafkaDuplicates).isZero();
            assertThat(gaps(sequences(streamA))).isZero();
            assertThat(gaps(sequences(streamB))).isZero();
            assertThat(gaps(cSeen)).isZero();
            assertThat(sequences(streamA).get(0)).isEqualTo(start + 1);
            assertThat(sequences(streamB).get(0)).isEqualTo(start + 1);
            assertThat(cSeen.get(0)).isEqualTo(start + 1);
            assertThat(cSeen.get(cSeen.size() - 1)).isEqualTo(end);
            assertThat(exitCode).isIn(0, 143);
        } finally {
            pool.shutdownNow();
        }
    }

    /** The event ids of the records on the topic that belong to this run, duplicates included. */
    private static List<String> published(KafkaRecords topic, java.util.Set<String> inRange) {
        return topic.all().stream().map(r -> eventId(r.value())).filter(inRange::contains).toList();
    }

    /** Runs the request on a live replica; a refused connection (the replica just left) is retried on another. */
    private static String onAnyReplica(List<ServiceProcess> alive, int turn,
                                       java.util.function.Function<RequestSpecification, String> request) {
        RuntimeException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                return request.apply(alive.get((turn + attempt) % alive.size()).request());
            } catch (RuntimeException refused) {
                last = refused;
            }
        }
        throw last;
    }

    private static String eventId(String envelope) {
        try {
            return JSON.readTree(envelope).get("eventId").asText();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Long> sequences(SseClient client) {
        return client.events().stream().map(f -> Long.parseLong(f.id())).toList();
    }

    private static long last(SseClient client) {
        List<Long> seen = sequences(client);
        return seen.isEmpty() ? 0 : seen.get(seen.size() - 1);
    }

    /** Places where the next sequence is not the previous plus one (a gap, a duplicate or a reordering). */
    private static long gaps(List<Long> sequences) {
        long gaps = 0;
        for (int i = 1; i < sequences.size(); i++) {
            if (sequences.get(i) != sequences.get(i - 1) + 1) {
                gaps++;
            }
        }
        return gaps;
    }
}
