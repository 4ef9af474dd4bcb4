package dev.tidings.webhook.subscription;

import dev.tidings.account.Scope;
import dev.tidings.secrets.SecretCipher;
import dev.tidings.webhook.SubscriptionStatus;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Reads and writes subscriptions and their secrets (sealed at rest) with the reactive SQL client. */
@ApplicationScoped
public class WebhookRepository {

    private static final Logger LOG = Logger.getLogger(WebhookRepository.class);

    private static final String SELECT = "select " + WebhookSubscription.COLUMNS + " from webhook_subscription";
    /** One subscription of the scope $2 (null: any). */
    private static final String BY_ID = SELECT + " where id = $1 and ($2::uuid is null or account_id = $2)";
    /**
     * Creations for one account ($1, null for the operators') take turns (two-key advisory lock), so a
     * count followed by an insert cannot overshoot its quota.
     */
    private static final String CREATIONS_TAKE_TURNS = "select pg_advisory_xact_lock(7, hashtext(coalesce($1::uuid::text, '')))";
    /**
     * Two counts, so that each reads the index by account ({@code is not distinct from} would read every subscription,
     * making each creation slower the more subscriptions all accounts have).
     */
    private static final String COUNT_OF_OWNER = "select (select count(*) from webhook_subscription where account_id = $1)"
            + " + (select count(*) from webhook_subscription where account_id is null and $1::uuid is null)";

    @Inject
    Pool pool;
    @Inject
    SecretCipher cipher;

    Uni<Void> insert(SqlConnection connection, WebhookSubscription s, String secret) {
        OffsetDateTime now = s.createdAt().atOffset(ZoneOffset.UTC);
        return connection.preparedQuery("insert into webhook_subscription (id, url, event_types, description, versions, status, "
                        + "consecutive_failures, created_at, updated_at, rate_limit, account_id) values ($1, $2, $3, $4, $5, $6, 0, $7, $7, $8, $9)")
                .execute(Tuple.tuple().addUUID(s.id()).addString(s.url()).addArrayOfString(s.eventTypes().toArray(String[]::new))
                        .addString(s.description()).addValue(new JsonObject(new HashMap<>(s.versions())))
                        .addString(s.status().wireName()).addOffsetDateTime(now).addInteger(s.rateLimit()).addUUID(s.accountId()))
                .chain(() -> addSecret(connection, s.id(), secret))
                .replaceWithVoid();
    }

    public Uni<WebhookSubscription> find(SqlClient client, Scope scope, UUID id) {
        return client.preparedQuery(BY_ID).execute(Tuple.of(id, scope.filter())).map(WebhookRepository::first);
    }

    Uni<WebhookSubscription> findForUpdate(SqlConnection connection, Scope scope, UUID id) {
        return connection.preparedQuery(BY_ID + " for update").execute(Tuple.of(id, scope.filter())).map(WebhookRepository::first);
    }

    Uni<List<WebhookSubscription>> list(Scope scope, UUID after, int limit) {
        return pool.preparedQuery(SELECT + " where ($1::uuid is null or id > $1) and ($3::uuid is null or account_id = $3) "
                        + "order by id limit $2")
                .execute(Tuple.of(after, limit, scope.filter())).map(WebhookRepository::all);
    }

    /**
     * For the fan-out: the active subscriptions that may receive events of these accounts, that is the
     * platform's (they receive every account's) and the accounts' own; the others are not read at all.
     */
    public Uni<List<WebhookSubscription>> activeFor(Collection<UUID> accounts) {
        return pool.preparedQuery(SELECT + " where status = $1 and account_id is null union all "
                        + SELECT + " where status = $1 and account_id = any($2)")
                .execute(Tuple.of(SubscriptionStatus.ACTIVE.wireName(), accounts.toArray(UUID[]::new)))
                .map(WebhookRepository::all);
    }

    Uni<Void> update(SqlConnection connection, WebhookSubscription s) {
        return connection.preparedQuery("update webhook_subscription set url = $2, event_types = $3, description = $4, "
                        + "versions = $5, rate_limit = $6, updated_at = now() where id = $1")
                .execute(Tuple.tuple().addUUID(s.id()).addString(s.url()).addArrayOfString(s.eventTypes().toArray(String[]::new))
                        .addString(s.description()).addValue(new JsonObject(new HashMap<>(s.versions()))).addInteger(s.rateLimit()))
                .replaceWithVoid();
    }

    /** Re-enables a disabled subscription with a fresh failure streak. */
    Uni<Void> activate(SqlConnection connection, UUID id) {
        return connection.preparedQuery("update webhook_subscription set status = $2, consecutive_failures = 0, "
                        + "updated_at = now() where id = $1")
                .execute(Tuple.of(id, SubscriptionStatus.ACTIVE.wireName())).replaceWithVoid();
    }

