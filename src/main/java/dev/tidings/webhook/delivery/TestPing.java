package dev.tidings.webhook.delivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tidings.event.BuiltInEventType;
import dev.tidings.event.EventEnvelope;
import dev.tidings.outbox.EventDraft;
import dev.tidings.outbox.Outbox;
import dev.tidings.webhook.subscription.WebhookRepository;
import dev.tidings.webhook.subscription.WebhookSubscription;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The test ping (CONTRACT §6): a fresh {@code webhook.test} event sent once to one subscription, logged
 * as an attempt, never retried, never dead-lettered, not counted in the failure streak, and not written
 * to the log, Kafka or SSE.
 */
@ApplicationScoped
public class TestPing {

    private static final Logger LOG = Logger.getLogger(TestPing.class);
    private static final BuiltInEventType TYPE = BuiltInEventType.WEBHOOK_TEST;

    @Inject
    WebhookRepository subscriptions;
    @Inject
    WebhookSender sender;
    @Inject
    DeliveryLedger ledger;
    @Inject
    Outbox outbox;
    @Inject
    ObjectMapper json;
    @Inject
    AttemptSpans spans;

    @RegisterForReflection
    record Ping(UUID webhookId, String message) {
    }

    /**
     * Starts the ping and answers its event id at once; the attempt is made and logged in the background,
     * in the trace of the request that asked for it.
     */
    public UUID send(WebhookSubscription subscription) {
        EventEnvelope event = outbox.envelope(new EventDraft(TYPE.wireName(), TYPE.latestVersion(), WebhookSubscription.subject(subscription.id()),
                json.valueToTree(new Ping(subscription.id(), "Test event from Tidings")), subscription.accountId()));
        Span span = spans.start(Context.current(), subscription.id(), null, event.eventId(), event.eventType(), 1, subscription.url());
        subscriptions.signingSecrets(List.of(subscription.id()))
                .chain(secrets -> sender.send(subscription.url(), event.eventId().toString(), outbox.serialize(event),
                        secrets.getOrDefault(subscription.id(), List.of()), AttemptSpans.headers(span, Map.of())))
                .onItemOrFailure().invoke((result, failure) -> AttemptSpans.end(span, result, failure))
                .chain(result -> ledger.recordTest(subscription.id(), event.eventId(), event.eventType(), result))
                .subscribe().with(ignored -> { }, failure -> LOG.warnf("Test ping to %s failed: %s", subscription.id(), failure));
        return event.eventId();
    }
}
