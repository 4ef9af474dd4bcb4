package dev.tidings.relay;

import dev.tidings.background.PgNotifications;
import dev.tidings.config.EventsConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.time.Duration;

/**
 * Wakes the relay: at once when an outbox insert commits (a trigger on the outbox sends a PostgreSQL
 * NOTIFY, from any replica), and every {@code events.outbox.poll-interval} as a fallback.
 */
@ApplicationScoped
public class RelayTriggers {

    /** Raised by the outbox's insert trigger (see the migrations). */
    static final String APPENDED_CHANNEL = "outbox_appended";

    private final OutboxRelay relay;
    private final PgNotifications notifications;
    private final Duration pollInterval;
    private Cancellable ticks;

    public RelayTriggers(OutboxRelay relay, PgNotifications notifications, EventsConfig config) {
        this.relay = relay;
        this.notifications = notifications;
        this.pollInterval = config.outbox().pollInterval();
    }

    void start(@Observes StartupEvent startup) {
        notifications.listen(APPENDED_CHANNEL, relay::wake);
        ticks = Multi.createFrom().ticks().every(pollInterval).onOverflow().drop().subscribe().with(tick -> relay.wake());
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (ticks != null) {
            ticks.cancel();
        }
    }
}