    /** Deleting cascades to secrets, deliveries (pending retries are cancelled), attempts and dead letters. */
    Uni<Boolean> delete(Scope scope, UUID id) {
        return pool.preparedQuery("delete from webhook_subscription where id = $1 and ($2::uuid is null or account_id = $2)")
                .execute(Tuple.of(id, scope.filter()))
                .map(rows -> rows.rowCount() == 1);
    }

    /** How many subscriptions {@code owner} has, counted with its other creations waiting their turn. */
    Uni<Long> countForCreation(SqlConnection connection, UUID owner) {
        return connection.preparedQuery(CREATIONS_TAKE_TURNS).execute(Tuple.of(owner))
                .chain(() -> connection.preparedQuery(COUNT_OF_OWNER).execute(Tuple.of(owner)))
                .map(rows -> rows.iterator().next().getLong(0));
    }

    /** Drops the secrets that stopped signing and answers how many still sign. */
    Uni<Long> purgeExpiredSecrets(SqlConnection connection, UUID webhookId) {
        return connection.preparedQuery("delete from webhook_secret where webhook_id = $1 and expires_at <= now()")
                .execute(Tuple.of(webhookId))
                .chain(() -> connection.preparedQuery("select count(*) from webhook_secret where webhook_id = $1").execute(Tuple.of(webhookId)))
                .map(rows -> rows.iterator().next().getLong(0));
    }

    /** Stores the secret sealed under the first key of {@code events.secrets.keys}, never in plain text. */
    Uni<Void> addSecret(SqlConnection connection, UUID webhookId, String secret) {
        SecretCipher.Sealed sealed = cipher.seal(webhookId, secret);
        return connection.preparedQuery("insert into webhook_secret (webhook_id, sealed_secret, key_fingerprint, created_at) "
                        + "values ($1, $2, $3, now())")
                .execute(Tuple.tuple().addUUID(webhookId).addBuffer(Buffer.buffer(sealed.bytes())).addString(sealed.keyFingerprint()))
                .replaceWithVoid();
    }

    /** Secrets still signing keep doing so for {@code overlap}, then expire. */
    Uni<Void> expireSecrets(SqlConnection connection, UUID webhookId, Duration overlap) {
        return connection.preparedQuery("update webhook_secret set expires_at = now() + make_interval(secs => $2) "
                        + "where webhook_id = $1 and (expires_at is null or expires_at > now() + make_interval(secs => $2))")
                .execute(Tuple.of(webhookId, overlap.toMillis() / 1000.0)).replaceWithVoid();
    }

    /**
     * The secrets that sign now, newest first, per subscription, opened. One that does not open (its key
     * was removed from {@code events.secrets.keys}) is left out and logged: it cannot sign, the others still do.
     */
    public Uni<Map<UUID, List<String>>> signingSecrets(List<UUID> webhookIds) {
        return pool.preparedQuery("select webhook_id, sealed_secret, key_fingerprint from webhook_secret where webhook_id = any($1) "
                        + "and (expires_at is null or expires_at > now()) order by created_at desc, id desc")
                .execute(Tuple.of(webhookIds.toArray(UUID[]::new)))
                .map(rows -> {
                    Map<UUID, List<String>> secrets = new HashMap<>();
                    rows.forEach(row -> {
                        UUID webhookId = row.getUUID("webhook_id");
                        open(webhookId, sealed(row), secrets.computeIfAbsent(webhookId, k -> new ArrayList<>()));
                    });
                    return secrets;
                });
    }

    /** A subscription's signing secrets, in the order of their sealed forms. */
    public List<String> openSecrets(UUID webhookId, List<SecretCipher.Sealed> sealed) {
        List<String> secrets = new ArrayList<>(sealed.size());
        sealed.forEach(each -> open(webhookId, each, secrets));
        return secrets;
    }

    /** Adds the opened secret, or warns (without any part of it) when it cannot be opened. */
    private void open(UUID webhookId, SecretCipher.Sealed sealed, List<String> secrets) {
        try {
            secrets.add(cipher.open(webhookId, sealed));
        } catch (SecretCipher.Unreadable unreadable) {
            LOG.warn(unreadable.getMessage());
        }
    }

    /** The sealed secret of a {@code webhook_secret} row. */
    static SecretCipher.Sealed sealed(Row row) {
        return new SecretCipher.Sealed(row.getBuffer("sealed_secret").getBytes(), row.getString("key_fingerprint"));
    }

    private static WebhookSubscription first(RowSet<Row> rows) {
        return rows.iterator().hasNext() ? WebhookSubscription.of(rows.iterator().next()) : null;
    }

    private static List<WebhookSubscription> all(RowSet<Row> rows) {
        List<WebhookSubscription> subscriptions = new ArrayList<>(rows.size());
        rows.forEach(row -> subscriptions.add(WebhookSubscription.of(row)));
        return subscriptions;
    }
}
