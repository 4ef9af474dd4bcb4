package dev.tidings.account;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/** Accounts and their keys, with the reactive SQL client. Keys are kept as digests only. */
@ApplicationScoped
public class AccountRepository {

    private static final String LIST_ACCOUNTS = "select * from account where ($1::uuid is null or id > $1) order by id limit $2";
    private static final String LIST_KEYS = """
            select id, description, prefix, created_at from account_key
            where account_id = $1 and ($2::uuid is null or id > $2) order by id limit $3""";

    @Inject
    Pool pool;

    /** Accounts are never deleted, so an id once seen stays valid: no query for it again. */
    private final Set<UUID> known = ConcurrentHashMap.newKeySet();

    public record Account(UUID id, String name, Instant createdAt) {
    }

    public record KeyInfo(UUID id, String description, String prefix, Instant createdAt) {
    }

    /** The key a digest belongs to. */
    public record KeyOwner(UUID keyId, UUID account) {
    }

    Uni<Void> insert(Account account) {
        return pool.preparedQuery("insert into account (id, name, created_at) values ($1, $2, $3)")
                .execute(Tuple.of(account.id(), account.name(), account.createdAt().atOffset(ZoneOffset.UTC)))
                .invoke(() -> known.add(account.id())).replaceWithVoid();
    }

    Uni<Account> find(UUID id) {
        return pool.preparedQuery("select * from account where id = $1").execute(Tuple.of(id))
                .map(rows -> first(rows, AccountRepository::account));
    }

    Uni<List<Account>> list(UUID after, int limit) {
        return pool.preparedQuery(LIST_ACCOUNTS).execute(Tuple.of(after, limit)).map(rows -> all(rows, AccountRepository::account));
    }

    public Uni<Boolean> exists(UUID id) {
        if (known.contains(id)) {
            return Uni.createFrom().item(true);
        }
        return find(id).map(account -> {
            if (account != null) {
                known.add(id);
            }
            return account != null;
        });
    }

    Uni<Void> insertKey(UUID account, KeyInfo key, byte[] digest) {
        return pool.preparedQuery("insert into account_key (id, account_id, description, prefix, digest, created_at) "
                        + "values ($1, $2, $3, $4, $5, $6)")
                .execute(Tuple.tuple().addUUID(key.id()).addUUID(account).addString(key.description()).addString(key.prefix())
                        .addValue(Buffer.buffer(digest))
                        .addOffsetDateTime(key.createdAt().atOffset(ZoneOffset.UTC)))
                .replaceWithVoid();
    }

    Uni<List<KeyInfo>> keys(UUID account, UUID after, int limit) {
        return pool.preparedQuery(LIST_KEYS).execute(Tuple.of(account, after, limit)).map(rows -> all(rows, row ->
                new KeyInfo(row.getUUID("id"), row.getString("description"), row.getString("prefix"), instant(row, "created_at"))));
    }

    /** Answers whether the key existed; its deletion notifies every replica (a trigger, see the migrations). */
    Uni<Boolean> deleteKey(UUID account, UUID keyId) {
        return pool.preparedQuery("delete from account_key where id = $1 and account_id = $2").execute(Tuple.of(keyId, account))
                .map(rows -> rows.rowCount() == 1);
    }

    Uni<Optional<KeyOwner>> ownerOf(byte[] digest) {
        return pool.preparedQuery("select id, account_id from account_key where digest = $1")
                .execute(Tuple.of(Buffer.buffer(digest)))
                .map(rows -> Optional.ofNullable(first(rows, row -> new KeyOwner(row.getUUID("id"), row.getUUID("account_id")))));
    }

    private static Account account(Row row) {
        return new Account(row.getUUID("id"), row.getString("name"), instant(row, "created_at"));
    }

    private static Instant instant(Row row, String column) {
        return row.getOffsetDateTime(column).toInstant();
    }

    private static <T> T first(RowSet<Row> rows, Function<Row, T> map) {
        return rows.iterator().hasNext() ? map.apply(rows.iterator().next()) : null;
    }

    private static <T> List<T> all(RowSet<Row> rows, Function<Row, T> map) {
        List<T> items = new ArrayList<>(rows.size());
        rows.forEach(row -> items.add(map.apply(row)));
        return items;
    }
}
