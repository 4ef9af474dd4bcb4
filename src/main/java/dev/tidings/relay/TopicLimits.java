package dev.tidings.relay;

import dev.tidings.config.KafkaAdmins;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The topics that take smaller record batches than the relay's producer builds: a topic's {@code max.message.bytes}
 * (by default the broker's {@code message.max.bytes}) below the producer's {@code batch.size}. Kafka refuses such a
 * batch as too large, and the producer splits it into batches of {@code batch.size} again, so into the same batch,
 * without end: the relay would wait on that topic's events, and every event behind them, for good.
 * {@link KafkaPublisher} sends a limited topic's events in runs that fit its limit.
 *
 * <p>A topic's limit is looked up before the relay first sends to it, and again after {@link #REFRESH}. A topic
 * that does not exist yet (Kafka creates it with the first record) is looked up again after {@link #RETRY_MISSING};
 * one that cannot be described (no DescribeConfigs permission, no answer) counts as not limited until the next
 * look.
 */
@ApplicationScoped
class TopicLimits {

    private static final Logger LOG = Logger.getLogger(TopicLimits.class);
    static final Duration REFRESH = Duration.ofMinutes(5);
    static final Duration RETRY_MISSING = Duration.ofSeconds(5);
    /** A look-up delays the first batch to a topic: well inside {@code events.outbox.publish-timeout}. */
    static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(2);
    /** The producer's default {@code batch.size}. */
    private static final String KAFKA_DEFAULT_BATCH_SIZE = "16384";

    /** Describes topics: the {@code max.message.bytes} of each one described, a failure for each one that was not. */
    @FunctionalInterface
    interface Lookup {
        Map<String, Uni<Integer>> maxMessageBytes(Collection<String> topics);
    }

    /** {@code limit}: the topic's limit when below the batch size, else 0. */
    private record Known(int limit, long until) {
    }

    private final Map<String, Known> known = new ConcurrentHashMap<>();
    private final Lookup lookup;
    private final int batchSize;
    private final Admin admin;

    @Inject
    TopicLimits(@Identifier("default-kafka-broker") Map<String, Object> kafkaConfig,
                @ConfigProperty(name = "mp.messaging.outgoing.events-out.batch.size", defaultValue = KAFKA_DEFAULT_BATCH_SIZE) int batchSize) {
        this.admin = KafkaAdmins.create(kafkaConfig, "tidings-relay-topics", LOOKUP_TIMEOUT);
        this.lookup = topics -> describe(admin, topics);
        this.batchSize = batchSize;
    }

    TopicLimits(Lookup lookup, int batchSize) {
        this.admin = null;
        this.lookup = lookup;
        this.batchSize = batchSize;
    }

    /** Nothing is ever limited (no look-ups). */
    static TopicLimits none() {
        return new TopicLimits(topics -> Map.of(), Integer.MAX_VALUE);
    }

    /** Learns the limits of those {@code topics} not known (or known too long); never fails. */
    Uni<Void> learn(Collection<String> topics) {
        long now = System.nanoTime();
        List<String> unknown = topics.stream().distinct().filter(topic -> {
            Known entry = known.get(topic);
            return entry == null || now - entry.until() >= 0;
        }).toList();
        if (unknown.isEmpty() || batchSize == Integer.MAX_VALUE) {
            return Uni.createFrom().voidItem();
        }
        List<Uni<Void>> looks = lookup.maxMessageBytes(unknown).entrySet().stream().map(answer -> answer.getValue()
                .ifNoItem().after(LOOKUP_TIMEOUT).fail()
                .invoke(limit -> learned(answer.getKey(), limit))
                .onFailure().invoke(failure -> notLearned(answer.getKey(), failure))
                .onFailure().recoverWithNull()
                .replaceWithVoid()).toList();
        return looks.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(looks).andCollectFailures().replaceWithVoid();
    }

    /** The topic's {@code max.message.bytes} when it is below the producer's batch size; 0 when not (or not known). */
    int limitOf(String topic) {
        Known entry = known.get(topic);
        return entry == null ? 0 : entry.limit();
    }

    private void learned(String topic, int maxMessageBytes) {
        int limit = maxMessageBytes < batchSize ? maxMessageBytes : 0;
        Known before = known.put(topic, new Known(limit, System.nanoTime() + REFRESH.toNanos()));
        if (limit > 0 && (before == null || before.limit() != limit)) {
            LOG.warnf("Topic %s takes record batches of at most %d bytes (max.message.bytes), less than the relay's Kafka "
                    + "batch.size (%d): its events are sent in runs that fit, each waited for, which is slower. Raise the "
                    + "topic's max.message.bytes to at least the batch size, or lower mp.messaging.outgoing.events-out.batch.size.",
                    topic, maxMessageBytes, batchSize);
        }
    }

    private void notLearned(String topic, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        boolean missing = cause instanceof UnknownTopicOrPartitionException;
        known.put(topic, new Known(0, System.nanoTime() + (missing ? RETRY_MISSING : REFRESH).toNanos()));
        if (!missing) {
            LOG.debugf("The configuration of topic %s could not be read, taken as not limited: %s", topic, cause);
        }
    }

    private static Map<String, Uni<Integer>> describe(Admin admin, Collection<String> topics) {
        List<ConfigResource> resources = topics.stream().map(topic -> new ConfigResource(ConfigResource.Type.TOPIC, topic)).toList();
        Map<String, Uni<Integer>> answers = new HashMap<>();
        admin.describeConfigs(resources, new DescribeConfigsOptions().timeoutMs((int) LOOKUP_TIMEOUT.toMillis())).values()
                .forEach((resource, config) -> answers.put(resource.name(), Uni.createFrom().completionStage(config.toCompletionStage())
                        .map(described -> Integer.parseInt(described.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG).value()))));
        return answers;
    }

    @PreDestroy
    void close() {
        if (admin != null) {
            admin.close(Duration.ZERO);
        }
    }
}
