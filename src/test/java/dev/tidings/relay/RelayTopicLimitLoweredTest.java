package dev.tidings.relay;

import dev.tidings.support.ConfigOverrideProfile;
import dev.tidings.support.Database;
import dev.tidings.support.KafkaRecords;
import dev.tidings.support.TestInfrastructure;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A topic's {@code max.message.bytes} lowered below the producer's {@code batch.size} under a running relay, which had
 * found the topic within it: the batch built before the relay looks again is refused as too large, and the producer
 * splits it into the same batch and retries it until its delivery timeout, holding back the topic's partition and every
 * wait for the producer to send what it holds. The relay's rounds are given up meanwhile and sent again in runs that
 * fit; once the producer gives the batch up, every event arrives at least once and in the order written (before, a
 * record could go out right after such a wait although the run before it had failed during it, and overtake it), and
 * so does another topic's event behind them.
 *
 * <p>The producer gives up after 20 s here instead of Kafka's two minutes, so that the test does not wait that long.
 */
@QuarkusTest
@TestProfile(RelayTopicLimitLoweredTest.ProducerGivesUpSooner.class)
class RelayTopicLimitLoweredTest {

    private static final int TOPIC_LIMIT = 16 * 1024;
    private static final int EVENTS = 60;

    public static class ProducerGivesUpSooner extends ConfigOverrideProfile {
        public ProducerGivesUpSooner() {
            super(Map.of("mp.messaging.outgoing.events-out.request.timeout.ms", "10000",
                    "mp.messaging.outgoing.events-out.delivery.timeout.ms", "20000"));
        }
    }

    @Test
    void theEventsOfATopicWhoseLimitWasLoweredArriveInOrderOnceTheProducerGivesUpItsBatch() throws Exception {
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

                await().atMost(Duration.ofSeconds(90)).until(() ->
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
                .map(record -> new String(record.headers().lastHeader("ce_id").value())).distinct().toList();
    }
}
