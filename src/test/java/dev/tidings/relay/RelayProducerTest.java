package dev.tidings.relay;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The relay's producer is made on first use, with its metrics when Quarkus keeps Kafka clients' metrics, and closed and
 * replaced once a batch it held is given up (that its records then fail at once is Kafka's producer's part, shown
 * against a broker by {@link RelayTopicLimitTest}).
 */
class RelayProducerTest {

    private static final String SENT_METER = "kafka.producer.record.send.total";

    private final List<MockProducer<String, String>> made = new CopyOnWriteArrayList<>();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final RelayProducer relayProducer = new RelayProducer(this::newProducer, Optional.of(meters));

    @AfterEach
    void stop() {
        relayProducer.close();
    }

    private Producer<String, String> newProducer() {
        MockProducer<String, String> producer = new MockProducer<>(false, null, new StringSerializer(), new StringSerializer());
        Metric sent = new Metric() {
            private final MetricName name = new MetricName("record-send-total", "producer-metrics", "", Map.of("client-id", "relay"));

            @Override
            public MetricName metricName() {
                return name;
            }

            @Override
            public Object metricValue() {
                return 0.0;
            }
        };
        producer.setMockMetrics(sent.metricName(), sent);
        made.add(producer);
        return producer;
    }

    @Test
    void everyBatchGoesThroughTheSameProducerUntilItIsDiscarded() {
        Producer<String, String> first = producerOfNextRun();
        assertThat(producerOfNextRun()).isSameAs(first);

        relayProducer.discard(first);

        Producer<String, String> second = producerOfNextRun();
        assertThat(second).isNotSameAs(first);
        assertThat(made).hasSize(2);
        assertThat(made.get(0).closed()).as("closed before the next one is made").isTrue();
        assertThat(made.get(1).closed()).isFalse();
    }

    @Test
    void discardingAProducerAlreadyReplacedLeavesTheNewOneAlone() {
        Producer<String, String> first = producerOfNextRun();
        relayProducer.discard(first);
        Producer<String, String> second = producerOfNextRun();

        relayProducer.discard(first); // a later batch that had gone through the first one failed too

        assertThat(producerOfNextRun()).isSameAs(second);
        assertThat(made).hasSize(2);
        assertThat(made.get(1).closed()).isFalse();
    }

    @Test
    void aProducersMetricsAreKeptWhileItIsInUse() {
        Producer<String, String> first = producerOfNextRun();
        assertThat(meters.find(SENT_METER).meters()).hasSize(1);

        relayProducer.discard(first);
        assertThat(meters.find(SENT_METER).meters()).as("removed with the producer").isEmpty();

        producerOfNextRun();
        assertThat(meters.find(SENT_METER).meters()).hasSize(1);
    }

    @Test
    void withoutMetricsAProducerIsStillReplacedOnceDiscarded() {
        RelayProducer withoutMetrics = new RelayProducer(this::newProducer, Optional.empty());
        try {
            Producer<String, String> first = producerOfNextRun(withoutMetrics);
            withoutMetrics.discard(first);
            assertThat(producerOfNextRun(withoutMetrics)).isNotSameAs(first);
            assertThat(made.get(0).closed()).isTrue();
        } finally {
            withoutMetrics.close();
        }
    }

    @Test
    void metricsFollowTheKafkaBinderSwitchOrElseAllBinders() {
        assertThat(RelayProducer.metricsIn(meters, Optional.empty(), true)).contains(meters);
        assertThat(RelayProducer.metricsIn(meters, Optional.empty(), false)).isEmpty();
        assertThat(RelayProducer.metricsIn(meters, Optional.of(true), false)).contains(meters);
        assertThat(RelayProducer.metricsIn(meters, Optional.of(false), true)).isEmpty();
    }

    private Producer<String, String> producerOfNextRun() {
        return producerOfNextRun(relayProducer);
    }

    private static Producer<String, String> producerOfNextRun(RelayProducer relayProducer) {
        AtomicReference<Producer<String, String>> used = new AtomicReference<>();
        relayProducer.run(used::set).await().atMost(Duration.ofSeconds(5));
        return used.get();
    }
}
