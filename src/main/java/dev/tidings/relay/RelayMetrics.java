package dev.tidings.relay;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** The relay's meters: events published and quarantined, commit-to-Kafka delay, the outbox backlog and quarantine. */
@ApplicationScoped
public class RelayMetrics {

    private final Counter published;
    private final Counter quarantined;
    private final Timer delay;
    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong oldestPendingMillis = new AtomicLong();
    private final AtomicLong inQuarantine = new AtomicLong();

    public RelayMetrics(MeterRegistry registry) {
        this.published = Counter.builder("events.published").description("Events the relay published to Kafka")
                .register(registry);
        this.quarantined = Counter.builder("events.relay.quarantined")
                .description("Events Kafka refused for good, set aside instead of published").register(registry);
        this.delay = Timer.builder("events.relay.delay").description("From the event's commit to Kafka's acknowledgement")
                .publishPercentiles(0.5, 0.95, 0.99).register(registry);
        registry.gauge("events.outbox.pending", List.of(), pending);
        registry.gauge("events.outbox.lag.seconds", List.of(), oldestPendingMillis, millis -> millis.get() / 1000.0);
        registry.gauge("events.outbox.quarantined", List.of(), inQuarantine);
    }

    void published(List<PendingEvent> events, Instant acknowledgedAt) {
        published.increment(events.size());
        events.forEach(e -> delay.record(Duration.between(e.occurredAt(), acknowledgedAt)));
    }

    void quarantined(int events) {
        quarantined.increment(events);
    }

    /** Rows committed but not yet published, and how long the oldest of them has waited. */
    void backlog(long rows, Duration oldest) {
        pending.set(rows);
        oldestPendingMillis.set(oldest.toMillis());
    }

    /** Records in the quarantine table now, from every replica (they wait for an operator). */
    void quarantine(long records) {
        inQuarantine.set(records);
    }
}
