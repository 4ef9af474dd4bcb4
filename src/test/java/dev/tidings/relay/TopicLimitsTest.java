package dev.tidings.relay;

import io.smallrye.mutiny.Uni;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Which topics count as taking smaller batches than the producer's, and how often they are looked up. */
class TopicLimitsTest {

    private static final int BATCH_SIZE = 262_144;
    private final List<String> asked = new ArrayList<>();
    private final TopicLimits limits = new TopicLimits(topics -> {
        asked.addAll(topics);
        Map<String, Uni<Integer>> answers = new HashMap<>();
        for (String topic : topics) {
            answers.put(topic, switch (topic) {
                case "events.small" -> Uni.createFrom().item(16_384);
                case "events.default" -> Uni.createFrom().item(1_048_588);
                case "events.missing" -> Uni.createFrom().failure(new UnknownTopicOrPartitionException("not there"));
                case "events.secret" -> Uni.createFrom().failure(new TopicAuthorizationException(Set.of(topic)));
                default -> Uni.createFrom().nothing(); // never answers
            });
        }
        return answers;
    }, BATCH_SIZE);

    @Test
    void onlyATopicBelowTheBatchSizeIsLimited() {
        limits.learn(List.of("events.small", "events.default", "events.small")).await().atMost(Duration.ofSeconds(5));

        assertThat(limits.limitOf("events.small")).isEqualTo(16_384);
        assertThat(limits.limitOf("events.default")).isZero();
        assertThat(asked).containsExactly("events.small", "events.default");
    }

    @Test
    void aTopicIsLookedUpOnceUntilItsLimitIsOld() {
        limits.learn(List.of("events.small")).await().atMost(Duration.ofSeconds(5));
        limits.learn(List.of("events.small", "events.default")).await().atMost(Duration.ofSeconds(5));

        assertThat(asked).containsExactly("events.small", "events.default");
    }

    @Test
    void aTopicThatCannotBeDescribedCountsAsNotLimitedAndDoesNotHoldThePublishing() {
        limits.learn(List.of("events.missing", "events.secret", "events.silent", "events.small"))
                .await().atMost(TopicLimits.LOOKUP_TIMEOUT.plusSeconds(3));

        assertThat(limits.limitOf("events.missing")).isZero();
        assertThat(limits.limitOf("events.secret")).isZero();
        assertThat(limits.limitOf("events.silent")).isZero();
        assertThat(limits.limitOf("events.small")).isEqualTo(16_384);
    }
}
