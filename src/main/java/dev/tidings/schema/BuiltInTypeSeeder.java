package dev.tidings.schema;

import dev.tidings.event.BuiltInEventType;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.Arrays;

/**
 * Copies the built-in types into the catalogue at startup, idempotently, on every replica, so the
 * catalogue lists them. Nothing waits for it: built-in schemas are served from the classpath.
 */
@ApplicationScoped
public class BuiltInTypeSeeder {

    private static final Logger LOG = Logger.getLogger(BuiltInTypeSeeder.class);

    @Inject
    Pool pool;
    @Inject
    EventTypeCatalogue catalogue;

    void seed(@Observes StartupEvent startup) {
        Uni.join().all(Arrays.stream(BuiltInEventType.values()).map(this::seed).toList()).andCollectFailures()
                .subscribe().with(ignored -> LOG.debug("Built-in event types registered"),
                        failure -> LOG.errorf("Registering the built-in event types failed: %s", failure.toString()));
    }

    private Uni<Void> seed(BuiltInEventType type) {
        return pool.withTransaction(c -> catalogue.insertType(c, type.wireName(), type.description(), true)
                .chain(() -> Uni.join().all(type.versions().stream()
                        .map(version -> catalogue.insertVersion(c, type.wireName(), version,
                                BuiltInSchemas.of(type.wireName(), version).orElseThrow()))
                        .toList()).andFailFast())
                .replaceWithVoid());
    }
}
