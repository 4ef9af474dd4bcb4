package dev.tidings.relay;

import dev.tidings.support.Database;
import dev.tidings.support.Metrics;
import dev.tidings.support.KafkaRecords;
import dev.tidings.support.Orders;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Events that got into the outbox although Kafka refuses them for good (a topic name it cannot accept,
 * a record over its size limit) are set aside; the events around them are published once and numbered
 * without a gap.
 */
@QuarkusTest
class RelayQuarantineTest {

    @Test
    void eventsKafkaRefusesAreQuarantinedAndTheOthersPublishedOnce() throws Exception {
        double quarantinedBefore = Metrics.value("events_relay_quarantined_total");
        String invalidTopicEvent = UUID.randomUUID().toString();
        String tooLargeEvent = UUID.randomUUID().toString();
        List<String> subjects;
        try (KafkaRecords orderTopic = KafkaRecords.of("events.order")) {
            // While the cursor is held, nothing is relayed: all five rows end up in the same batch.
            try (Connection stalledRelay = Database.connect()) {
                stalledRelay.setAutoCommit(false);
                stalledRelay.createStatement().executeQuery("select last_sequence from relay_cursor where id = 1 for update");

                String first = "order/" + Orders.place("quarantine-1");
                // The resource part makes the topic "events." + 243 characters: over Kafka's 249.
                OutboxRows.insert(invalidTopicEvent, "r" + "x".repeat(242) + ".created", "custom/" + invalidTopicEvent, "{}");
                String second = "order/" + Orders.place("quarantine-2");
                // Over the producer's max.request.size (1 MiB).
                OutboxRows.insert(tooLargeEvent, "order.created", "order/" + tooLargeEvent, "{\"blob\":\"" + "y".repeat(1_200_000) + "\"}");
                String third = "order/" + Orders.place("quarantine-3");
                subjects = List.of(first, second, third);
                stalledRelay.commit();
            }

            await().atMost(Duration.ofSeconds(30)).until(() ->
                    Database.count("select count(*) from outbox where subject = any(?) and sequence is not null",
                            (Object) subjects.toArray(String[]::new)) == 3);
            // Exactly once each: no batch is sent again and again.
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(() ->
                    subjects.stream().allMatch(subject -> orderTopic.withKey(subject).size() == 1));
        }

        List<Long> sequences = Database.strings("select sequence from outbox where subject = any(?) order by id",
                (Object) subjects.toArray(String[]::new)).stream().map(Long::valueOf).toList();
        assertThat(sequences).containsExactly(sequences.get(0), sequences.get(0) + 1, sequences.get(0) + 2);
        assertThat(Database.count("select count(*) from outbox where sequence is not null"))
                .isEqualTo(Database.count("select max(sequence) - min(sequence) + 1 from outbox"));

        assertThat(Database.count("select count(*) from outbox where event_id in (?::uuid, ?::uuid)", invalidTopicEvent, tooLargeEvent))
                .isZero();
        assertThat(Database.strings("select quarantine_reason from outbox_quarantine where event_id = ?::uuid", invalidTopicEvent))
                .singleElement().asString().contains("invalid topic name");
        assertThat(Database.strings("select quarantine_reason from outbox_quarantine where event_id = ?::uuid", tooLargeEvent))
                .singleElement().asString().startsWith("RecordTooLargeException");
        assertThat(Metrics.value("events_relay_quarantined_total")).isEqualTo(quarantinedBefore + 2);
        RestAssured.get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void anEventPutBackIntoTheOutboxAndRefusedAgainKeepsOneQuarantineRecord() throws Exception {
        String eventId = UUID.randomUUID().toString();
        String eventType = "s" + "x".repeat(242) + ".created";
        OutboxRows.insert(eventId, eventType, "custom/" + eventId, "{}");
        await().atMost(Duration.ofSeconds(30)).until(() ->
                Database.count("select count(*) from outbox_quarantine where event_id = ?::uuid", eventId) == 1);
        long firstId = Database.count("select id from outbox_quarantine where event_id = ?::uuid", eventId);

        OutboxRows.insert(eventId, eventType, "custom/" + eventId, "{}"); // as an operator retrying it would
        await().atMost(Duration.ofSeconds(30)).until(() ->
                Database.count("select id from outbox_quarantine where event_id = ?::uuid", eventId) != firstId);
        assertThat(Database.count("select count(*) from outbox where event_id = ?::uuid", eventId)).isZero();
        assertThat(Database.count("select count(*) from outbox_quarantine where event_id = ?::uuid", eventId)).isEqualTo(1);
    }
}
