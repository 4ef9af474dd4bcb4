package dev.tidings.relay;

import io.smallrye.mutiny.Uni;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Which topics count as taking smaller batches than the producer's, which are created, and how often each is looked up. */
class RelayTopicsTest {

    private static final int BATCH_SIZE = 262_144;
    private final List<String> described = new ArrayList<>();
    private final List<String> created = new ArrayList<>();
    private final RelayTopics topics = new RelayTopics(new RelayTopics.Kafka() {
        @Override
        public Map<String, Uni<Integer>> maxMessageBytes(Collection<String> names) {
            described.addAll(names);
            Map<String, Uni<Integer>> answers = new HashMap<>();
            for (String topic : names) {
                answers.put(topic, switch (topic) {
                    case "events.small" -> Uni.createFrom().item(16_384);
                    case "events.default" -> Uni.createFrom().item(1_048_588);
                    case "events.secret" -> Uni.createFrom().failure(new TopicAuthorizationException(Set.of(topic)));
                    case "events.silent" -> Uni.createFrom().nothing();
                    default -> created.contains(topic) ? Uni.createFrom().item(1_048_588)
                            : Uni.createFrom().failure(new UnknownTopicOrPartitionException("not there"));
                });
            }
            return answers;
        }

        @Override
        public Uni<Void> create(String topic) {
            created.add(topic);
            return switch (topic) {
                case "events.raced" -> Uni.createFrom().failure(new TopicExistsException("made meanwhile"));
                case "events.forbidden" -> Uni.createFrom().failure(new TopicAuthorizationException(Set.of(topic)));
                default -> Uni.createFrom().voidItem();
            };
        }
    }, BATCH_SIZE);

    @Test
    void onlyATopicBelowTheBatchSizeIsLimited() {
        topics.learn(List.of("events.small", "events.default", "events.small")).await().atMost(Duration.ofSeconds(5));

        assertThat(topics.limitOf("events.small")).isEqualTo(16_384);
        assertThat(topics.limitOf("events.default")).isZero();
        assertThat(described).containsExactly("events.small", "events.default");
        assertThat(created).isEmpty();
    }

    @Test
    void aTopicIsLookedUpOnceUntilWhatIsKnownOfItIsOld() {
        topics.learn(List.of("events.small")).await().atMost(Duration.ofSeconds(5));
        topics.learn(List.of("events.small", "events.default")).await().atMost(Duration.ofSeconds(5));

        assertThat(described).containsExactly("events.small", "events.default");
    }

    @Test
    void aForgottenTopicIsLookedUpAgain() {
        topics.learn(List.of("events.small", "events.default")).await().atMost(Duration.ofSeconds(5));
        topics.forget(List.of("events.small"));
        topics.learn(List.of("events.small", "events.default")).await().atMost(Duration.ofSeconds(5));

        assertThat(described).containsExactly("events.small", "events.default", "events.small");
    }

    @Test
    void aTopicMissingAtASecondLookIsCreatedAndNoFailureToCreateItFailsTheBatch() {
        List<String> missing = List.of("events.new", "events.raced", "events.forbidden");
        topics.learn(missing).await().atMost(Duration.ofSeconds(5));
        assertThat(created).as("a broker that creates topics on first use makes it on the producer's request").isEmpty();

        topics.forget(missing); // a batch to them failed
        topics.learn(missing).await().atMost(Duration.ofSeconds(5));

        assertThat(created).containsExactlyInAnyOrder("events.new", "events.raced", "events.forbidden");
        assertThat(topics.limitOf("events.new")).isZero();
    }

    @Test
    void aTopicIsNewFromALookThatFindsItMissingUntilALookFindsIt() {
        List<String> names = List.of("events.new", "events.default");
        topics.learn(names).await().atMost(Duration.ofSeconds(5));
        assertThat(topics.isNew("events.new")).isTrue();
        assertThat(topics.isNew("events.default")).isFalse();

        topics.forget(names);
        topics.learn(names).await().atMost(Duration.ofSeconds(5)); // created at this second look: its partitions are new
        assertThat(created).containsExactly("events.new");
        assertThat(topics.isNew("events.new")).isTrue();

        topics.forget(names);
        topics.learn(names).await().atMost(Duration.ofSeconds(5));
        assertThat(topics.isNew("events.new")).isFalse();
        assertThat(topics.isNew("events.unseen")).as("not looked up yet").isFalse();
    }

    @Test
    void aTopicThatCannotBeDescribedCountsAsNotLimitedAndDoesNotHoldThePublishing() {
        topics.learn(List.of("events.secret", "events.silent", "events.small"))
                .await().atMost(RelayTopics.LOOKUP_TIMEOUT.plusSeconds(3));

        assertThat(topics.limitOf("events.secret")).isZero();
        assertThat(topics.limitOf("events.silent")).isZero();
        assertThat(topics.limitOf("events.small")).isEqualTo(16_384);
        assertThat(created).isEmpty();
    }
}
