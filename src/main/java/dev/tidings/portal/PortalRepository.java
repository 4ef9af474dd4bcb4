package dev.tidings.portal;

import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;

/** Portal links and sessions, by the digests of their tokens, with the reactive SQL client. */
@ApplicationScoped
class PortalRepository {

    /** One statement: of two replicas opening the same link at once, only one update finds it unused. */
    private static final String CONSUME_LINK = """
            update portal_link set used_at = now()
            where digest = $1 and used_at is null and expires_at > now()
            returning account_id""";

    @Inject
    Pool pool;

    Uni<Void> insertLink(byte[] digest, UUID account, Instant expiresAt) {
        return pool.preparedQuery("insert into portal_link (digest, account_id, expires_at) values ($1, $2, $3)")
                .execute(Tuple.of(Buffer.buffer(digest), account, expiresAt.atOffset(ZoneOffset.UTC))).replaceWithVoid();
    }

    /** The link's account if it was unused and unexpired (and is used from now on), else null. */
    Uni<UUID> consumeLink(byte[] digest) {
        return pool.preparedQuery(CONSUME_LINK).execute(Tuple.of(Buffer.buffer(digest))).map(PortalRepository::accountOf);
    }

    Uni<Void> insertSession(byte[] digest, UUID account, Instant createdAt, Instant expiresAt) {
        return pool.preparedQuery("insert into portal_session (digest, account_id, created_at, expires_at) values ($1, $2, $3, $4)")
                .execute(Tuple.of(Buffer.buffer(digest), account, createdAt.atOffset(ZoneOffset.UTC), expiresAt.atOffset(ZoneOffset.UTC)))
                .replaceWithVoid();
    }

    /** The session's account while it lasts, else null. */
    Uni<UUID> sessionAccount(byte[] digest) {
        return pool.preparedQuery("select account_id from portal_session where digest = $1 and expires_at > now()")
                .execute(Tuple.of(Buffer.buffer(digest))).map(PortalRepository::accountOf);
    }

    Uni<Void> deleteSession(byte[] digest) {
        return pool.preparedQuery("delete from portal_session where digest = $1").execute(Tuple.of(Buffer.buffer(digest))).replaceWithVoid();
    }

    /** Expired links and sessions open nothing; they go whenever a new session starts. */
    Uni<Void> purgeExpired() {
        return pool.query("delete from portal_link where expires_at < now()").execute()
                .chain(() -> pool.query("delete from portal_session where expires_at < now()").execute())
                .replaceWithVoid();
    }

    private static UUID accountOf(RowSet<Row> rows) {
        return rows.iterator().hasNext() ? rows.iterator().next().getUUID("account_id") : null;
    }
}
