package dev.tidings.schema;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When a version was deprecated, for the Deprecation header of publishes and deliveries. Read through a
 * short cache: every delivery asks, and a deprecation made on another replica shows within {@link #FRESHNESS}.
 */
@ApplicationScoped
public class Deprecations {

    static final Duration FRESHNESS = Duration.ofSeconds(5);

    @Inject
    EventTypeCatalogue catalogue;
    /** One entry per type version ever asked about: bounded by the catalogue's size. */
    private final Map<TypeVersion, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(Optional<Instant> at, Instant readAt) {
    }

    public Uni<Optional<Instant>> deprecatedAt(String eventType, int version) {
        TypeVersion key = new TypeVersion(eventType, version);
        Cached cached = cache.get(key);
        if (cached != null && cached.readAt().plus(FRESHNESS).isAfter(Instant.now())) {
            return Uni.createFrom().item(cached.at());
        }
        return catalogue.deprecatedAt(eventType, version).invoke(at -> cache.put(key, new Cached(at, Instant.now())));
    }

    void forget(String eventType, int version) {
        cache.remove(new TypeVersion(eventType, version));
    }
}
