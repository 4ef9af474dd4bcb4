package dev.tidings.eventlog;

import dev.tidings.event.TypeFilter;
import dev.tidings.paging.Page;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
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

    private static final String SELECT = "select sequence, event_type, envelope from outbox where sequence is not null";

    private final Pool pool;

    public EventLog(Pool pool) {
        this.pool = pool;
    }

    /** Up to {@code limit} events after {@code afterSequence}, matching the filters, oldest first. */
    public Uni<Page<LogEntry>> page(TypeFilter types, String subject, long afterSequence, int limit) {
        return after(types, subject, afterSequence, limit + 1)
                .map(rows -> Page.of(rows, limit, entry -> entry, entry -> Long.toString(entry.sequence())));
    }

    public Uni<List<LogEntry>> after(TypeFilter types, String subject, long afterSequence, int limit) {
        StringBuilder sql = new StringBuilder(SELECT).append(" and sequence > $1");
        List<Object> args = new ArrayList<>(List.of(afterSequence));
        if (subject != null) {
            args.add(subject);
            sql.append(" and subject = $").append(args.size());
        }
        if (!types.matchesAll()) {
            args.add(types.exact().toArray(String[]::new));
            sql.append(" and (event_type = any($").append(args.size()).append(')');
            args.add(types.likePatterns().toArray(String[]::new));
            sql.append(" or event_type like any($").append(args.size()).append("))");
        }
        args.add(limit);
        sql.append(" order by sequence limit $").append(args.size());
        return pool.preparedQuery(sql.toString()).execute(Tuple.from(args)).map(rows -> {
            List<LogEntry> entries = new ArrayList<>(rows.size());
            rows.forEach(row -> entries.add(entry(row)));
            return entries;
        });
    }

    public Uni<LogEntry> find(UUID eventId) {
        return pool.preparedQuery(SELECT + " and event_id = $1").execute(Tuple.of(eventId))
                .map(rows -> rows.iterator().hasNext() ? entry(rows.iterator().next()) : null);
    }

    /** The sequence of the newest event in the log, 0 when it is empty. */
    public Uni<Long> head() {
        return pool.query("select coalesce(max(sequence), 0) from outbox").execute()
                .map(rows -> rows.iterator().next().getLong(0));
    }

    private static LogEntry entry(Row row) {
        return new LogEntry(row.getLong("sequence"), row.getString("envelope"), row.getString("event_type"));
    }
}
