package dev.tidings.relay;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The relay's producer is made on first use, and closed and replaced once a batch it held is given up (that its records
 * then fail at once is Kafka's producer's part, shown against a broker by {@link RelayTopicLimitTest}).
 */
class RelayProducerTest {

    private final List<MockProducer<String, String>> made = new CopyOnWriteArrayList<>();
    private final RelayProducer relayProducer = new RelayProducer(() -> {
        MockProducer<String, String> producer = new MockProducer<>(false, null, new StringSerializer(), new StringSerializer());
        made.add(producer);
        return producer;
    }, new SimpleMeterRegistry());

    @AfterEach
    void stop() {
        relayProducer.close();
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

    private Producer<String, String> producerOfNextRun() {
        AtomicReference<Producer<String, String>> used = new AtomicReference<>();
        relayProducer.run(used::set).await().atMost(Duration.ofSeconds(5));
        return used.get();
    }
}
