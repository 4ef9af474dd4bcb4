package dev.tidings.sse;

import dev.tidings.account.Scope;
import dev.tidings.background.BackgroundLoop;
import dev.tidings.background.PgNotifications;
import dev.tidings.config.EventsConfig;
import dev.tidings.event.TypeFilter;
import dev.tidings.eventlog.EventLog;
import dev.tidings.eventlog.LogEntry;
import dev.tidings.relay.OutboxRelay;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.operators.multi.processors.UnicastProcessor;
import io.smallrye.mutiny.subscription.BackPressureFailure;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.impl.ContextInternal;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The one live feed of this instance: follows the event log by sequence (woken by the relay's
 * notification, polling as a fallback) and hands each new event, in sequence order, to every open
 * stream whose filter wants it. One database read serves all connections.
 *
 * <p>Each stream gets a bounded buffer, and the feed reads half a buffer at a time. Before reading on,
 * it waits until every buffer is at most half full again; a client that has not made that room within
 * {@link #SLOW_CLIENT_PATIENCE} is disconnected as too slow (it reconnects with Last-Event-ID and loses
 * nothing). So bursts reach fast clients whole, and no client grows the heap.
 *
 * <p>A listener hands its client frames, not events, and the feed's heartbeat goes through the same buffer:
 * every operator between the buffer and the client would cost each frame a context-propagation round
 * (OpenTelemetry, MDC), which at thousands of streams is much of a broadcast's CPU.
 *
 * <p>The feed hands each page of events to the streams of an event loop in tasks on that loop (a {@link Lane}), a
 * slice of streams per task: a frame is serialised and written by the thread that owns its connection, the loops do
 * that in parallel, a broadcast costs each loop one wake-up per slice rather than one per stream, and between slices
 * the loop answers its other requests.
 */
@ApplicationScoped
public class LiveFeed {

    /** How long the feed waits for a crowded client: longer delays every stream of this instance. */
    static final Duration SLOW_CLIENT_PATIENCE = Duration.ofSeconds(2);
    private static final Duration ROOM_CHECK = Duration.ofMillis(20);
    /**
     * Frames one task on an event loop hands to its streams (events times listeners) before the loop may do other work.
     * A broadcast of ten events to 9,000 streams in one task held a loop for 2.5 s here, so about 30 ms a slice.
     */
    private static final int OFFERS_PER_TASK = 1024;
    private static final Logger LOG = Logger.getLogger(LiveFeed.class);

    private final EventLog log;
    private final PgNotifications notifications;
    private final EventsConfig config;

    private final Set<Listener<?>> listeners = ConcurrentHashMap.newKeySet();
    private final AtomicLong serials = new AtomicLong();
    /** The listeners by the event loop (its root context) their stream was opened on, and those opened off any loop. */
    private final Map<Context, Lane> lanes = new ConcurrentHashMap<>();
    private final Lane offLoop = new Lane(null);
    private final Counter slowClients;
    /** Half a client buffer per read: a client that keeps up never overflows on one burst. */
    private final int page;
    private final BackgroundLoop loop = new BackgroundLoop("SSE live feed", this::readNew);
    private volatile long position = -1;
    private volatile boolean ending;
    private Cancellable heartbeatTicks;

    public LiveFeed(EventLog log, PgNotifications notifications, EventsConfig config, MeterRegistry registry) {
        this.log = log;
        this.notifications = notifications;
        this.config = config;
        this.page = Math.max(1, config.sse().clientBuffer() / 2);
        registry.gaugeCollectionSize("events.sse.connections", List.of(), listeners);
        this.slowClients = Counter.builder("events.sse.slow.clients").description("SSE clients disconnected for not keeping up")
                .register(registry);
    }

    /**
     * How listeners' clients are written to: the frame of each event, and the heartbeat's keepalive. Listeners
     * that share one get each event's frame built once: the feed hands an event to every listener in turn.
     */
    static final class Frames<T> {
        private final Function<LogEntry, T> build;
        private final T keepalive;
        private volatile Built<T> last;

        Frames(Function<LogEntry, T> build, T keepalive) {
            this.build = build;
            this.keepalive = keepalive;
        }

        T event(LogEntry entry) {
            Built<T> built = last;
            if (built == null || built.entry() != entry) {
                built = new Built<>(entry, build.apply(entry));
                last = built;
            }
            return built.frame();
        }

        T keepalive() {
            return keepalive;
        }

        private record Built<T>(LogEntry entry, T frame) {
        }
    }

