package dev.tidings.sse;

import dev.tidings.account.Scope;
import dev.tidings.event.TypeFilter;
import dev.tidings.eventlog.EventLog;
import dev.tidings.eventlog.LogEntry;
import io.smallrye.mutiny.Multi;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One client's stream: replay from the log after Last-Event-ID, then the live feed, with no gap and no
 * duplicate. The live subscription is made before the replay starts, so every event the replay does
 * not reach arrives live; at the seam, events the replay already sent are dropped by sequence.
 */
@ApplicationScoped
public class EventStream {

    private static final int REPLAY_PAGE = 500;

    @Inject
    EventLog log;
    @Inject
    LiveFeed feed;

    /** This instance's heartbeat, which ends with the streams when the instance shuts down. */
    public Multi<Long> heartbeats() {
        return feed.heartbeats();
    }

    /** Events of the scope matching {@code types}, after {@code lastEventId} when given, else from now on. */
    public Multi<LogEntry> open(Scope scope, TypeFilter types, Long lastEventId) {
        LiveFeed.Listener live = feed.listen(scope, types);
        if (lastEventId == null) {
            // No replay, so no seam to guard: every per-item operator costs each frame a context-propagation
            // round (OpenTelemetry, MDC), which at thousands of streams is much of a broadcast's CPU
            return live.events().onTermination().invoke(live::close);
        }
        AtomicLong lastSent = new AtomicLong(lastEventId);
        return Multi.createBy().concatenating().streams(replay(scope, types, lastEventId), live.events())
                .select().where(entry -> entry.sequence() > lastSent.get())
                .invoke(entry -> lastSent.set(entry.sequence()))
                .onTermination().invoke(live::close);
    }

    private Multi<LogEntry> replay(Scope scope, TypeFilter types, long after) {
        AtomicLong cursor = new AtomicLong(after);
        return Multi.createBy().repeating()
                .uni(() -> log.after(scope, types, null, cursor.get(), REPLAY_PAGE)
                        .map(EventLog.Slice::entries)
                        .invoke(page -> {
                            if (!page.isEmpty()) {
                                cursor.set(page.get(page.size() - 1).sequence());
                            }
                        }))
                .until(List::isEmpty)
                .onItem().disjoint();
    }
}
