package dev.tidings.schema;

import dev.tidings.event.EventType;
import dev.tidings.problem.Conflict;
import dev.tidings.problem.InvalidRequest;
import dev.tidings.problem.Problem;
import dev.tidings.problem.ResourceNotFound;
import dev.tidings.problem.SchemaViolation;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Validator;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The registry of event types and their schema versions, persisted in PostgreSQL. Versions are numbered
 * by the registry and never change once registered, so their compiled validators are cached forever;
 * deprecations are read fresh (briefly cached for deliveries). Built-in types come from the classpath
 * and are copied into the database at startup, idempotently, by every replica.
 */
@ApplicationScoped
public class EventTypeRegistry {

    private static final Logger LOG = Logger.getLogger(EventTypeRegistry.class);
    private static final Duration DEPRECATION_CACHE = Duration.ofSeconds(5);
    private static final String CATALOGUE = """
            select t.name, t.description,
              array_agg(v.version order by v.version) as versions,
              coalesce(array_agg(v.version order by v.version) filter (where v.deprecated_at is not null), '{}') as deprecated
            from event_type t join event_type_version v on v.event_type = t.name""";

    private final Pool pool;
    private final SchemaCompiler compiler;
    private final Map<String, Validator> validators = new ConcurrentHashMap<>();
    private final Map<String, CachedDeprecation> deprecations = new ConcurrentHashMap<>();

    private record CachedDeprecation(Optional<Instant> at, Instant readAt) {
    }

    public EventTypeRegistry(Pool pool, SchemaCompiler compiler) {
        this.pool = pool;
        this.compiler = compiler;
    }

    void registerBuiltIns(@Observes StartupEvent startup) {
        Uni.join().all(BuiltInEventTypes.ALL.stream().map(this::registerBuiltIn).toList()).andCollectFailures()
                .subscribe().with(ignored -> LOG.debug("Built-in event types registered"),
                        failure -> LOG.errorf("Registering the built-in event types failed: %s", failure.toString()));
    }

    private Uni<Void> registerBuiltIn(BuiltInEventTypes.BuiltIn type) {
        return pool.withTransaction(c -> c.preparedQuery("insert into event_type (name, description, built_in, created_at) "
                        + "values ($1, $2, true, now()) on conflict (name) do nothing")
                .execute(Tuple.of(type.name(), type.description()))
                .chain(() -> Uni.join().all(type.versions().stream().map(version -> c.preparedQuery(
                                "insert into event_type_version (event_type, version, schema, created_at) values ($1, $2, $3, now()) "
                                        + "on conflict (event_type, version) do nothing")
                        .execute(Tuple.of(type.name(), version, BuiltInEventTypes.schema(type.name(), version)))
                        .replaceWithVoid()).toList()).andFailFast())
                .replaceWithVoid());
    }

    /** Fails with {@link SchemaViolation} (or {@link UnknownEventType}) unless {@code dataJson} fits the schema. */
    public Uni<Void> validate(String eventType, int version, String dataJson) {
        return validator(eventType, version).invoke(validator -> {
            List<Problem.FieldError> errors = compiler.validate(validator, dataJson);
            if (!errors.isEmpty()) {
                throw new SchemaViolation(eventType, version, errors);
            }
        }).replaceWithVoid();
    }

    private Uni<Validator> validator(String eventType, int version) {
        String key = eventType + "@" + version;
        Validator cached = validators.get(key);
        if (cached != null) {
            return Uni.createFrom().item(cached);
        }
        String builtIn = BuiltInEventTypes.schema(eventType, version);
        Uni<String> schema = builtIn != null ? Uni.createFrom().item(builtIn) : storedSchema(eventType, version);
        return schema.map(text -> validators.computeIfAbsent(key, k -> compiler.compile(new JsonObject(text))));
    }

    private Uni<String> storedSchema(String eventType, int version) {
        return pool.preparedQuery("select schema from event_type_version where event_type = $1 and version = $2")
                .execute(Tuple.of(eventType, version))
                .map(rows -> {
                    if (!rows.iterator().hasNext()) {
                        throw new UnknownEventType("Event type " + eventType + " has no version " + version + ".");
                    }
                    return rows.iterator().next().getString(0);
                });
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
        return pool.preparedQuery("select event_type, array_agg(version order by version) from event_type_version "
                        + "where event_type = any($1) group by event_type")
                .execute(Tuple.of(eventTypes.toArray(String[]::new)))
                .map(rows -> {
                    Map<String, List<Integer>> versions = new HashMap<>();
                    BuiltInEventTypes.ALL.stream().filter(t -> eventTypes.contains(t.name()))
                            .forEach(t -> versions.put(t.name(), t.versions()));
                    rows.forEach(row -> versions.put(row.getString(0), Arrays.asList(row.getArrayOfIntegers(1))));
                    return versions;
                });
    }

