package dev.tidings.webhook.subscription;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tidings.config.EventsConfig;
import dev.tidings.event.EventEnvelope;
import dev.tidings.event.EventType;
import dev.tidings.event.Timestamps;
import dev.tidings.event.TimeOrderedIds;
import dev.tidings.event.TypeFilter;
import dev.tidings.outbox.EventDraft;
import dev.tidings.outbox.Outbox;
import dev.tidings.problem.InvalidRequest;
import dev.tidings.problem.Problem;
import dev.tidings.problem.ResourceNotFound;
import dev.tidings.schema.EventTypeRegistry;
import dev.tidings.webhook.deadletter.DeadLetterQueue;
import dev.tidings.webhook.signing.WebhookSigner;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The subscription use cases: each runs in one transaction of the reactive SQL client. */
@ApplicationScoped
public class WebhookService {

    public static final String TEST_EVENT_TYPE = "webhook.test";

    private final WebhookRepository repository;
    private final Pool pool;
    private final TargetResolver targets;
    private final EventTypeRegistry registry;
    private final Deactivation deactivation;
    private final DeadLetterQueue deadLetters;
    private final Outbox outbox;
    private final ObjectMapper json;
    private final Duration rotationOverlap;

    public WebhookService(WebhookRepository repository, TargetResolver targets, EventTypeRegistry registry, Deactivation deactivation,
                          DeadLetterQueue deadLetters, Outbox outbox, ObjectMapper json, EventsConfig config) {
        this.repository = repository;
        this.pool = repository.pool();
        this.targets = targets;
        this.registry = registry;
        this.deactivation = deactivation;
        this.deadLetters = deadLetters;
        this.outbox = outbox;
        this.json = json;
        this.rotationOverlap = config.webhooks().secretRotationOverlap();
    }

    @RegisterForReflection
    record TestPing(UUID webhookId, String message) {
    }

    public Uni<WebhookView> create(WebhookRequests.CreateWebhook request) {
        List<String> types = validTypes(request.eventTypes());
        return checkedUrl(request.url()).chain(() -> validVersions(request.versions())).chain(pins -> {
            WebhookSubscription subscription = new WebhookSubscription(TimeOrderedIds.next(), request.url(), types,
                    request.description(), pins, WebhookSubscription.Status.ACTIVE, 0, Timestamps.now());
            String secret = WebhookSigner.newSecret();
            return pool.withTransaction(c -> repository.insert(c, subscription, secret))
                    .replaceWith(WebhookView.withSecret(subscription, secret));
        });
    }

    public Uni<WebhookSubscription> find(UUID id) {
        return repository.find(pool, id).onItem().ifNull().failWith(() -> new ResourceNotFound("Webhook", id));
    }

    public Uni<List<WebhookSubscription>> list(UUID after, int limit) {
        return repository.list(after, limit);
    }

    /** Applies the changes; disabling works as the automatic rule does, re-enabling resets the streak. */
    public Uni<WebhookSubscription> update(UUID id, WebhookRequests.UpdateWebhook request) {
        List<String> types = request.eventTypes() == null ? null : validTypes(request.eventTypes());
        Uni<Void> urlCheck = request.url() == null ? Uni.createFrom().voidItem() : checkedUrl(request.url());
        return urlCheck.chain(() -> request.versions() == null ? Uni.createFrom().<Map<String, Integer>>nullItem()
                : validVersions(request.versions())).chain(pins -> pool.withTransaction(c -> repository.findForUpdate(c, id)
                        .onItem().ifNull().failWith(() -> new ResourceNotFound("Webhook", id))
                        .chain(current -> {
                            WebhookSubscription changed = new WebhookSubscription(id,
                                    request.url() == null ? current.url() : request.url(),
                                    types == null ? current.eventTypes() : types,
                                    request.description() == null ? current.description() : request.description(),
                                    pins == null ? current.versions() : pins,
                                    current.status(), current.consecutiveFailures(), current.createdAt());
                            return repository.update(c, changed).chain(() -> changeStatus(c, current, request.status()));
                        })))
                .chain(deadLetters::announce)
                .chain(() -> find(id));
    }

    private Uni<List<DeadLetterQueue.Parked>> changeStatus(SqlConnection c, WebhookSubscription current, String requested) {
        if ("disabled".equals(requested) && current.status() == WebhookSubscription.Status.ACTIVE) {
            return deactivation.disable(c, current.id(), Deactivation.BY_HAND);
        }
        if ("active".equals(requested) && current.status() == WebhookSubscription.Status.DISABLED) {
            return repository.activate(c, current.id()).replaceWith(List.of());
        }
        return Uni.createFrom().item(List.of());
    }

    public Uni<Void> delete(UUID id) {
        return repository.delete(id).chain(deleted -> deleted
                ? deadLetters.refreshWaiting()
                : Uni.createFrom().failure(new ResourceNotFound("Webhook", id)));
    }

    /** A new secret signs from now on; the current ones keep signing for the overlap. */
    public Uni<String> rotateSecret(UUID id) {
        String secret = WebhookSigner.newSecret();
        return find(id).chain(subscription -> pool.withTransaction(c -> repository.expireSecrets(c, id, rotationOverlap)
                .chain(() -> repository.addSecret(c, id, secret)))).replaceWith(secret);
    }

    /** The test ping's envelope: a fresh event that is not written to the log, Kafka or SSE. */
    public Uni<EventEnvelope> testEvent(UUID id) {
        return find(id).map(subscription -> outbox.envelope(new EventDraft(TEST_EVENT_TYPE, 1, "webhook/" + id,
                json.valueToTree(new TestPing(id, "Test event from Tidings")))));
    }

    public String serialize(EventEnvelope envelope) {
        return outbox.serialize(envelope);
    }

    private Uni<Void> checkedUrl(String url) {
        return targets.resolve(url).replaceWithVoid()
                .onFailure(RefusedTarget.class).transform(refused -> new InvalidRequest("url", refused.getMessage()));
    }

    private static List<String> validTypes(List<String> patterns) {
        List<Problem.FieldError> errors = new ArrayList<>();
        for (int i = 0; i < patterns.size(); i++) {
            if (!TypeFilter.isValidPattern(patterns.get(i).trim())) {
                errors.add(new Problem.FieldError("eventTypes[" + i + "]", "must be an event type such as order.created, a wildcard such as order.*, or *"));
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequest(errors);
        }
        return patterns.stream().map(String::trim).distinct().toList();
    }

    /** Pins name registered versions of exact types. */
    private Uni<Map<String, Integer>> validVersions(Map<String, Integer> requested) {
        if (requested == null || requested.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return registry.versions(requested.keySet()).map(known -> {
            List<Problem.FieldError> errors = new ArrayList<>();
            requested.forEach((type, version) -> {
                List<Integer> versions = known.getOrDefault(type, List.of());
                if (!EventType.isValid(type) || version == null || !versions.contains(version)) {
                    errors.add(new Problem.FieldError("versions." + type,
                            "must be a registered version of a registered event type (" + type + ": " + versions + ")"));
                }
            });
            if (!errors.isEmpty()) {
                throw new InvalidRequest(errors);
            }
            return new LinkedHashMap<>(requested);
        });
    }
}
