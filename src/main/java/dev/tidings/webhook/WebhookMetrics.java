package dev.tidings.webhook;

import dev.tidings.config.EventsConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The webhook side's meters: attempts by subscription and outcome and their duration, subscriptions
 * disabled by reason, and the fan-out's delay. Every series that alerts use exists from startup, so the
 * first increase after a start is seen as one.
 *
 * <p>Cardinality is bounded: at most {@code events.webhooks.subscription-metrics} subscriptions have series
 * of their own on an instance at a time, the first to have attempts; the others share
 * {@code subscription="other"}. A subscription's series leave when room is needed for another and it has
 * had no attempt for {@link #IDLE_SERIES}, which also drops those of deleted subscriptions.
 */
@Startup
@ApplicationScoped
public class WebhookMetrics {

    /** Shared by the subscriptions beyond the bound. */
    public static final String OTHER = "other";
    /**
     * Longer than the default schedule's longest delay but one (2h), so a failing subscription keeps its series
     * through its retries; a subscription's counters that come back later start again at zero (a reset to rate()).
     */
    static final Duration IDLE_SERIES = Duration.ofHours(3);
    /** Where webhook attempt durations fall: a few buckets per subscription, around the 10 s default timeout. */
    private static final Duration[] DURATION_BUCKETS = {Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};

    private final MeterRegistry registry;
    private final int maxSubscriptions;
    private final LongSupplier nanoTime;
    private final Map<UUID, SubscriptionMeters> subscriptions = new ConcurrentHashMap<>();
    private final SubscriptionMeters other;
    private final Map<DisableReason, Counter> disabled = new EnumMap<>(DisableReason.class);
    private final Timer fanoutDelay;

    @Inject
    public WebhookMetrics(MeterRegistry registry, EventsConfig config) {
        this(registry, config.webhooks().subscriptionMetrics(), System::nanoTime);
    }

    WebhookMetrics(MeterRegistry registry, int maxSubscriptions, LongSupplier nanoTime) {
        this.registry = registry;
        this.maxSubscriptions = maxSubscriptions;
        this.nanoTime = nanoTime;
        this.other = new SubscriptionMeters(OTHER);
        for (DisableReason reason : DisableReason.values()) {
            disabled.put(reason, Counter.builder("events.webhook.disabled").description("Subscriptions disabled, by reason")
                    .tag("reason", reason.wireName()).register(registry));
        }
        this.fanoutDelay = Timer.builder("events.fanout.delay")
                .description("From an event's publication to Kafka to its deliveries being stored")
                .publishPercentiles(0.5, 0.95, 0.99).register(registry);
    }

    /** One attempt made to a subscription, with its outcome and how long it took. */
    public void attempted(UUID webhookId, AttemptOutcome outcome, Duration took) {
        SubscriptionMeters meters = meters(webhookId);
        meters.attempts.get(outcome).increment();
        meters.duration.record(took);
        meters.lastAttempt = nanoTime.getAsLong();
    }

    public void disabled(DisableReason reason) {
        disabled.get(reason).increment();
    }

    /** A record fanned out {@code delay} after Kafka got it. */
    public void fannedOut(Duration delay) {
        fanoutDelay.record(delay.isNegative() ? Duration.ZERO : delay);
    }

    private SubscriptionMeters meters(UUID webhookId) {
        SubscriptionMeters meters = subscriptions.get(webhookId);
        return meters != null ? meters : admit(webhookId);
    }

    /** Rarely taken (a subscription's first attempt on this instance), so one lock is enough. */
    private synchronized SubscriptionMeters admit(UUID webhookId) {
        SubscriptionMeters meters = subscriptions.get(webhookId);
        if (meters != null) {
            return meters;
        }
        if (subscriptions.size() >= maxSubscriptions) {
            evictIdle();
        }
        if (subscriptions.size() >= maxSubscriptions) {
            return other;
        }
        meters = new SubscriptionMeters(webhookId.toString());
        subscriptions.put(webhookId, meters);
        return meters;
    }

    private void evictIdle() {
        long idleSince = nanoTime.getAsLong() - IDLE_SERIES.toNanos();
        subscriptions.entrySet().removeIf(entry -> {
            boolean idle = entry.getValue().lastAttempt - idleSince < 0;
            if (idle) {
                entry.getValue().remove();
            }
            return idle;
        });
    }

    /** The series of one subscription (or of all the others). */
    private final class SubscriptionMeters {
        private final Map<AttemptOutcome, Counter> attempts = new EnumMap<>(AttemptOutcome.class);
        private final Timer duration;
        private volatile long lastAttempt = nanoTime.getAsLong();

        SubscriptionMeters(String subscription) {
            Tags tags = Tags.of("subscription", subscription);
            for (AttemptOutcome outcome : AttemptOutcome.values()) {
                attempts.put(outcome, Counter.builder("events.webhook.attempts").description("Webhook attempts, by subscription and outcome")
                        .tags(tags).tag("outcome", outcome.wireName()).register(registry));
            }
            duration = Timer.builder("events.webhook.attempt.duration").description("How long webhook attempts took, by subscription")
                    .tags(tags).serviceLevelObjectives(DURATION_BUCKETS).register(registry);
        }

        void remove() {
            List<Meter> meters = new ArrayList<>(attempts.values());
            meters.add(duration);
            meters.forEach(registry::remove);
        }
    }
}