    /** When this version was deprecated, if it was; cached for a few seconds. */
    public Uni<Optional<Instant>> deprecatedAt(String eventType, int version) {
        String key = eventType + "@" + version;
        CachedDeprecation cached = deprecations.get(key);
        if (cached != null && cached.readAt().plus(DEPRECATION_CACHE).isAfter(Instant.now())) {
            return Uni.createFrom().item(cached.at());
        }
        return pool.preparedQuery("select deprecated_at from event_type_version where event_type = $1 and version = $2")
                .execute(Tuple.of(eventType, version))
                .map(rows -> {
                    OffsetDateTime at = rows.iterator().hasNext() ? rows.iterator().next().getOffsetDateTime(0) : null;
                    Optional<Instant> deprecated = Optional.ofNullable(at).map(OffsetDateTime::toInstant);
                    deprecations.put(key, new CachedDeprecation(deprecated, Instant.now()));
                    return deprecated;
                });
    }

    Uni<List<EventTypeView>> list(String after, int limit) {
        return pool.preparedQuery(CATALOGUE + " where ($1::varchar is null or t.name > $1) group by t.name order by t.name limit $2")
                .execute(Tuple.of(after, limit))
                .map(rows -> {
                    List<EventTypeView> views = new ArrayList<>();
                    rows.forEach(row -> views.add(view(row)));
                    return views;
                });
    }

    Uni<EventTypeView> find(String eventType) {
        return pool.preparedQuery(CATALOGUE + " where t.name = $1 group by t.name").execute(Tuple.of(eventType))
                .map(rows -> {
                    if (!rows.iterator().hasNext()) {
                        throw new ResourceNotFound("Event type", eventType);
                    }
                    return view(rows.iterator().next());
                });
    }

    Uni<String> schema(String eventType, int version) {
        return storedSchema(eventType, version)
                .onFailure(UnknownEventType.class).transform(e -> new ResourceNotFound("Schema of " + eventType + " version", version));
    }

    /** Registers version 1 of a new type: 409 if it exists or is reserved, 400 if the schema is invalid. */
    Uni<EventTypeView> register(String eventType, String description, Object schema) {
        if (!EventType.isValid(eventType)) {
            throw new InvalidRequest("eventType", "must look like resource.action, lower case: [a-z][a-z0-9_]*(.[a-z][a-z0-9_]*)+");
        }
        refuseReserved(eventType);
        JsonObject compiled = checked(schema);
        return pool.withTransaction(c -> c.preparedQuery("insert into event_type (name, description, built_in, created_at) "
                                + "values ($1, $2, false, now()) on conflict (name) do nothing returning name")
                        .execute(Tuple.of(eventType, description == null ? "" : description))
                        .chain(rows -> {
                            if (!rows.iterator().hasNext()) {
                                return Uni.createFrom().failure(new Conflict("Event type " + eventType + " exists already."));
                            }
                            return insertVersion(c, eventType, 1, compiled);
                        }))
                .chain(() -> find(eventType));
    }

    /** Registers the next version of a custom type. */
    Uni<EventTypeView> addVersion(String eventType, Object schema) {
        refuseReserved(eventType);
        JsonObject compiled = checked(schema);
        return pool.withTransaction(c -> c.preparedQuery("select name from event_type where name = $1 for update")
                        .execute(Tuple.of(eventType))
                        .chain(rows -> {
                            if (!rows.iterator().hasNext()) {
                                return Uni.createFrom().failure(new ResourceNotFound("Event type", eventType));
                            }
                            return c.preparedQuery("select coalesce(max(version), 0) + 1 from event_type_version where event_type = $1")
                                    .execute(Tuple.of(eventType))
                                    .chain(next -> insertVersion(c, eventType, next.iterator().next().getInteger(0), compiled));
                        }))
                .chain(() -> find(eventType));
    }

    /** Marks a version deprecated (idempotent: the first deprecation's time stays). */
    Uni<EventTypeView> deprecate(String eventType, int version) {
        refuseReserved(eventType);
        return pool.preparedQuery("update event_type_version set deprecated_at = coalesce(deprecated_at, now()) "
                        + "where event_type = $1 and version = $2")
                .execute(Tuple.of(eventType, version))
                .chain(rows -> {
                    if (rows.rowCount() == 0) {
                        return Uni.createFrom().failure(new ResourceNotFound("Version " + version + " of event type", eventType));
                    }
                    deprecations.remove(eventType + "@" + version);
                    return find(eventType);
                });
    }

    private static Uni<Void> insertVersion(SqlConnection c, String eventType, int version, JsonObject schema) {
        return c.preparedQuery("insert into event_type_version (event_type, version, schema, created_at) values ($1, $2, $3, now())")
                .execute(Tuple.of(eventType, version, schema.encode())).replaceWithVoid();
    }

    private JsonObject checked(Object schema) {
        List<Problem.FieldError> errors = compiler.check(schema);
        if (!errors.isEmpty()) {
            throw new InvalidRequest(errors);
        }
        return (JsonObject) schema;
    }

    private static void refuseReserved(String eventType) {
        if (BuiltInEventTypes.isReserved(eventType)) {
            throw new Conflict("Event types under " + String.join(", ", BuiltInEventTypes.RESERVED_PREFIXES)
                    + " are built in and read-only.");
        }
    }

    private static EventTypeView view(Row row) {
        List<Integer> versions = Arrays.asList(row.getArrayOfIntegers("versions"));
        return new EventTypeView(row.getString("name"), row.getString("description"), versions,
                versions.get(versions.size() - 1), Arrays.asList(row.getArrayOfIntegers("deprecated")));
    }
}
