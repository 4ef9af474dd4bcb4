package dev.tidings.relay;

import dev.tidings.support.Database;
import dev.tidings.support.KafkaRecords;
import io.opentelemetry.api.trace.Tracer;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Batches of one round reach Kafka's producer in claim order even when a later one is ready first: here the first
 * batch waits for the look-up of a topic not sent to before, while the second one's topic is already known.
 */
@QuarkusTest
@TestProfile(RelayPipelineTest.SmallBatches.class)
class RelayHandOffOrderTest {

    private static final Duration SLOW_LOOK_UP = Duration.ofMillis(800);

    @Inject
    RelayProducer producer;
    @Inject
    Tracer tracer;

    @Test
    void aSubjectsLaterEventDoesNotOvertakeItsEarlierOneWhileATopicIsLookedUp() throws Exception {
        Database.awaitNothingPending(Duration.ofSeconds(30));
        String slowTopic = "events.lookup" + UUID.randomUUID().toString().substring(0, 8);
        QuarkusMock.installMockForType(new KafkaPublisher(producer, topicsLookingUpSlowly(slowTopic), "events.", Duration.ofSeconds(10), tracer),
                KafkaPublisher.class);
        String subject = "order/" + UUID.randomUUID();

        try (KafkaRecords orders = KafkaRecords.of("events.order")) {
            try (Connection stalledRelay = Database.connect()) { // all four rows wait for one round: two batches of 3 and 1
                stalledRelay.setAutoCommit(false);
                stalledRelay.createStatement().executeQuery("select last_sequence from relay_cursor where id = 1 for update");
                OutboxRows.insert(UUID.randomUUID().toString(), "order.created", subject, "{}");
                OutboxRows.insert(UUID.randomUUID().toString(), slowTopic.substring("events.".length()) + ".happened", "lookup/1", "{}");
                OutboxRows.insert(UUID.randomUUID().toString(), "order.created", "order/" + UUID.randomUUID(), "{}");
                OutboxRows.insert(UUID.randomUUID().toString(), "order.payment_received", subject, "{}");
            }

            assertThat(orders.awaitKey(subject, 2).stream()
                    .map(record -> new String(record.headers().lastHeader("ce_type").value(), StandardCharsets.UTF_8)).distinct())
                    .as("%s on Kafka in the order it was written", subject).containsExactly("order.created", "order.payment_received");
        }
        Database.awaitNothingPending(Duration.ofSeconds(30));
    }

    /** Every topic takes any batch; the look-up of {@code slowTopic} answers only after {@link #SLOW_LOOK_UP}. */
    private static RelayTopics topicsLookingUpSlowly(String slowTopic) {
        return new RelayTopics(new RelayTopics.Kafka() {
            @Override
            public Map<String, Uni<Integer>> maxMessageBytes(Collection<String> topics) {
                Map<String, Uni<Integer>> answers = new HashMap<>();
                topics.forEach(topic -> answers.put(topic, topic.equals(slowTopic)
                        ? Uni.createFrom().item(1_048_588).onItem().delayIt().by(SLOW_LOOK_UP)
                        : Uni.createFrom().item(1_048_588)));
                return answers;
            }

            @Override
            public Uni<Void> create(String topic) {
                return Uni.createFrom().voidItem();
            }
        }, 262_144);
    }
}
