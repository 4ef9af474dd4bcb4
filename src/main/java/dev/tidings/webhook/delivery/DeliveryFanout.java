package dev.tidings.webhook.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tidings.event.BuiltInEventType;
import dev.tidings.event.TimeOrderedIds;
import dev.tidings.event.TypeFilter;
import dev.tidings.relay.KafkaPublisher;
import dev.tidings.tracing.TraceContext;
import dev.tidings.webhook.DeliveryStatus;
import dev.tidings.webhook.WebhookMetrics;
import dev.tidings.webhook.subscription.WebhookRepository;
import dev.tidings.webhook.subscription.WebhookSubscription;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Turns events from Kafka into deliveries: one per active subscription whose filter matches, that may
 * receive the event's account (its {@code ce_account} header; a platform subscription receives every
 * account's) and that existed when the event happened. Replicas share the topics through one consumer group; a record
 * delivered twice (Kafka is at least once) creates no second delivery thanks to the unique key. Each
 * delivery keeps the trace context of the record ({@code ce_traceparent}), so its attempts join that trace.
 */
@ApplicationScoped
public class DeliveryFanout {

    /** Incoming channel over every event topic; failure strategy "fail" (see application.properties). */
    public static final String CHANNEL = "webhook-fanout";

    private static final Logger LOG = Logger.getLogger(DeliveryFanout.class);
    /** While the database is away the batch is retried, backing off up to {@link #RETRY_MAX}; its offsets wait. */
    private static final Duration RETRY_FIRST = Duration.ofMillis(200);
    private static final Duration RETRY_MAX = Duration.ofSeconds(5);
    /** About two minutes of retries; then the channel fails (strategy "fail") and health reports it. */
    private static final int RETRY_ATTEMPTS = 30;
    /** Stands for an account header that is not an id (not written by this service): only platform subscriptions match it. */
    private static final UUID NO_ACCOUNT_READABLE = new UUID(0, 0);
    private static final String TRACEPARENT = KafkaPublisher.TRACE_HEADER_PREFIX + TraceContext.TRACEPARENT;
    private static final String TRACESTATE = KafkaPublisher.TRACE_HEADER_PREFIX + TraceContext.TRACESTATE;

    private static final String INSERT = """
            insert into webhook_delivery (id, webhook_id, event_id, event_type, status, attempts, next_attempt_at, created_at,
                                          traceparent, tracestate)
            select t.id, t.webhook_id, t.event_id, t.event_type, $5, 0, now(), now(), t.traceparent, t.tracestate
            from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::varchar[], $6::varchar[], $7::varchar[])
              as t(id, webhook_id, event_id, event_type, traceparent, tracestate)
            on conflict (webhook_id, event_id) do nothing""";

    @Inject
    Pool pool;
    @Inject
    WebhookRepository subscriptions;
    @Inject
    DeliveryWorker worker;
    @Inject
    ObjectMapper json;
    @Inject
    WebhookMetrics metrics;

    /**
     * Acknowledged (and its offsets committed) only once the deliveries are stored; retried while the database is away.
     * The delivery worker is woken only when the batch stored deliveries: most batches, with nobody subscribed to their
     * types, would otherwise cost the worker a claim that finds nothing.
     */
    @Incoming(CHANNEL)
    public Uni<Void> fanOut(ConsumerRecords<String, String> records) {
        return subscriptions.activeFor(accounts(records))
                .chain(active -> store(deliveries(records, active)))
                .onFailure().retry().withBackOff(RETRY_FIRST, RETRY_MAX).atMost(RETRY_ATTEMPTS)
                .invoke(stored -> {
                    measure(records);
                    if (stored) {
                        worker.wake();
                    }
                })
                .replaceWithVoid();
    }

    /** The fan-out's delay: from the record's timestamp (the relay's send) to its deliveries stored. */
    private void measure(ConsumerRecords<String, String> records) {
        Instant now = Instant.now();
        records.forEach(record -> metrics.fannedOut(Duration.between(Instant.ofEpochMilli(record.timestamp()), now)));
    }

    private record Delivery(UUID webhookId, UUID eventId, String eventType, TraceContext trace) {
        String traceparent() {
            return trace == null ? null : trace.traceparent();
        }

