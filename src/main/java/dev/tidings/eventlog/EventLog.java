package dev.tidings.eventlog;

import dev.tidings.account.Scope;
import dev.tidings.config.EventsConfig;
import dev.tidings.event.TypeFilter;
import dev.tidings.paging.Page;
import dev.tidings.retention.LogFloor;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Reads the event log: outbox rows the relay has published, ordered by {@code sequence}. A sequence
 * becomes visible only after every smaller one is, so reading on from the last seen sequence never
 * misses an event.
 */
@ApplicationScoped
public class EventLog {

    /** The types $2 and the account $5 (null: all). */
    private static final String FILTERS = " and event_type like any($2) and ($5::uuid is null or account_id = $5)";

    /**
     * Events after $1 (and never below the log's floor, read in the same statement) of the types $2 and of
     * the account $5 (null: all), at most $3, oldest first, cut where they add up to $4 bytes: a row is
     * returned while the rows before it stay under the budget, so the first row always comes and at most
     * one row past the budget tells that more exist. Always one row at least: the floor, with no event
     * when none follows. The lower bound is a scalar subquery (read once, in the same snapshot as the floor) so
     * that it is the sequence index's start: a join with {@code held} made it a filter over the whole log.
     */
    static final String AFTER = after(FILTERS, "$3", "$4");
    /** The same for one subject ($6, an order's history), which has an index of its own. */
    private static final String AFTER_FOR_SUBJECT = after(FILTERS + " and subject = $6", "$3", "$4");

    /**
     * {@link #AFTER} for the live feed, which reads every event: no filters, and the limit written in ($1 after, $2
     * bytes). With the limit and filters as arguments PostgreSQL planned the statement again on every call (each call's
     * own plan looked cheaper than one for any limit), which cost four times running it; so it is planned once.
     */
    static String followStatement(int limit) {
        return after("", Integer.toString(limit), "$2");
    }

    private static String after(String filters, String limit, String bytes) {
        return """
                with held as (select oldest_sequence from log_floor where id = 1)
                select held.oldest_sequence as floor, page.* from held left join (
                  select sequence, event_type, envelope, account_id, bytes_before + octet_length(envelope) <= %3$s as fits from (
                    select sequence, event_type, envelope, account_id,
                      sum(octet_length(envelope)) over (order by sequence) - octet_length(envelope) as bytes_before
                    from outbox where sequence > greatest($1, (select oldest_sequence - 1 from log_floor where id = 1))%1$s
                    order by sequence limit %2$s) numbered
                  where bytes_before < %3$s) page on true
                order by page.sequence""".formatted(filters, limit, bytes);
    }

    private static final String BY_EVENT_ID = """
            select sequence, event_type, envelope, account_id from outbox
            where sequence is not null and event_id = $1 and ($2::uuid is null or account_id = $2)""";
    private static final String HEAD = "select coalesce(max(sequence), 0) from outbox";

    /** Events read at once, and whether the log holds more after them. */
    public record Slice(List<LogEntry> entries, boolean more) {
    }

    private final Pool pool;
    private final LogFloor floor;
    private final int pageBytes;

    public EventLog(Pool pool, LogFloor floor, EventsConfig config) {
        this.pool = pool;
        this.floor = floor;
        this.pageBytes = config.limits().pageBytes();
    }

    /** A page of events after {@code afterSequence}, matching the filters, oldest first, bounded in items and bytes. */
    public Uni<Page<LogEntry>> page(Scope scope, TypeFilter types, String subject, long afterSequence, int limit) {
        return after(scope, types, subject, afterSequence, limit).map(slice -> new Page<>(slice.entries(), slice.more()
                ? Long.toString(slice.entries().get(slice.entries().size() - 1).sequence()) : null));
    }

    /**
     * Up to {@code limit} events of the scope after {@code afterSequence} of the given types, of one subject
     * unless it is null, oldest first, no more than {@code events.limits.page-bytes} of envelopes (but at least one).
     */
    public Uni<Slice> after(Scope scope, TypeFilter types, String subject, long afterSequence, int limit) {
        Tuple arguments = Tuple.of(afterSequence, types.likePatterns().toArray(String[]::new), limit + 1, pageBytes)
                .addUUID(scope.filter());
        if (subject != null) {
            arguments.addString(subject);
        }
        return pool.preparedQuery(subject == null ? AFTER : AFTER_FOR_SUBJECT).execute(arguments)
                .map(rows -> slice(rows, afterSequence, limit));
    }

    /** Up to {@code limit} events after {@code afterSequence}, of every type and account, as {@link #after} reads them. */
    public Uni<Slice> following(long afterSequence, int limit) {
        return pool.preparedQuery(followStatement(limit + 1))
                .execute(Tuple.of(afterSequence, pageBytes))
                .map(rows -> slice(rows, afterSequence, limit));
    }

    /**
     * 410 if events after {@code afterSequence} are gone; else keeps what fits in {@code limit} items and the
     * byte budget (the first row always); a row left over means more exist.
     */
    private Slice slice(RowSet<Row> rows, long afterSequence, int limit) {
        long oldest = rows.iterator().next().getLong("floor");
        floor.update(oldest);
        LogFloor.requireHeld(afterSequence, oldest);
        List<LogEntry> kept = new ArrayList<>(Math.min(rows.size(), limit));
        for (Row row : rows) {
            if (row.getLong("sequence") == null) {
                break; // the floor's row, no event after it
            }
            if (kept.size() == limit || (!kept.isEmpty() && !row.getBoolean("fits"))) {
                return new Slice(kept, true);
            }
            kept.add(entry(row));
        }
        return new Slice(kept, false);
    }

    public Uni<LogEntry> find(Scope scope, UUID eventId) {
        return pool.preparedQuery(BY_EVENT_ID).execute(Tuple.of(eventId, scope.filter()))
                .map(rows -> rows.iterator().hasNext() ? entry(rows.iterator().next()) : null);
    }

    /**
     * The sequence of the newest event in the log, 0 when it is empty. Prepared: the live feed follows the head
     * after every relayed batch while no stream is open, and planning it each time cost more than running it.
     */
    public Uni<Long> head() {
        return pool.preparedQuery(HEAD).execute().map(rows -> rows.iterator().next().getLong(0));
    }

    private static LogEntry entry(Row row) {
        return new LogEntry(row.getLong("sequence"), row.getString("envelope"), row.getString("event_type"), row.getUUID("account_id"));
    }
}
