package dev.tidings.relay;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.HashMap;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The relay's Kafka producer, configured as the {@code events-out} channel ({@code mp.messaging.outgoing.events-out.*}
 * and the connector's defaults), and the one thread that uses it, where a send may wait for metadata or buffer room
 * without holding an event loop.
 *
 * <p>When the relay gives a batch up, the producer that holds its records is closed at once: what it still holds fails
 * there, and the next batch goes through a new producer. Kafka's producer would otherwise retry those records until its
 * {@code delivery.timeout.ms} (2 minutes) while the relay sends them again: copies reaching Kafka long after, a batch it
 * can never deliver (a topic's limit lowered under it) holding back its partition and every wait for the producer that
 * long, and records of a partition it still held when it gave up an earlier one reaching Kafka ahead of that one.
 */
@ApplicationScoped
class RelayProducer implements KafkaPublisher.SendingThread {

    private static final Logger LOG = Logger.getLogger(RelayProducer.class);
    private static final Duration CLOSE_PATIENCE = Duration.ofSeconds(5);

    private final ExecutorService thread = Executors.newSingleThreadExecutor(work -> {
        Thread sending = new Thread(work, "tidings-relay-producer");
        sending.setDaemon(true);
        return sending;
    });
    private final Supplier<Producer<String, String>> newProducer;
    /** Where the producers' metrics go; empty when Quarkus' Kafka metrics are turned off. */
    private final Optional<MeterRegistry> registry;
    /** Made on {@link #thread} only, dropped from any thread; none after the last was dropped, until the next work. */
    private Client current; // guarded by this
    /** The last dropped producer's closing: the next one is made once it is closed (their metrics and names would clash). */
    private CompletableFuture<Void> closing = CompletableFuture.completedFuture(null); // guarded by this
    private volatile boolean closed;

    // The emitter is never sent through: injecting it declares the channel, whose configuration the producer takes.
    // Its metrics follow the switches Quarkus' Micrometer binder for Kafka clients reads.
    @Inject
    RelayProducer(@Channel(KafkaPublisher.CHANNEL) MutinyEmitter<String> channel, KafkaClientService clients,
                  MeterRegistry registry,
                  @ConfigProperty(name = "quarkus.micrometer.binder.kafka.enabled") Optional<Boolean> kafkaMetrics,
                  @ConfigProperty(name = "quarkus.micrometer.binder-enabled-default", defaultValue = "true") boolean bindersByDefault) {
        this(() -> new KafkaProducer<>(new HashMap<>(clients.getProducer(KafkaPublisher.CHANNEL).configuration())),
                metricsIn(registry, kafkaMetrics, bindersByDefault));
    }

    /** As Quarkus decides for its own Kafka clients: the Kafka binder's switch, or all binders' when it is not set. */
    static Optional<MeterRegistry> metricsIn(MeterRegistry registry, Optional<Boolean> kafkaMetrics, boolean bindersByDefault) {
        return kafkaMetrics.orElse(bindersByDefault) ? Optional.of(registry) : Optional.empty();
    }

    RelayProducer(Supplier<Producer<String, String>> newProducer, Optional<MeterRegistry> registry) {
        this.newProducer = newProducer;
        this.registry = registry;
    }

    /** A producer and its metrics ({@code kafka_producer_*}, as the connector's own producers have), if they are kept. */
    private record Client(Producer<String, String> producer, Optional<KafkaClientMetrics> metrics) {
        void removeMetrics() {
            metrics.ifPresent(KafkaClientMetrics::close);
        }
    }

    @Override
    public Uni<Void> run(Consumer<Producer<String, String>> work) {
        return Uni.createFrom().<Void>item(() -> {
            if (closed) {
                throw new IllegalStateException("The relay's Kafka producer is closed: the service is stopping");
            }
            Client client;
            CompletableFuture<Void> lastClosing;
            synchronized (this) {
                client = current;
                lastClosing = closing;
            }
            if (client == null) {
                lastClosing.join(); // soon: a producer closes without waiting for anything
                Producer<String, String> producer = newProducer.get();
                client = new Client(producer, registry.map(meters -> {
                    KafkaClientMetrics metrics = new KafkaClientMetrics(producer);
                    metrics.bindTo(meters);
                    return metrics;
                }));
                synchronized (this) {
                    current = client;
                }
            }
            work.accept(client.producer());
            return null;
        }).runSubscriptionOn(thread);
    }

    /**
     * Closed at once from another thread than the sending one, which may be waiting for this producer (a flush between
     * runs): closing fails what it holds, which ends that wait.
     */
    @Override
    public void discard(Producer<String, String> producer) {
        Client client;
        CompletableFuture<Void> done = new CompletableFuture<>();
        synchronized (this) {
            if (current == null || current.producer() != producer) {
                return; // already discarded, for another batch it held
            }
            client = current;
            current = null;
            closing = done;
        }
        client.removeMetrics();
        try {
            Infrastructure.getDefaultWorkerPool().execute(() -> {
                close(producer, Duration.ZERO);
                done.complete(null);
            });
        } catch (RejectedExecutionException stopping) {
            close(producer, Duration.ZERO);
            done.complete(null);
        }
    }

    private static void close(Producer<String, String> producer, Duration patience) {
        try {
            producer.close(patience);
        } catch (RuntimeException failure) {
            LOG.debugf("The relay's Kafka producer did not close cleanly: %s", failure);
        }
    }

    /** At shutdown, once the relay has stopped: what the producer holds has a moment to be sent. */
    @PreDestroy
    void close() {
        closed = true;
        Client client;
        CompletableFuture<Void> lastClosing;
        synchronized (this) {
            client = current;
            current = null;
            lastClosing = closing;
        }
        if (client != null) {
            client.removeMetrics();
            close(client.producer(), CLOSE_PATIENCE);
        }
        lastClosing.completeOnTimeout(null, CLOSE_PATIENCE.toMillis(), TimeUnit.MILLISECONDS).join();
        thread.shutdownNow();
    }
}