        String tracestate() {
            return trace == null ? null : trace.tracestate();
        }
    }

    private List<Delivery> deliveries(ConsumerRecords<String, String> records, List<WebhookSubscription> active) {
        Map<WebhookSubscription, TypeFilter> filters = new LinkedHashMap<>();
        active.forEach(subscription -> filters.put(subscription, TypeFilter.of(subscription.eventTypes())));
        List<Delivery> deliveries = new ArrayList<>();
        for (ConsumerRecord<String, String> record : records) {
            if (nobodyWants(record, filters.values())) {
                continue;
            }
            JsonNode event = parse(record.value());
            if (event == null) {
                continue;
            }
            UUID account = account(record);
            TraceContext trace = TraceContext.parse(header(record, TRACEPARENT), header(record, TRACESTATE));
            String type = event.path("eventType").asText();
            Instant happened = Instant.parse(event.path("timestamp").asText());
            UUID eventId = UUID.fromString(event.path("eventId").asText());
            String subject = event.path("subject").asText();
            filters.forEach((subscription, filter) -> {
                if (filter.matches(type) && subscription.receivesEventsOf(account) && !happened.isBefore(subscription.createdAt())
                        && !isAbout(subscription, type, subject)) {
                    deliveries.add(new Delivery(subscription.id(), eventId, type, trace));
                }
            });
        }
        return deliveries;
    }

    /**
     * Whether no subscription's filter takes the record's type, as its {@code ce_type} header declares it (the
     * relay writes the envelope's type there): then the envelope need not be read. A record without the header
     * (not the relay's) is read.
     */
    private static boolean nobodyWants(ConsumerRecord<String, String> record, Collection<TypeFilter> filters) {
        String type = header(record, KafkaPublisher.TYPE_HEADER);
        return type != null && filters.stream().noneMatch(filter -> filter.matches(type));
    }

    /** A subscription never receives the news of its own deactivation (CONTRACT §6), even once it is active again. */
    private static boolean isAbout(WebhookSubscription subscription, String type, String subject) {
        return BuiltInEventType.WEBHOOK_DISABLED.wireName().equals(type) && subject.equals(WebhookSubscription.subject(subscription.id()));
    }

    /** The accounts the records' events belong to (operators' events belong to none). */
    private static Set<UUID> accounts(ConsumerRecords<String, String> records) {
        Set<UUID> accounts = new HashSet<>();
        records.forEach(record -> {
            UUID account = account(record);
            if (account != null) {
                accounts.add(account);
            }
        });
        return accounts;
    }

    /** The account the event belongs to, from the record's {@code ce_account} header; null for an operator's event. */
    private static UUID account(ConsumerRecord<String, String> record) {
        String header = header(record, KafkaPublisher.ACCOUNT_HEADER);
        if (header == null) {
            return null;
        }
        try {
            return UUID.fromString(header);
        } catch (IllegalArgumentException e) {
            return NO_ACCOUNT_READABLE;
        }
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** Stores the deliveries; answers whether there were any. */
    private Uni<Boolean> store(List<Delivery> deliveries) {
        if (deliveries.isEmpty()) {
            return Uni.createFrom().item(false);
        }
        return pool.preparedQuery(INSERT).execute(Tuple.from(List.of(
                deliveries.stream().map(d -> TimeOrderedIds.next()).toArray(UUID[]::new),
                deliveries.stream().map(Delivery::webhookId).toArray(UUID[]::new),
                deliveries.stream().map(Delivery::eventId).toArray(UUID[]::new),
                deliveries.stream().map(Delivery::eventType).toArray(String[]::new),
                DeliveryStatus.PENDING.wireName(),
                deliveries.stream().map(Delivery::traceparent).toArray(String[]::new),
                deliveries.stream().map(Delivery::tracestate).toArray(String[]::new)))).replaceWith(true);
    }

    private JsonNode parse(String envelope) {
        try {
            JsonNode event = json.readTree(envelope);
            Instant.parse(event.path("timestamp").asText());
            UUID.fromString(event.path("eventId").asText());
            return event;
        } catch (Exception e) {
            LOG.warnf("Skipping a record on an event topic that is not an envelope: %s", e.toString());
            return null;
        }
    }
}
