package dev.tidings.webhook.subscription;

import dev.tidings.account.Caller;
import dev.tidings.account.Scope;
import dev.tidings.config.EventsConfig;
import dev.tidings.event.TimeOrderedIds;
import dev.tidings.event.Timestamps;
import dev.tidings.problem.Conflict;
import dev.tidings.problem.ResourceNotFound;
import dev.tidings.webhook.DisableReason;
import dev.tidings.webhook.SubscriptionStatus;
import dev.tidings.webhook.deadletter.DeadLetterQueue;
import dev.tidings.webhook.signing.WebhookSigner;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The subscription use cases, each in one transaction of the reactive SQL client (deactivation and
 * the dead-letter queue, which the delivery worker shares, are written that way).
 */
@ApplicationScoped
public class WebhookService {

    /** Every signing secret adds a signature to every delivery: a bound keeps headers and signing cost small. */
    static final int MAX_SIGNING_SECRETS = 5;

    private final Pool pool;
    private final WebhookRepository repository;
    private final SubscriptionRules rules;
    private final Deactivation deactivation;
    private final DeadLetterQueue deadLetters;
    private final Duration rotationOverlap;
    private final int maxSubscriptions;

    public WebhookService(Pool pool, WebhookRepository repository, SubscriptionRules rules, Deactivation deactivation,
                          DeadLetterQueue deadLetters, EventsConfig config) {
        this.pool = pool;
        this.repository = repository;
        this.rules = rules;
        this.deactivation = deactivation;
        this.deadLetters = deadLetters;
        this.rotationOverlap = config.webhooks().secretRotationOverlap();
        this.maxSubscriptions = config.limits().subscriptionsPerAccount();
    }

    /** The subscription belongs to the caller's account; an operator acting for none creates a platform subscription. */
    public Uni<WebhookView> create(Caller caller, WebhookRequests.CreateWebhook request) {
        List<String> types = rules.eventTypes(request.eventTypes());
        return rules.checkUrl(request.url()).chain(() -> rules.versions(request.versions())).chain(pins -> {
            WebhookSubscription subscription = new WebhookSubscription(TimeOrderedIds.next(), request.url(), types,
                    request.description(), pins, request.rateLimit(), SubscriptionStatus.ACTIVE, 0, Timestamps.now(), caller.owner());
            String secret = WebhookSigner.newSecret();
            return pool.withTransaction(c -> repository.countForCreation(c, caller.owner()).chain(count -> count >= maxSubscriptions
                            ? Uni.createFrom().failure(new Conflict("This account has " + maxSubscriptions
                                    + " subscriptions already (events.limits.subscriptions-per-account); delete one first."))
                            : repository.insert(c, subscription, secret)))
                    .replaceWith(WebhookView.withSecret(subscription, secret));
        });
    }

    public Uni<WebhookSubscription> find(Scope scope, UUID id) {
        return repository.find(pool, scope, id).onItem().ifNull().failWith(() -> new ResourceNotFound("Webhook", id));
    }

    public Uni<List<WebhookSubscription>> list(Scope scope, UUID after, int limit) {
        return repository.list(scope, after, limit);
    }

    /** Applies the changes; disabling works as the automatic rule does, re-enabling resets the streak. */
    public Uni<WebhookSubscription> update(Scope scope, UUID id, WebhookRequests.UpdateWebhook request) {
        List<String> types = request.eventTypes() == null ? null : rules.eventTypes(request.eventTypes());
        boolean newRateLimit = request.rateLimit() != null;
        Integer rateLimit = newRateLimit ? rules.rateLimit(request.rateLimit()) : null;
        Uni<Void> urlCheck = request.url() == null ? Uni.createFrom().voidItem() : rules.checkUrl(request.url());
        Uni<Map<String, Integer>> pins = request.versions() == null ? Uni.createFrom().nullItem() : rules.versions(request.versions());
        return urlCheck.chain(() -> pins).chain(versions -> pool.withTransaction(c -> repository.findForUpdate(c, scope, id)
                        .onItem().ifNull().failWith(() -> new ResourceNotFound("Webhook", id))
                        .chain(current -> {
                            WebhookSubscription changed = new WebhookSubscription(id,
                                    request.url() == null ? current.url() : request.url(),
                                    types == null ? current.eventTypes() : types,
                                    request.description() == null ? current.description() : request.description(),
                                    versions == null ? current.versions() : versions,
                                    newRateLimit ? rateLimit : current.rateLimit(),
                                    current.status(), current.consecutiveFailures(), current.createdAt(), current.accountId());
                            return repository.update(c, changed).chain(() -> changeStatus(c, current, request.status()));
                        })))
                .chain(deadLetters::announce)
                .chain(() -> find(scope, id));
    }

    private Uni<List<DeadLetterQueue.Parked>> changeStatus(SqlConnection c, WebhookSubscription current, String requested) {
        boolean active = current.status() == SubscriptionStatus.ACTIVE;
        if (SubscriptionStatus.DISABLED.wireName().equals(requested) && active) {
            return deactivation.disable(c, current.id(), DisableReason.MANUAL);
        }
        if (SubscriptionStatus.ACTIVE.wireName().equals(requested) && !active) {
            return repository.activate(c, current.id()).replaceWith(List.of());
        }
        return Uni.createFrom().item(List.of());
    }

    public Uni<Void> delete(Scope scope, UUID id) {
        return repository.delete(scope, id).chain(deleted -> deleted
                ? deadLetters.refreshWaiting()
                : Uni.createFrom().failure(new ResourceNotFound("Webhook", id)));
    }

    /**
     * A new secret signs from now on; the current ones keep signing for the overlap. Secrets that stopped
     * signing are dropped; while {@link #MAX_SIGNING_SECRETS} still sign, rotating again is refused.
     */
    public Uni<String> rotateSecret(Scope scope, UUID id) {
        String secret = WebhookSigner.newSecret();
        return pool.withTransaction(c -> repository.findForUpdate(c, scope, id)
                        .onItem().ifNull().failWith(() -> new ResourceNotFound("Webhook", id))
                        .chain(() -> repository.purgeExpiredSecrets(c, id))
                        .chain(signing -> signing >= MAX_SIGNING_SECRETS
                                ? Uni.createFrom().failure(new Conflict(MAX_SIGNING_SECRETS + " secrets of this subscription still sign: "
                                        + "rotate again once the oldest has expired (events.webhooks.secret-rotation-overlap)."))
                                : repository.expireSecrets(c, id, rotationOverlap).chain(() -> repository.addSecret(c, id, secret))))
                .replaceWith(secret);
    }
}
