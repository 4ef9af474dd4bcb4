package dev.tidings.eventlog;

import dev.tidings.event.TypeFilter;
import dev.tidings.paging.Page;
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

    private static final String SELECT = "select sequence, event_type, envelope from outbox where sequence is not null";
    /** $1 after, $2 type patterns, $3 limit. */
    private static final String AFTER = SELECT + " and sequence > $1 and event_type like any($2) order by sequence limit $3";
    /** The same for one subject (an order's history), which has an index of its own. */
    private static final String AFTER_FOR_SUBJECT = SELECT
            + " and sequence > $1 and event_type like any($2) and subject = $4 order by sequence limit $3";
    private static final String BY_EVENT_ID = SELECT + " and event_id = $1";
    private static final String HEAD = "select coalesce(max(sequence), 0) from outbox";

    private final Pool pool;

    public EventLog(Pool pool) {
        this.pool = pool;
    }

    /** Up to {@code limit} events after {@code afterSequence}, matching the filters, oldest first. */
    public Uni<Page<LogEntry>> page(TypeFilter types, String subject, long afterSequence, int limit) {
        return after(types, subject, afterSequence, limit + 1)
                .map(rows -> Page.of(rows, limit, entry -> entry, entry -> Long.toString(entry.sequence())));
    }

    /** Events after {@code afterSequence} of the given types, of one subject unless it is null, oldest first. */
    public Uni<List<LogEntry>> after(TypeFilter types, String subject, long afterSequence, int limit) {
        Tuple arguments = Tuple.of(afterSequence, types.likePatterns().toArray(String[]::new), limit);
        if (subject != null) {
            arguments.addString(subject);
        }
        return pool.preparedQuery(subject == null ? AFTER : AFTER_FOR_SUBJECT).execute(arguments).map(EventLog::entries);
    }

    public Uni<LogEntry> find(UUID eventId) {
        return pool.preparedQuery(BY_EVENT_ID).execute(Tuple.of(eventId))
                .map(rows -> rows.iterator().hasNext() ? entry(rows.iterator().next()) : null);
    }

    /** The sequence of the newest event in the log, 0 when it is empty. */
    public Uni<Long> head() {
        return pool.query(HEAD).execute().map(rows -> rows.iterator().next().getLong(0));
    }

    private static List<LogEntry> entries(RowSet<Row> rows) {
        List<LogEntry> entries = new ArrayList<>(rows.size());
        rows.forEach(row -> entries.add(entry(row)));
        return entries;
    }

    private static LogEntry entry(Row row) {
        return new LogEntry(row.getLong("sequence"), row.getString("envelope"), row.getString("event_type"));
    }
}
