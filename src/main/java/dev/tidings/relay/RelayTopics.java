package dev.tidings.relay;

import dev.tidings.config.KafkaAdmins;
import io.quarkus.runtime.Startup;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the relay must know of a topic before it sends to it; looked up before the first send, again after
 * {@link #REFRESH}, and before a failed batch is tried again.
 *
 * <p>Whether it exists: a topic still missing at a second look (after {@link #RETRY_MISSING}, or when a batch to it
 * failed) is created, with the broker's default partitions and replication, as its own auto-creation would. A broker
 * that does not create topics on first use would otherwise keep the producer waiting for the topic, and the relay
 * every event behind it. Not at the first look: a broker that does create them has done so by the second, through
 * the producer's own request, and the relay's creation is best left out there. A producer whose first batches
 * reach a partition that has just been created, before its leader is ready, can see a later batch of its accepted
 * before its first one, and then retries the first one as out of order until the relay gives the batch up: so until the
 * next look finds a topic that was missing, {@link KafkaPublisher} sends its records one at a time ({@link #isNew}).
 *
 * <p>Whether it takes smaller record batches than the relay's producer builds: a topic's {@code max.message.bytes}
 * (by default the broker's {@code message.max.bytes}) below the producer's {@code batch.size}. Kafka refuses such a
 * batch as too large, and the producer splits it into batches of {@code batch.size} again, so into the same batch,
 * until the relay gives the batch up. {@link KafkaPublisher} sends a limited topic's events in runs that fit its limit.
 *
 * <p>A topic that cannot be described (no DescribeConfigs permission, no answer) counts as existing and not limited
 * until the next look; neither look-up nor creation ever fails a batch.
 */
@Startup // its admin client is made at startup, not on the relay's event loop (it resolves the brokers' names)
@ApplicationScoped
class RelayTopics {

    private static final Logger LOG = Logger.getLogger(RelayTopics.class);
    static final Duration REFRESH = Duration.ofMinutes(5);
    /** A topic found missing is looked up again this soon (and created if still missing). */
    static final Duration RETRY_MISSING = Duration.ofSeconds(5);
    /** A look-up delays the first batch to a topic: well inside {@code events.outbox.publish-timeout}. */
    static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(2);
    /** The producer's default {@code batch.size}. */
    private static final String KAFKA_DEFAULT_BATCH_SIZE = "16384";

    /** The admin requests the relay needs. */
    interface Kafka {
        /** The {@code max.message.bytes} of each topic described, a failure for each one that was not. */
        Map<String, Uni<Integer>> maxMessageBytes(Collection<String> topics);

        Uni<Void> create(String topic);
    }

    /** {@code limit}: the topic's limit when below the batch size, else 0; {@code missing}: it did not exist. */
    private record Known(int limit, boolean missing, long until) {
    }

    private final Map<String, Known> known = new ConcurrentHashMap<>();
    private final Kafka kafka;
    private final int batchSize;
    private final Admin admin;

    @Inject
    RelayTopics(@Identifier("default-kafka-broker") Map<String, Object> kafkaConfig,
                @ConfigProperty(name = "mp.messaging.outgoing.events-out.batch.size", defaultValue = KAFKA_DEFAULT_BATCH_SIZE) int batchSize) {
        this.admin = KafkaAdmins.create(kafkaConfig, "tidings-relay-topics", LOOKUP_TIMEOUT);
        this.kafka = new AdminRequests(admin);
        this.batchSize = batchSize;
    }

    RelayTopics(Kafka kafka, int batchSize) {
        this.admin = null;
        this.kafka = kafka;
        this.batchSize = batchSize;
    }

    /** Learns those {@code topics} not known (or known too long), creating those missing twice; never fails. */
    Uni<Void> learn(Collection<String> topics) {
        long now = System.nanoTime();
        List<String> unknown = topics.stream().distinct().filter(topic -> {
            Known entry = known.get(topic);
            return entry == null || now - entry.until() >= 0;
        }).toList();
        if (unknown.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Map<String, Uni<Integer>> answers;
        try {
            answers = kafka.maxMessageBytes(unknown);
        } catch (RuntimeException failure) { // the admin client closed (shutting down), or refused the request outright
            LOG.debugf("The relay's topics could not be looked up: %s", failure);
            return Uni.createFrom().voidItem();
        }
        List<Uni<Void>> looks = answers.entrySet().stream().map(answer -> answer.getValue()
                .ifNoItem().after(LOOKUP_TIMEOUT).fail()
                .invoke(limit -> learned(answer.getKey(), limit))
                .replaceWithVoid()
                .onFailure().recoverWithUni(failure -> notLearned(answer.getKey(), failure))).toList();
        return looks.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(looks).andCollectFailures().replaceWithVoid();
    }

    /** Makes the next {@link #learn} look these topics up again. */
    void forget(Collection<String> topics) {
        long now = System.nanoTime();
        topics.forEach(topic -> known.computeIfPresent(topic, (name, entry) -> new Known(entry.limit(), entry.missing(), now)));
    }

    /** Whether the topic was missing at the last look: since made (by the relay or the broker), or still to be. */
    boolean isNew(String topic) {
        Known entry = known.get(topic);
        return entry != null && entry.missing();
    }

    /** The topic's {@code max.message.bytes} when it is below the producer's batch size; 0 when not (or not known). */
    int limitOf(String topic) {
        Known entry = known.get(topic);
        return entry == null ? 0 : entry.limit();
    }

    private void learned(String topic, int maxMessageBytes) {
        int limit = maxMessageBytes < batchSize ? maxMessageBytes : 0;
        Known before = known.put(topic, new Known(limit, false, System.nanoTime() + REFRESH.toNanos()));
        if (limit > 0 && (before == null || before.limit() != limit)) {
            LOG.warnf("Topic %s takes record batches of at most %d bytes (max.message.bytes), less than the relay's Kafka "
                    + "batch.size (%d): its events are sent in runs that fit, each waited for, which is slower. Raise the "
                    + "topic's max.message.bytes to at least the batch size, or lower mp.messaging.outgoing.events-out.batch.size.",
                    topic, maxMessageBytes, batchSize);
        }
    }

    private Uni<Void> notLearned(String topic, Throwable failure) {
        Throwable cause = causeOf(failure);
        if (!(cause instanceof UnknownTopicOrPartitionException)) {
            known.put(topic, new Known(0, false, System.nanoTime() + REFRESH.toNanos()));
            LOG.debugf("The configuration of topic %s could not be read, taken as not limited: %s", topic, cause);
            return Uni.createFrom().voidItem();
        }
        Known before = known.put(topic, new Known(0, true, System.nanoTime() + RETRY_MISSING.toNanos()));
        if (before == null || !before.missing()) {
            return Uni.createFrom().voidItem(); // the first look: the broker may create it on the producer's request
        }
        return kafka.create(topic)
                .ifNoItem().after(LOOKUP_TIMEOUT).fail()
                .invoke(() -> LOG.infof("Created topic %s with the broker's default partitions and replication", topic))
                .onFailure(creation -> causeOf(creation) instanceof TopicExistsException).recoverWithNull() // by the broker or another replica
                .onFailure().recoverWithItem(creation -> {
                    LOG.warnf("Topic %s does not exist and could not be created (%s): the relay waits for it, and every event "
                            + "behind it. Create it, or let the service or the broker create topics.", topic, causeOf(creation));
                    return null;
                });
    }

    private static Throwable causeOf(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    @PreDestroy
    void close() {
        if (admin != null) {
            admin.close(Duration.ZERO);
        }
    }

    private record AdminRequests(Admin admin) implements Kafka {
        @Override
        public Map<String, Uni<Integer>> maxMessageBytes(Collection<String> topics) {
            List<ConfigResource> resources = topics.stream().map(topic -> new ConfigResource(ConfigResource.Type.TOPIC, topic)).toList();
            Map<String, Uni<Integer>> answers = new HashMap<>();
            admin.describeConfigs(resources, new DescribeConfigsOptions().timeoutMs((int) LOOKUP_TIMEOUT.toMillis())).values()
                    .forEach((resource, config) -> answers.put(resource.name(), Uni.createFrom().completionStage(config.toCompletionStage())
                            .map(described -> Integer.parseInt(described.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG).value()))));
            return answers;
        }

        @Override
        public Uni<Void> create(String topic) {
            NewTopic brokerDefaults = new NewTopic(topic, Optional.empty(), Optional.empty());
            return Uni.createFrom().completionStage(() -> admin.createTopics(List.of(brokerDefaults),
                    new CreateTopicsOptions().timeoutMs((int) LOOKUP_TIMEOUT.toMillis())).all().toCompletionStage());
        }
    }
}
