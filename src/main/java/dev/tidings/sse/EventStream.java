package dev.tidings.sse;

import dev.tidings.account.Scope;
import dev.tidings.event.TypeFilter;
import dev.tidings.eventlog.EventLog;
import dev.tidings.eventlog.LogEntry;
import io.smallrye.mutiny.Multi;
import io.vertx.core.http.HttpConnection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One client's stream of frames: a first comment, then the replay from the log after Last-Event-ID, then the
 * live feed, with no gap and no duplicate, and a keepalive comment at every heartbeat. The live subscription is
 * made before the replay starts, so every event the replay does not reach arrives live; at the seam, events the
 * replay already sent are dropped by sequence (a frame's id).
 */
@ApplicationScoped
public class EventStream {

    private static final int REPLAY_PAGE = 500;
    private static final long RECONNECT_MILLIS = 3000;

    @Inject
    EventLog log;
    @Inject
    LiveFeed feed;
    private volatile LiveFeed.Frames<OutboundSseEvent> sharedFrames;

    /**
     * Events of the scope matching {@code types}, after {@code lastEventId} when given, else from now on, as
     * frames built by {@code sse}, written to {@code connection}; {@code onEnd} runs once when the stream ends, however
     * it ends.
     */
    public Multi<OutboundSseEvent> open(Sse sse, Scope scope, TypeFilter types, Long lastEventId, HttpConnection connection,
                                         Runnable onEnd) {
        LiveFeed.Frames<OutboundSseEvent> frames = frames(sse);
        OutboundSseEvent hello = sse.newEventBuilder().comment("connected").reconnectDelay(RECONNECT_MILLIS).build();
        if (lastEventId == null) {
            // Straight from the listener's buffer, with no operator in between (see LiveFeed)
            return feed.listen(scope, types, frames, hello, connection, onEnd).frames();
        }
        LiveFeed.Listener<OutboundSseEvent> live = feed.listen(scope, types, frames, null, connection, onEnd);
        AtomicLong lastSent = new AtomicLong(lastEventId);
        return Multi.createBy().concatenating().streams(Multi.createFrom().item(hello), replay(scope, types, lastEventId)
                                .map(entry -> frame(sse, entry)), live.frames())
                .select().where(frame -> frame.getId() == null || Long.parseLong(frame.getId()) > lastSent.get())
                .invoke(frame -> {
                    if (frame.getId() != null) {
                        lastSent.set(Long.parseLong(frame.getId()));
                    }
                })
                .onTermination().invoke(live::close); // also when the replay fails before the live frames were taken
    }

    /** One for all streams, so that each event's frame is built once (any request's Sse builds the same frames). */
    private LiveFeed.Frames<OutboundSseEvent> frames(Sse sse) {
        LiveFeed.Frames<OutboundSseEvent> shared = sharedFrames;
        if (shared == null) {
            shared = new LiveFeed.Frames<>(entry -> frame(sse, entry), sse.newEventBuilder().comment("keepalive").build());
            sharedFrames = shared;
        }
        return shared;
    }

    private static OutboundSseEvent frame(Sse sse, LogEntry entry) {
        return sse.newEventBuilder()
                .id(Long.toString(entry.sequence()))
                .name(entry.eventType())
                .data(String.class, entry.event())
                .build();
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
