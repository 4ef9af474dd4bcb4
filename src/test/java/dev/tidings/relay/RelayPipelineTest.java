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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A backlog larger than one relay round (batches of 3, {@link OutboxRelay#PIPELINE_DEPTH} per round):
 * batches claimed while earlier ones wait for Kafka keep each subject's order on Kafka and in the log,
 * and the sequence stays gap-free across rounds.
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
