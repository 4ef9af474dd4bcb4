package dev.tidings.relay;

import dev.tidings.support.Database;
import dev.tidings.support.KafkaRecords;
import dev.tidings.support.TestInfrastructure;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A topic that takes smaller record batches than the relay's producer makes (its {@code max.message.bytes} far below
 * the producer's 256 KiB {@code batch.size}, as a topic configured for small events would be): the batch Kafka refuses
 * as too large is split, and every event arrives once and in order; an event over the topic's limit on its own is
 * quarantined, and the events around it are still numbered without a gap. A topic whose limit is lowered while the
 * relay runs holds its events up for about one publish timeout.
 */
@QuarkusTest
class RelayTopicLimitTest {

    private static final int TOPIC_LIMIT = 16 * 1024;
    private static final int EVENTS = 60;

    @Test
    void aBatchOverTheTopicsLimitIsSplitAndOnlyAnEventOverItAlonesIsSetAside() throws Exception {
        String resource = "limited" + System.nanoTime();
        String topic = "events." + resource;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(Map.of("max.message.bytes", String.valueOf(TOPIC_LIMIT)))))
                    .all().get(30, TimeUnit.SECONDS);
        }
        String subject = "custom/" + resource;
        String kilobyte = "{\"note\":\"" + "k".repeat(1000) + "\"}";
        List<String> published = new ArrayList<>();
        String overTheLimit = UUID.randomUUID().toString();
        try (KafkaRecords records = KafkaRecords.of(topic)) {
            // While the cursor is held, nothing is relayed: all rows end up in one relay batch, about 60 KiB for one partition
            try (Connection stalledRelay = Database.connect()) {
                stalledRelay.setAutoCommit(false);
                stalledRelay.createStatement().executeQuery("select last_sequence from relay_cursor where id = 1 for update");
                for (int i = 0; i < EVENTS; i++) {
                    if (i == EVENTS / 2) {
                        OutboxRows.insert(overTheLimit, resource + ".created", subject, "{\"blob\":\"" + "y".repeat(2 * TOPIC_LIMIT) + "\"}");
                    }
                    String eventId = UUID.randomUUID().toString();
                    OutboxRows.insert(eventId, resource + ".created", subject, kilobyte);
                    published.add(eventId);
                }
                stalledRelay.commit();
            }

            await().atMost(Duration.ofSeconds(60)).until(() ->
                    Database.count("select count(*) from outbox where subject = ? and sequence is not null", subject) == EVENTS);
            // Exactly once each, in the order written: a split batch is not sent twice or out of turn
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(() -> records.withKey(subject).size() == EVENTS);
            assertThat(records.withKey(subject).stream().map(RelayTopicLimitTest::eventId).toList()).isEqualTo(published);
        }

        List<Long> sequences = Database.strings("select sequence from outbox where subject = ? order by id", subject)
                .stream().map(Long::valueOf).toList();
        assertThat(sequences).isEqualTo(LongStream.range(sequences.get(0), sequences.get(0) + EVENTS).boxed().toList());
        assertThat(Database.strings("select quarantine_reason from outbox_quarantine where event_id = ?::uuid", overTheLimit))
                .singleElement().asString().startsWith("RecordTooLargeException");
    }

    /**
     * The topic's limit lowered under a running relay, which had found the topic within the producer's batch size: the
     * batch built before the relay looks again is refused as too large, and Kafka's producer would split it into the
     * same batch and retry it for two minutes (its {@code delivery.timeout.ms}), holding back the topic's partition and
     * every wait for the producer that long. The relay gives the round up after its publish timeout, drops what the
     * producer holds, and sends the events again in runs that fit: they arrive at least once and in the order written,
     * and so does another topic's event behind them, long before the producer would have given up.
     */
    @Test
    void aTopicsLimitLoweredUnderARunningRelayHoldsItsEventsUpForAboutAPublishTimeout() throws Exception {
        String resource = "lowered" + System.nanoTime();
        String topic = "events." + resource;
        String otherResource = "beside" + System.nanoTime();
        String subject = "custom/" + resource;
        String otherSubject = "custom/" + otherResource;
        String kilobyte = "{\"note\":\"" + "k".repeat(1000) + "\"}";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.bootstrapServers()))) {
            // Before anything reads the topic: a consumer's metadata request would have the broker create it
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1), new NewTopic("events." + otherResource, 1, (short) 1)))
                    .all().get(30, TimeUnit.SECONDS);
            try (KafkaRecords records = KafkaRecords.of(topic)) {
                List<String> published = new ArrayList<>(List.of(UUID.randomUUID().toString()));
                OutboxRows.insert(published.get(0), resource + ".created", subject, kilobyte);
                OutboxRows.insert(UUID.randomUUID().toString(), otherResource + ".created", otherSubject, kilobyte);
                await().atMost(Duration.ofSeconds(30)).until(() -> Database.count(
                        "select count(*) from outbox where subject in (?, ?) and sequence is not null", subject, otherSubject) == 2);

                AlterConfigOp lowerLimit = new AlterConfigOp(new ConfigEntry("max.message.bytes", String.valueOf(TOPIC_LIMIT)),
                        AlterConfigOp.OpType.SET);
                admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, topic), List.of(lowerLimit)))
                        .all().get(30, TimeUnit.SECONDS);
                String behind = UUID.randomUUID().toString();
                try (Connection stalledRelay = Database.connect()) {
                    stalledRelay.setAutoCommit(false);
                    stalledRelay.createStatement().executeQuery("select last_sequence from relay_cursor where id = 1 for update");
                    for (int i = 0; i < EVENTS; i++) {
                        String eventId = UUID.randomUUID().toString();
                        OutboxRows.insert(eventId, resource + ".created", subject, kilobyte);
                        published.add(eventId);
                    }
                    OutboxRows.insert(behind, otherResource + ".created", otherSubject, kilobyte);
                    stalledRelay.commit();
                }

                await().atMost(Duration.ofSeconds(60)).until(() ->
                        Database.count("select count(*) from outbox where event_id = ?::uuid and sequence is not null", behind) == 1);
                assertThat(Database.count("select count(*) from outbox where subject = ? and sequence is not null", subject))
                        .isEqualTo(EVENTS + 1);
                // At least once and in the order written (a batch given up and sent again may repeat what Kafka already has)
                await().atMost(Duration.ofSeconds(10)).until(() -> firstCopies(records, subject).size() == EVENTS + 1);
                assertThat(firstCopies(records, subject)).isEqualTo(published);
            }
        }
    }

    /** The topic's events with this key, each once, in the order of their first copies. */
    private static List<String> firstCopies(KafkaRecords records, String subject) {
        return records.withKey(subject).stream()
                .map(RelayTopicLimitTest::eventId).distinct().toList();
    }

    private static String eventId(ConsumerRecord<String, String> record) {
        return new String(record.headers().lastHeader("ce_id").value());
    }
}
