package dev.tidings.support;

import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.awaitility.Awaitility.await;

/** Reads what really arrived on a Kafka topic, from its beginning, with a consumer group of its own. */
public final class KafkaRecords implements AutoCloseable {

    private final KafkaCompanion companion;
    private final ConsumerTask<String, String> task;

    private KafkaRecords(String bootstrapServers, String topic) {
        this.companion = new KafkaCompanion(bootstrapServers);
        this.task = companion.consumeStrings()
                .withGroupId("test-" + UUID.randomUUID())
                .withOffsetReset(OffsetResetStrategy.EARLIEST)
                .fromTopics(topic);
    }

    public static KafkaRecords of(String topic) {
        return new KafkaRecords(TestInfrastructure.bootstrapServers(), topic);
    }

    /** Records of a topic on another broker than the shared one. */
    public static KafkaRecords of(String bootstrapServers, String topic) {
        return new KafkaRecords(bootstrapServers, topic);
    }

    /** Waits until at least {@code count} records with this key arrived, and answers them in arrival order. */
    public List<ConsumerRecord<String, String>> awaitKey(String key, int count) {
        await().atMost(Duration.ofSeconds(30)).until(() -> withKey(key).size() >= count);
        return withKey(key);
    }

    public List<ConsumerRecord<String, String>> withKey(String key) {
        return task.getRecords().stream().filter(r -> key.equals(r.key())).toList();
    }

    public List<ConsumerRecord<String, String>> all() {
        return task.getRecords();
    }

    @Override
    public void close() {
        task.close();
        companion.close();
    }
}
