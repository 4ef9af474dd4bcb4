package dev.tidings.webhook.delivery;

import dev.tidings.background.BackgroundLoop;
import dev.tidings.config.EventsConfig;
import dev.tidings.schema.Deprecations;
import dev.tidings.webhook.DeliveryStatus;
import dev.tidings.webhook.SubscriptionStatus;
import dev.tidings.webhook.subscription.WebhookRepository;
import dev.tidings.webhook.subscription.WebhookSubscription;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Attempts due deliveries: a Mutiny pipeline that claims due rows with {@code FOR UPDATE SKIP LOCKED}
 * (so replicas share the work), sends them with bounded concurrency and records each outcome.
 *
 * <p>A claim is a lease: it pushes {@code next_attempt_at} past the attempt's timeout. If this process
 * dies mid-attempt, the delivery falls due again when the lease ends and is attempted again.
 */
@ApplicationScoped
public class DeliveryWorker {

    private static final Logger LOG = Logger.getLogger(DeliveryWorker.class);
    /** Beyond the attempt's own timeout: recording the last outcomes before the process exits. */
    private static final Duration SHUTDOWN_MARGIN = Duration.ofSeconds(2);
    private static final Duration RELEASE_PATIENCE = Duration.ofSeconds(5);

    /** $1 how many, $2 lease in seconds, $3 pending. */
    private static final String CLAIM = """
            with due as (
              select id from webhook_delivery where status = $3 and next_attempt_at <= now()
              order by next_attempt_at limit $1 for update skip locked)
            update webhook_delivery d set next_attempt_at = now() + make_interval(secs => $2)
            from due where d.id = due.id returning d.id""";
    /** $2 the subscription's active status. */
    private static final String LOAD = """
            select d.id, d.webhook_id, d.event_id, d.event_type, o.version, d.attempts, s.url, s.versions, o.envelope
            from webhook_delivery d
            join webhook_subscription s on s.id = d.webhook_id and s.status = $2
            join outbox o on o.event_id = d.event_id
            where d.id = any($1)""";
    private static final String RELEASE = "update webhook_delivery set next_attempt_at = now() where id = any($1) and status = $2";

    private final Pool pool;
    private final WebhookRepository subscriptions;
    private final WebhookSender sender;
    private final DeliveryLedger ledger;
    private final PinnedRepresentation representation;
    private final Deprecations deprecations;
    private final int concurrency;
    private final double leaseSeconds;
    private final Duration timeout;
    private final Duration pollInterval;
    private final Set<UUID> inFlight = ConcurrentHashMap.newKeySet();
    private final BackgroundLoop loop = new BackgroundLoop("Webhook delivery", this::deliverDue);

    public DeliveryWorker(Pool pool, WebhookRepository subscriptions, WebhookSender sender, DeliveryLedger ledger,
                          PinnedRepresentation representation, Deprecations deprecations, EventsConfig config) {
        this.pool = pool;
        this.subscriptions = subscriptions;
        this.sender = sender;
        this.ledger = ledger;
        this.representation = representation;
        this.deprecations = deprecations;
        this.concurrency = config.webhooks().concurrency();
        this.timeout = config.webhooks().timeout();
        this.pollInterval = config.webhooks().pollInterval();
        this.leaseSeconds = timeout.plus(config.webhooks().leaseMargin()).toMillis() / 1000.0;
    }

    void start(@Observes StartupEvent startup) {
        loop.start(pollInterval);
    }

    /**
     * On SIGTERM: claim nothing more and let the attempts in flight finish and be recorded (they end
     * within the timeout), so another replica does not repeat them; whatever is still leased after that
     * is released at once instead of waiting for its lease to run out.
     */
    void stop(@Observes ShutdownEvent shutdown) {
        loop.stop(timeout.plus(SHUTDOWN_MARGIN));
        if (!inFlight.isEmpty()) {
            // The shutdown thread may block; nothing else is left to run on it.
            pool.preparedQuery(RELEASE).execute(Tuple.of(inFlight.toArray(UUID[]::new), DeliveryStatus.PENDING.wireName()))
                    .await().atMost(RELEASE_PATIENCE);
        }
    }

    /** New deliveries exist, or retries may have fallen due. */
    public void wake() {
        loop.wake();
    }

    /** Claims and attempts batches until none is due; at most {@code concurrency} attempts run at once. */
    private Uni<Void> deliverDue() {
        return Multi.createBy().repeating().uni(this::claim).until(List::isEmpty)
                .onItem().<ClaimedDelivery>disjoint()
                .onItem().transformToUni(this::attempt).merge(concurrency)
                .collect().last().replaceWithVoid();
    }

    private Uni<Void> attempt(ClaimedDelivery delivery) {
        inFlight.add(delivery.id());
        PinnedRepresentation.Body body = representation.body(delivery.envelope(), delivery.eventType(), delivery.version(),
                delivery.versions());
        return deprecations.deprecatedAt(delivery.eventType(), body.version())
                .chain(deprecated -> sender.send(delivery.url(), delivery.eventId().toString(), body.json(), delivery.secrets(),
                        deprecated.map(at -> Map.of("deprecation", "@" + at.getEpochSecond())).orElse(Map.of())))
                .chain(result -> ledger.record(delivery, result))
                .onFailure().recoverWithItem(failure -> {
                    LOG.warnf("Recording delivery %s failed; it is attempted again when its lease ends: %s", delivery.id(), failure);
                    return null;
                })
                .eventually(() -> inFlight.remove(delivery.id()));
    }

    private Uni<List<ClaimedDelivery>> claim() {
        if (loop.isStopped()) {
            return Uni.createFrom().item(List.of());
        }
        return pool.withTransaction(c -> c.preparedQuery(CLAIM).execute(Tuple.of(concurrency, leaseSeconds, DeliveryStatus.PENDING.wireName())))
                .chain(rows -> {
                    List<UUID> ids = new ArrayList<>();
                    rows.forEach(row -> ids.add(row.getUUID("id")));
                    return ids.isEmpty() ? Uni.createFrom().item(List.<ClaimedDelivery>of()) : load(ids);
                });
    }

    private Uni<List<ClaimedDelivery>> load(List<UUID> ids) {
        return pool.preparedQuery(LOAD).execute(Tuple.of(ids.toArray(UUID[]::new), SubscriptionStatus.ACTIVE.wireName())).chain(rows -> {
            List<Row> loaded = new ArrayList<>();
            rows.forEach(loaded::add);
            List<UUID> webhookIds = loaded.stream().map(row -> row.getUUID("webhook_id")).distinct().toList();
            return subscriptions.signingSecrets(webhookIds).map(secrets -> loaded.stream().map(row -> new ClaimedDelivery(
                    row.getUUID("id"), row.getUUID("webhook_id"), row.getUUID("event_id"), row.getString("event_type"),
                    row.getInteger("version"), row.getInteger("attempts"), row.getString("url"),
                    WebhookSubscription.versions(row.getJsonObject("versions")), row.getString("envelope"),
                    secrets.getOrDefault(row.getUUID("webhook_id"), List.of()))).toList());
        });
    }
}
