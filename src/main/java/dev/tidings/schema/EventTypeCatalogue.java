package dev.tidings.schema;

import dev.tidings.event.BuiltInEventType;
import dev.tidings.problem.Conflict;
import dev.tidings.problem.ResourceNotFound;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The registered event types and their schema versions in PostgreSQL. Versions are numbered by the
 * catalogue and never change once written. Built-in types answer from the classpath before their
 * database copy exists.
 */
@ApplicationScoped
public class EventTypeCatalogue {

    private static final String INSERT_TYPE = """
            insert into event_type (name, description, built_in, created_at) values ($1, $2, $3, now())
            on conflict (name) do nothing returning name""";
    private static final String INSERT_VERSION = """
            insert into event_type_version (event_type, version, schema, created_at) values ($1, $2, $3, now())
            on conflict (event_type, version) do update set schema = excluded.schema""";
    private static final String LOCK_TYPE = "select name from event_type where name = $1 for update";
    private static final String NEXT_VERSION = "select coalesce(max(version), 0) + 1 from event_type_version where event_type = $1";
    private static final String SCHEMA = "select schema from event_type_version where event_type = $1 and version = $2";
    private static final String VERSIONS = """
            select event_type, array_agg(version order by version) from event_type_version
            where event_type = any($1) group by event_type""";
    private static final String DEPRECATE = """
            update event_type_version set deprecated_at = coalesce(deprecated_at, now())
            where event_type = $1 and version = $2""";
    private static final String DEPRECATED_AT = "select deprecated_at from event_type_version where event_type = $1 and version = $2";
    private static final String VIEW = """
            select t.name, t.description,
              array_agg(v.version order by v.version) as versions,
              coalesce(array_agg(v.version order by v.version) filter (where v.deprecated_at is not null), '{}') as deprecated
            from event_type t join event_type_version v on v.event_type = t.name""";
    private static final String PAGE = VIEW + " where ($1::varchar is null or t.name > $1) group by t.name order by t.name limit $2";
    private static final String ONE = VIEW + " where t.name = $1 group by t.name";

    @Inject
    Pool pool;

    /** Writes a type and its first version; answers false (and writes nothing) when the name is taken. */
    Uni<Boolean> insertType(SqlClient client, String eventType, String description, boolean builtIn) {
        return client.preparedQuery(INSERT_TYPE).execute(Tuple.of(eventType, description, builtIn))
                .map(rows -> rows.iterator().hasNext());
    }

    /**
     * Writes one version. Only the seeder ever meets one already written (custom versions are numbered
     * under a lock): the schema shipped with the service replaces the stored copy of a built-in.
     */
    Uni<Void> insertVersion(SqlClient client, String eventType, int version, String schema) {
        return client.preparedQuery(INSERT_VERSION).execute(Tuple.of(eventType, version, schema)).replaceWithVoid();
    }

    Uni<EventTypeView> register(String eventType, String description, String schema) {
        return pool.withTransaction(c -> insertType(c, eventType, description, false).chain(inserted -> inserted
                        ? insertVersion(c, eventType, 1, schema)
                        : Uni.createFrom().failure(new Conflict("Event type " + eventType + " exists already."))))
                .chain(() -> find(eventType));
    }

    /** The next version, numbered under a lock on the type so two registrations cannot take one number. */
    Uni<EventTypeView> addVersion(String eventType, String schema) {
        return pool.withTransaction(c -> c.preparedQuery(LOCK_TYPE).execute(Tuple.of(eventType)).chain(rows -> rows.iterator().hasNext()
                        ? c.preparedQuery(NEXT_VERSION).execute(Tuple.of(eventType))
                                .chain(next -> insertVersion(c, eventType, next.iterator().next().getInteger(0), schema))
                        : Uni.createFrom().failure(new ResourceNotFound("Event type", eventType))))
                .chain(() -> find(eventType));
    }

    /** Marks a version deprecated; the first deprecation's time stays. */
    Uni<EventTypeView> deprecate(String eventType, int version) {
        return pool.preparedQuery(DEPRECATE).execute(Tuple.of(eventType, version)).chain(rows -> rows.rowCount() == 0
                ? Uni.createFrom().failure(new ResourceNotFound("Version " + version + " of event type", eventType))
                : find(eventType));
    }

    /** The schema text of a version; {@link UnknownEventType} if it is not registered. */
    Uni<String> schema(String eventType, int version) {
        Optional<String> builtIn = BuiltInSchemas.of(eventType, version);
        if (builtIn.isPresent()) {
            return Uni.createFrom().item(builtIn.get());
        }
        return pool.preparedQuery(SCHEMA).execute(Tuple.of(eventType, version)).map(rows -> {
            if (!rows.iterator().hasNext()) {
                throw new UnknownEventType("Event type " + eventType + " has no version " + version + ".");
            }
            return rows.iterator().next().getString(0);
        });
    }

    Uni<Optional<Instant>> deprecatedAt(String eventType, int version) {
        return pool.preparedQuery(DEPRECATED_AT).execute(Tuple.of(eventType, version)).map(rows -> rows.iterator().hasNext()
                ? Optional.ofNullable(rows.iterator().next().getOffsetDateTime(0)).map(OffsetDateTime::toInstant)
                : Optional.empty());
    }

    /** The newest version of a type; {@link UnknownEventType} if it is not registered. */
    public Uni<Integer> latestVersion(String eventType) {
        return versions(List.of(eventType)).map(known -> {
            List<Integer> versions = known.get(eventType);
            if (versions == null || versions.isEmpty()) {
                throw new UnknownEventType("Event type " + eventType + " is not registered.");
            }
            return versions.get(versions.size() - 1);
        });
    }

    /** The registered versions of each of these types (absent when a type is unknown). */
    public Uni<Map<String, List<Integer>>> versions(Collection<String> eventTypes) {
        return pool.preparedQuery(VERSIONS).execute(Tuple.of(eventTypes.toArray(String[]::new))).map(rows -> {
            Map<String, List<Integer>> versions = new HashMap<>();
            for (String name : eventTypes) {
                BuiltInEventType.of(name).ifPresent(type -> versions.put(name, type.versions()));
            }
            rows.forEach(row -> versions.put(row.getString(0), Arrays.asList(row.getArrayOfIntegers(1))));
            return versions;
        });
    }

    Uni<List<EventTypeView>> list(String after, int limit) {
        return pool.preparedQuery(PAGE).execute(Tuple.of(after, limit)).map(EventTypeCatalogue::views);
    }

    Uni<EventTypeView> find(String eventType) {
        return pool.preparedQuery(ONE).execute(Tuple.of(eventType)).map(rows -> {
            List<EventTypeView> views = views(rows);
            if (views.isEmpty()) {
                throw new ResourceNotFound("Event type", eventType);
            }
            return views.get(0);
        });
    }

    private static List<EventTypeView> views(RowSet<Row> rows) {
        List<EventTypeView> views = new ArrayList<>(rows.size());
        for (Row row : rows) {
            List<Integer> versions = Arrays.asList(row.getArrayOfIntegers("versions"));
            views.add(new EventTypeView(row.getString("name"), row.getString("description"), versions,
                    versions.get(versions.size() - 1), Arrays.asList(row.getArrayOfIntegers("deprecated"))));
        }
        return views;
    }
}