    /** A stream's subscription to the feed: buffers from the moment it is made. */
    final class Listener<T> {
        private final Scope scope;
        private final TypeFilter types;
        private final Frames<T> frames;
        private final Runnable onClose;
        private final Lane lane;
        /** Orders the lane's listeners so that those of one connection are next to each other (see {@link Lane}). */
        private final int connection;
        private final long serial = serials.incrementAndGet();
        /** Linked, not an array: an idle stream holds no empty slots (an array of 1024 is 4 KiB per stream). */
        private final LinkedBlockingQueue<T> queue = new LinkedBlockingQueue<>(config.sse().clientBuffer());
        private final UnicastProcessor<T> buffer = UnicastProcessor.create(queue, this::close);
        private final AtomicBoolean closed = new AtomicBoolean();

        private Listener(Scope scope, TypeFilter types, Frames<T> frames, Runnable onClose, Lane lane, HttpConnection connection) {
            this.scope = scope;
            this.types = types;
            this.frames = frames;
            this.onClose = onClose;
            this.lane = lane;
            this.connection = System.identityHashCode(connection);
        }

        private boolean crowded() {
            return queue.size() > page;
        }

        private void disconnectAsTooSlow() {
            if (!closed.get()) {
                slowClients.increment();
            }
            buffer.onError(new BackPressureFailure("The client does not keep up with the stream"));
        }

        /** The frames, from the one given to {@link #listen} on; ends when the client goes, or the instance stops. */
        Multi<T> frames() {
            return buffer;
        }

        /** Leaves the feed (once): when the frames end, or the stream ends before taking them. */
        void close() {
            if (closed.compareAndSet(false, true)) {
                listeners.remove(this);
                lane.members.remove(this);
                onClose.run();
            }
        }

        // Synchronized with heartbeat(): each checks the room before it pushes, and a push into a full buffer fails the stream
        private synchronized void offer(LogEntry entry) {
            if (!closed.get() && scope.includes(entry.account()) && types.matches(entry.eventType())) {
                // Full means the client left a whole buffer unread (heartbeats only go into free room): it is too slow
                if (queue.remainingCapacity() == 0) {
                    disconnectAsTooSlow();
                } else {
                    buffer.onNext(frames.event(entry));
                }
            }
        }

        /** A keepalive, unless the buffer is full: then the client has frames to read anyway. */
        private synchronized void heartbeat() {
            if (!closed.get() && queue.remainingCapacity() > 0) {
                buffer.onNext(frames.keepalive());
            }
        }
    }

    /**
     * A listener whose frames start with {@code first} (when not null), then every event of {@code scope} that
     * {@code types} takes and the heartbeats, written to {@code connection}; {@code onClose} runs once when it leaves
     * the feed.
     */
    <T> Listener<T> listen(Scope scope, TypeFilter types, Frames<T> frames, T first, HttpConnection connection, Runnable onClose) {
        Listener<T> listener = new Listener<>(scope, types, frames, onClose, laneOfCurrentLoop(), connection);
        if (first != null) {
            listener.buffer.onNext(first); // before the feed can offer it anything
        }
        listeners.add(listener);
        listener.lane.members.add(listener);
        if (ending) {
            listener.buffer.onComplete(); // shutting down: the client is to reconnect elsewhere
        }
        return listener;
    }

    void start(@Observes StartupEvent startup) {
        notifications.listen(OutboxRelay.PUBLISHED_CHANNEL, loop::wake);
        loop.start(config.sse().pollInterval());
        Duration heartbeat = config.sse().heartbeatInterval();
        heartbeatTicks = Multi.createFrom().ticks().startingAfter(heartbeat).every(heartbeat).onOverflow().drop()
                .subscribe().with(tick -> {
                    offLoop.heartbeat();
                    lanes.values().forEach(Lane::heartbeat);
                });
    }

    /**
     * When shutdown begins (before the HTTP server waits for open requests), every stream completes, so
     * its client reconnects with Last-Event-ID, to another replica, and graceful shutdown is not held up.
     */
    void endStreams(@Observes ShutdownDelayInitiatedEvent shutdownBegins) {
        endStreams();
    }

    void stop(@Observes ShutdownEvent shutdown) {
        loop.stop(Duration.ZERO);
        endStreams();
    }

    private void endStreams() {
        ending = true;
        if (heartbeatTicks != null) {
            heartbeatTicks.cancel();
        }
        listeners.forEach(listener -> listener.buffer.onComplete());
    }

