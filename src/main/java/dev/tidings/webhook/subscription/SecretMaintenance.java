package dev.tidings.webhook.subscription;

import dev.tidings.background.BackgroundLoop;
import dev.tidings.secrets.SecretCipher;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Keeps the stored signing secrets under the sealing key (the first of {@code events.secrets.keys}) and
 * drops the ones whose rotation overlap has ended: at startup, then every minute, in small batches that
 * several replicas share ({@code FOR UPDATE SKIP LOCKED}).
 */
@ApplicationScoped
public class SecretMaintenance {

    private static final Logger LOG = Logger.getLogger(SecretMaintenance.class);
    /** A new sealing key takes over at startup; the minutely run picks up what a replica that stopped left behind. */
    static final Duration EVERY = Duration.ofMinutes(1);
    /** Rows per transaction: their locks are held only briefly, so a rotation or another replica hardly waits. */
    static final int BATCH = 100;
    private static final Duration SHUTDOWN_PATIENCE = Duration.ofSeconds(5);

    /** $1 fingerprints of the retiring keys, $2 batch size. */
    private static final String CLAIM_RETIRING = "select id, webhook_id, sealed_secret, key_fingerprint from webhook_secret "
            + "where key_fingerprint = any($1) order by id limit $2 for update skip locked";
    private static final String RESEAL = "update webhook_secret set sealed_secret = $2, key_fingerprint = $3 where id = $1";
    private static final String PURGE_EXPIRED = "delete from webhook_secret where id in (select id from webhook_secret "
            + "where expires_at <= now() order by id limit $1 for update skip locked)";
    private static final String UNKNOWN_KEYS = "select key_fingerprint, count(*) as secrets from webhook_secret "
            + "where key_fingerprint <> all($1) group by key_fingerprint";

    /** What one batch did: rows claimed, and how many of them were sealed again. */
    record Batch(int claimed, int resealed) {
    }

    @Inject
    Pool pool;
    @Inject
    SecretCipher cipher;
    private final BackgroundLoop loop = new BackgroundLoop("Secret maintenance", this::maintain);
    /** Logged once per change, not every minute. */
    private volatile Map<String, Long> reportedUnknownKeys = Map.of();

    void start(@Observes StartupEvent startup) {
        loop.start(EVERY);
        loop.wake();
    }

    void stop(@Observes ShutdownEvent shutdown) {
        loop.stop(SHUTDOWN_PATIENCE);
    }

    Uni<Void> maintain() {
        return resealAll().chain(this::purgeAll).chain(this::reportUnknownKeys);
    }

    private Uni<Void> resealAll() {
        if (cipher.retiringFingerprints().isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        // Go on while batches are full and make progress: a secret that does not open stays, and must not loop forever.
        return resealBatch().chain(batch -> batch.claimed() == BATCH && batch.resealed() > 0 ? resealAll() : Uni.createFrom().voidItem());
    }

    /** Seals one batch of secrets under the sealing key again. */
    Uni<Batch> resealBatch() {
        Tuple claim = Tuple.of(cipher.retiringFingerprints().toArray(String[]::new), BATCH);
        return pool.withTransaction(c -> c.preparedQuery(CLAIM_RETIRING).execute(claim).chain(rows -> {
            List<Tuple> updates = new ArrayList<>();
            for (Row row : rows) {
                try {
                    SecretCipher.Sealed sealed = cipher.reseal(row.getUUID("webhook_id"), WebhookRepository.sealed(row));
                    updates.add(Tuple.tuple().addLong(row.getLong("id")).addBuffer(Buffer.buffer(sealed.bytes()))
                            .addString(sealed.keyFingerprint()));
                } catch (SecretCipher.Unreadable unreadable) {
                    LOG.warn(unreadable.getMessage());
                }
            }
            Batch batch = new Batch(rows.size(), updates.size());
            return updates.isEmpty() ? Uni.createFrom().item(batch)
                    : c.preparedQuery(RESEAL).executeBatch(updates).replaceWith(batch);
        }));
    }

    private Uni<Void> purgeAll() {
        return pool.preparedQuery(PURGE_EXPIRED).execute(Tuple.of(BATCH))
                .chain(rows -> rows.rowCount() == BATCH ? purgeAll() : Uni.createFrom().voidItem());
    }

    /** Secrets under a key that is no longer configured cannot sign: say so, with their keys' fingerprints. */
    private Uni<Void> reportUnknownKeys() {
        return pool.preparedQuery(UNKNOWN_KEYS).execute(Tuple.of(cipher.fingerprints().toArray(String[]::new))).invoke(rows -> {
            Map<String, Long> unknown = new TreeMap<>();
            rows.forEach(row -> unknown.put(row.getString("key_fingerprint"), row.getLong("secrets")));
            if (!unknown.equals(reportedUnknownKeys) && !unknown.isEmpty()) {
                LOG.warnf("Signing secrets sealed under keys that %s does not hold cannot sign (secrets per key fingerprint): %s",
                        SecretCipher.KEYS, unknown);
            }
            reportedUnknownKeys = unknown;
        }).replaceWithVoid();
    }
}
