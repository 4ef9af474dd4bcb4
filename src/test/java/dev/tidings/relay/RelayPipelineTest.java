package dev.tidings.relay;

import dev.tidings.support.Api;
import dev.tidings.support.ConfigOverrideProfile;
import dev.tidings.support.Database;
import dev.tidings.support.KafkaRecords;
import dev.tidings.support.Orders;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A backlog larger than one relay round (batches of 3, {@link OutboxRelay#PIPELINE_DEPTH} per round):
 * batches claimed while earlier ones wait for Kafka keep each subject's order on Kafka and in the log,
 * and the sequence stays gap-free across rounds, also when Kafka refuses a record of a round's later batch
 * after the batches before it were numbered.
 */
@QuarkusTest
@TestProfile(RelayPipelineTest.SmallBatches.class)
class RelayPipelineTest {

    public static class SmallBatches extends ConfigOverrideProfile {
        public SmallBatches() {
            super(Map.of("events.outbox.batch-size", "3"));
        }
    }

    private static final int ORDERS = 6;
    private static final int UPDATES = 4;

    @Test
    void aBacklogOfSeveralRoundsKeepsSubjectOrderAndAGapFreeSequence() throws Exception {
        long before = Database.count("select coalesce(max(sequence), 0) from outbox");
        List<String> ids = new ArrayList<>();
        try (KafkaRecords orderTopic = KafkaRecords.of("events.order")) {
            try (Connection stalledRelay = Database.connect()) { // the backlog builds up while the relay is held off
                stalledRelay.setAutoCommit(false);
                stalledRelay.createStatement().executeQuery("select last_sequence from relay_cursor where id = 1 for update");
                for (int i = 0; i < ORDERS; i++) {
                    ids.add(Orders.place("pipeline-" + i));
                }
                for (int round = 0; round < UPDATES; round++) { // interleaved: each subject's events spread over many batches
                    for (String id : ids) {
                        Api.given().body(Map.of("items", List.of(Map.of("sku", "SKU-" + round, "quantity", 1, "unitPrice", 1.5))))
                                .patch("/orders/{id}", id).then().statusCode(200);
                    }
                }
                assertThat(Database.count("select count(*) from outbox where sequence is null and subject like 'order/%'"))
                        .isGreaterThanOrEqualTo((long) ORDERS * (1 + UPDATES));
            }

            for (String id : ids) {
                List<ConsumerRecord<String, String>> records = orderTopic.awaitKey("order/" + id, 1 + UPDATES);
                assertThat(records.stream().map(r -> new String(r.headers().lastHeader("ce_id").value(), StandardCharsets.UTF_8)).toList())
                        .as("order/%s on Kafka in commit order", id).containsExactlyElementsOf(eventIdsInIdOrder(id))
                        .as("and in the log in the same order").containsExactlyElementsOf(eventIdsInSequenceOrder(id));
            }
        }
        assertThat(Database.count("select count(*) from outbox where sequence > ?", before))
                .isEqualTo(Database.count("select max(sequence) - ? from outbox", before));
    }

    @Test
    void aRecordKafkaRefusesInALaterBatchLeavesNoGapAndTheBatchesBeforeItArePublishedOnce() throws Exception {
        long before = Database.count("select coalesce(max(sequence), 0) from outbox");
        String tooLargeEvent = UUID.randomUUID().toString();
        List<String> subjects = new ArrayList<>();
        Database.awaitNothingPending(Duration.ofSeconds(30)); // the round starts with these rows
        try (KafkaRecords orderTopic = KafkaRecords.of("events.order")) {
            try (Connection stalledRelay = Database.connect()) {
                stalledRelay.setAutoCommit(false);
                stalledRelay.createStatement().executeQuery("select last_sequence from relay_cursor where id = 1 for update");
                for (int i = 0; i < 4; i++) { // the first batch and the first of the second
                    subjects.add("order/" + Orders.place("refused-later-" + i));
                }
                // Over the producer's max.request.size (1 MiB): the second batch's middle record
                OutboxRows.insert(tooLargeEvent, "order.created", "order/" + tooLargeEvent, "{\"blob\":\"" + "y".repeat(1_200_000) + "\"}");
                for (int i = 4; i < 7; i++) {
                    subjects.add("order/" + Orders.place("refused-later-" + i));
                }
            }

            Database.awaitNothingPending(Duration.ofSeconds(30));
            // Exactly once each: the batches numbered before the refusal are not sent again
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(() ->
                    subjects.stream().allMatch(subject -> orderTopic.withKey(subject).size() == 1));
        }
        assertThat(Database.strings("select quarantine_reason from outbox_quarantine where event_id = ?::uuid", tooLargeEvent))
                .singleElement().asString().startsWith("RecordTooLargeException");
        List<Long> sequences = Database.strings("select sequence from outbox where subject = any(?) order by id",
                (Object) subjects.toArray(String[]::new)).stream().map(Long::valueOf).toList();
        assertThat(sequences).as("consecutive in commit order, the refused event left out")
                .isEqualTo(LongStream.range(sequences.get(0), sequences.get(0) + subjects.size()).boxed().toList());
        assertThat(Database.count("select count(*) from outbox where sequence > ?", before))
                .isEqualTo(Database.count("select max(sequence) - ? from outbox", before));
    }

    private static List<String> eventIdsInIdOrder(String orderId) throws Exception {
        return eventIds("select event_id from outbox where subject = ? order by id", orderId);
    }

    private static List<String> eventIdsInSequenceOrder(String orderId) throws Exception {
        return eventIds("select event_id from outbox where subject = ? and sequence is not null order by sequence", orderId);
    }

    private static List<String> eventIds(String query, String orderId) throws Exception {
        try (Connection sql = Database.connect(); PreparedStatement statement = sql.prepareStatement(query)) {
            statement.setString(1, "order/" + orderId);
            List<String> ids = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getString(1));
                }
            }
            return ids;
        }
    }
}