    /** Reads what the log gained since the last read and broadcasts it, oldest first. */
    private Uni<Void> readNew() {
        // With no stream open there is nobody to hand events to: follow the head instead of reading the log, so a
        // stream opened later starts from its own moment rather than behind a backlog nobody watched. Checked again
        // when the head arrives: a stream that opened meanwhile may need events up to it, so then nothing is skipped.
        if (position < 0 || listeners.isEmpty()) {
            boolean starting = position < 0;
            return log.head().invoke(head -> {
                if (starting || listeners.isEmpty()) {
                    position = head;
                }
            }).replaceWithVoid();
        }
        return log.following(position, page).chain(slice -> {
            List<LogEntry> entries = slice.entries();
            if (!entries.isEmpty()) {
                position = entries.get(entries.size() - 1).sequence();
            }
            return broadcast(entries)
                    .chain(() -> slice.more() ? waitForRoom().chain(this::readNew) : Uni.createFrom().voidItem());
        });
    }

    /** Hands the events to every listener, each lane on its own loop; done when every lane has taken them all. */
    private Uni<Void> broadcast(List<LogEntry> entries) {
        if (entries.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Uni<Void>> handedOver = Stream.concat(Stream.of(offLoop), lanes.values().stream()).filter(Lane::busy)
                .map(lane -> lane.handOver(entries)).toList();
        return handedOver.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(handedOver).andCollectFailures().replaceWithVoid();
    }

    private Lane laneOfCurrentLoop() {
        Context context = Vertx.currentContext();
        if (context == null || !context.isEventLoopContext()) {
            return offLoop;
        }
        // The duplicated context of the request shares its event loop with the root one: one lane per loop's context
        return lanes.computeIfAbsent(((ContextInternal) context).unwrap(), Lane::new);
    }

    /**
     * The listeners opened on one event loop, which the feed hands events and heartbeats to in tasks on that loop, a
     * slice of listeners per task (see {@link SlicedTasks}); the listeners opened off any loop (none in the service:
     * streams open on their request's loop) are offered to on the feed's own thread. The listeners of one connection
     * (an HTTP/2 connection carries many streams) are next to each other, so that they mostly fall in one slice, and
     * the connection's frames leave in one flush (see {@link SharedConnectionFlushes}) rather than one per slice.
     */
    private final class Lane {
        private static final Comparator<Listener<?>> BY_CONNECTION = Comparator.<Listener<?>>comparingInt(listener -> listener.connection)
                .thenComparingLong(listener -> listener.serial);

        private final Context loop;
        private final Set<Listener<?>> members = new ConcurrentSkipListSet<>(BY_CONNECTION);

        private Lane(Context loop) {
            this.loop = loop;
        }

        private boolean busy() {
            return !members.isEmpty();
        }

        /**
         * A listener that joins meanwhile is not offered these events; it has been made after the feed read them, so
         * its replay (when it has one) reads them from the log.
         */
        private Uni<Void> handOver(List<LogEntry> entries) {
            int listenersPerTask = Math.max(1, OFFERS_PER_TASK / entries.size());
            return Uni.createFrom().emitter(done -> SlicedTasks.run(loop, List.copyOf(members), listenersPerTask,
                    listeners -> offer(entries, listeners), () -> done.complete(null)));
        }

        private void heartbeat() {
            if (busy()) {
                SlicedTasks.run(loop, List.copyOf(members), OFFERS_PER_TASK, listeners -> listeners.forEach(Listener::heartbeat), Lane::nothing);
            }
        }

        private static void nothing() {
        }

        /** On the calling thread; a listener that fails ends its own stream (its client reconnects), no other. */
        private void offer(List<LogEntry> entries, List<Listener<?>> listeners) {
            for (LogEntry entry : entries) {
                for (Listener<?> listener : listeners) {
                    try {
                        listener.offer(entry);
                    } catch (RuntimeException e) {
                        LOG.debugf(e, "An SSE stream failed to take event %d", entry.sequence());
                        listener.buffer.onError(e);
                    }
                }
            }
        }
    }

    /** Waits until every buffer can take another page; disconnects the clients that cannot make room in time. */
    private Uni<Void> waitForRoom() {
        if (listeners.stream().noneMatch(Listener::crowded)) {
            return Uni.createFrom().voidItem();
        }
        return Multi.createFrom().ticks().every(ROOM_CHECK)
                .select().where(tick -> listeners.stream().noneMatch(Listener::crowded))
                .toUni()
                .ifNoItem().after(SLOW_CLIENT_PATIENCE).recoverWithItem(0L)
                .invoke(() -> listeners.stream().filter(Listener::crowded).forEach(Listener::disconnectAsTooSlow))
                .replaceWithVoid();
    }
}
