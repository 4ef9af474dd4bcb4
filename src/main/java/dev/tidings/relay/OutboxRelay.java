package dev.tidings.relay;

import dev.tidings.background.BackgroundLoop;
import dev.tidings.background.PgNotifications;
import dev.tidings.background.PipelinedTransaction;
import dev.tidings.config.EventsConfig;
import dev.tidings.event.Timestamps;
import dev.tidings.relay.KafkaPublisher.Publication;
import dev.tidings.relay.KafkaPublisher.Refused;
import dev.tidings.tracing.TraceContext;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * Moves committed outbox rows to Kafka, at least once, and makes them visible in the event log.
 *
 * <p>Each round is one transaction: lock the relay cursor row (other replicas skip while it is held),
 * claim the oldest unpublished rows a batch at a time, sending each batch as soon as it is claimed and
 * claiming the next while Kafka's answers to the earlier ones are pending (up to {@link #PIPELINE_DEPTH}
 * batches: at once after a full claim, after a short one when more events commit in this process; each batch's
 * records reach the producer after the previous batch's, and not at all when those could not). The batches get
 * consecutive sequences in id order: while a backlog drains, each as soon as it is claimed, while Kafka works on it
 * (not after a round that failed, until one commits); otherwise once Kafka has answered it. The round commits once
 * Kafka acknowledged every record. Because the cursor lock is held until commit, no batch can commit a smaller
 * sequence after a larger one became visible, and nothing numbered is visible before Kafka has it. If the process
 * dies before the commit, the lock and claims vanish with its connection and the rows are published again
 * (consumers deduplicate on eventId). A record Kafka refuses for good is moved to the quarantine table in the same
 * transaction (it never gets a sequence: the round's numbering is taken back to a savepoint and done again without
 * it), so it cannot hold back the rows behind it; any other failure, or no answer within
 * {@code events.outbox.publish-timeout}, rolls the whole round back to be tried again.
 *
 * <p>It is woken at once when a write of the API that appended events commits in this process
 * ({@link #eventsCommitted}), and every {@code events.outbox.poll-interval} for the rest. When another replica's
 * relay holds the cursor at that moment, this one tells it with a NOTIFY (see {@link #eventsCommitted}).
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);

    /** Tells SSE streams and other listeners that the log grew; the payload is the last sequence. */
    public static final String PUBLISHED_CHANNEL = "events_published";
    /** Tells the relay that holds the cursor that another replica committed events it may not have claimed. */
    static final String APPENDED_CHANNEL = "outbox_appended";
    private static final String NOTIFY_APPENDED = "select pg_notify('" + APPENDED_CHANNEL + "', '')";
    /** A batch waits at most for Kafka's acknowledgements; well inside quarkus.shutdown.timeout. */
    private static final Duration SHUTDOWN_PATIENCE = Duration.ofSeconds(10);
    /**
     * PostgreSQL ends a relay transaction left idle longer than the publish timeout plus this margin (the
     * statements after the acknowledgements, a GC pause), so a stalled relay cannot hold the cursor lock.
     */
    private static final Duration IDLE_TRANSACTION_MARGIN = Duration.ofSeconds(20);

    /** Batches claimed ahead while Kafka's answers to the ones before are pending, all in one transaction. */
    static final int PIPELINE_DEPTH = 4;

    /** $1 the idle timeout of this transaction, set in the same round trip (no row, no timeout: the round ends at once). */
    private static final String LOCK_CURSOR = """
            select last_sequence, set_config('idle_in_transaction_session_timeout', $1, true)
            from relay_cursor where id = 1 for update skip locked""";
    /**
     * $2: the last id claimed before in this transaction (those rows are still unnumbered). The rows are not
     * locked: holding the cursor row already makes this the only relay claiming, and nothing else changes or
     * removes a row before it is numbered (a row lock is a heap write and a WAL record per event).
     */
    private static final String CLAIM = """
            select id, event_id, event_type, subject, source, occurred_at, envelope, account_id, traceparent, tracestate from outbox
            where sequence is null and id > $2 order by id limit $1""";
    /**
     * $1 the ids in order, numbered after $2; $3 the new last sequence, which the cursor keeps and the notification
     * (sent on commit) tells: one round trip.
     */
    private static final String MAKE_VISIBLE = """
            with numbered as (
              update outbox o set sequence = $2 + t.ordinality, published_at = now()
              from unnest($1::bigint[]) with ordinality as t(id, ordinality) where o.id = t.id),
            advanced as (update relay_cursor set last_sequence = $3 where id = 1)
            select pg_notify('%s', $3::text)""".formatted(PUBLISHED_CHANNEL);
    /**
     * Set before a round's first numbering. Numbering a batch before Kafka answers for it keeps PostgreSQL working
     * while Kafka does (the numbering is most of a round's time in PostgreSQL); when Kafka refuses a record, the round
     * goes back here and numbers what it acknowledged.
     */
    private static final String BEFORE_NUMBERING = "savepoint numbering";
    private static final String BACK_TO_BEFORE_NUMBERING = "rollback to savepoint numbering";
    // An event put back into the outbox by hand and refused again replaces its earlier quarantine record.
    private static final String QUARANTINE = """
            with refused as (select * from unnest($1::bigint[], $2::varchar[]) as r(id, reason)),
            moved as (delete from outbox o using refused r where o.id = r.id
                      returning o.id, o.event_id, o.event_type, o.version, o.source, o.subject, o.occurred_at, o.envelope, o.account_id, r.reason)
            insert into outbox_quarantine (id, event_id, event_type, version, source, subject, occurred_at, envelope,
                                           account_id, quarantined_at, quarantine_reason)
            select id, event_id, event_type, version, source, subject, occurred_at, envelope, account_id, now(), reason from moved
            on conflict (event_id) do update set id = excluded.id, quarantined_at = excluded.quarantined_at,
                quarantine_reason = excluded.quarantine_reason""";

    private final Pool pool;
    private final KafkaPublisher publisher;
    private final RelayMetrics metrics;
    private final PgNotifications notifications;
    private final int batchSize;
    private final Duration pollInterval;
    private final String idleTransactionTimeoutMillis;
    private final BackgroundLoop loop = new BackgroundLoop("Outbox relay", this::drainUntilEmpty);
    /** Events committed in this process since this relay last took the cursor (or told its holder). */
    private final AtomicBoolean committedHere = new AtomicBoolean();
    private final BackgroundLoop tellHolder;
    /** Completed when events commit in this process while a round waits for Kafka's answer to a short claim. */
    private final AtomicReference<CompletableFuture<Void>> commitDuringRound = new AtomicReference<>();
    /**
     * Whether this relay held the cursor in its last round: then it most likely holds it again, and its first claim goes
     * out with the cursor's lock. A replica that does not hold it sends no claim it would only throw away.
     */
    private volatile boolean heldCursor = true;
    /**
     * Whether Kafka answered this relay's last round that claimed events: only then can a round's batches be numbered
     * before Kafka's answers. While Kafka is out every round fails, and numbering ahead would write (and roll back) a new version
     * of every claimed row each time.
     */
    private volatile boolean kafkaAnswered = true;

    public OutboxRelay(Pool pool, KafkaPublisher publisher, RelayMetrics metrics, PgNotifications notifications,
                       EventsConfig config) {
        this.pool = pool;
        this.publisher = publisher;
        this.metrics = metrics;
        this.notifications = notifications;
        this.batchSize = config.outbox().batchSize();
        this.pollInterval = config.outbox().pollInterval();
        this.idleTransactionTimeoutMillis = Long.toString(config.outbox().publishTimeout().plus(IDLE_TRANSACTION_MARGIN).toMillis());
        this.tellHolder = new BackgroundLoop("Outbox relay's notification", () -> pool.query(NOTIFY_APPENDED).execute().replaceWithVoid()
                .onFailure().recoverWithItem(failure -> {
                    LOG.debugf("The cursor's holder was not notified; its poll finds the events: %s", failure);
                    return null;
                }));
    }

    /**
     * A write that appended events committed in this process. This relay relays them; if another replica's
     * relay holds the cursor, its next claim may already have passed, so this one notifies it (all relays
     * LISTEN) to claim once more. A notification inside the writing transaction would reach every relay too,
     * but would make the commits of all event writes take turns; here one is sent only when the cursor is
     * taken elsewhere, and never for a notification's own wake-up (no echo).
     */
    public void eventsCommitted() {
        committedHere.set(true);
        CompletableFuture<Void> round = commitDuringRound.getAndSet(null);
        if (round != null) {
            round.complete(null);
        }
        loop.wake();
    }

    void start(@Observes StartupEvent startup) {
        notifications.listen(APPENDED_CHANNEL, loop::wake);
        loop.start(pollInterval);
    }

    /** On SIGTERM: let the batch in flight commit, so another replica does not publish it again. */
    void stop(@Observes ShutdownEvent shutdown) {
        loop.stop(SHUTDOWN_PATIENCE);
    }

    private Uni<Void> drainUntilEmpty() {
        return relayBatch().chain(more -> more ? drainUntilEmpty() : Uni.createFrom().voidItem());
    }

    /**
     * Relays up to {@link #PIPELINE_DEPTH} batches in one transaction; answers whether more may be waiting (the last
     * claim was full). Each batch is sent as soon as it is claimed (and numbered, while a backlog drains), and the next
     * one is claimed while Kafka's answers to those before are pending; sequences follow ids exactly as if each batch
     * had been relayed alone, and the round commits once Kafka has answered every batch.
     */
    Uni<Boolean> relayBatch() {
        return PipelinedTransaction.withTransaction(pool, connection -> {
                    Uni<RowSet<Row>> cursor = PipelinedTransaction.sendNow(connection.preparedQuery(LOCK_CURSOR).execute(Tuple.of(idleTransactionTimeoutMillis)));
                    // the first claim goes out with the lock, in the same round trip, when this relay held the cursor last time
                    Claim first = heldCursor ? claimNow(connection, 0L) : null;
                    return cursor.chain(rows -> {
                        heldCursor = rows.iterator().hasNext();
                        if (!heldCursor) {
                            if (first != null) {
                                doneWith(first);
                            }
                            if (committedHere.getAndSet(false)) {
                                tellHolder.wake();
                            }
                            return Uni.createFrom().item(Batch.NONE);
                        }
                        committedHere.set(false); // this relay holds the cursor: what committed here is claimed in this round or wakes the next
                        long lastSequence = rows.iterator().next().getLong(0);
                        return claimAhead(connection, new Window(lastSequence, kafkaAnswered, batchSize), first != null ? first : claimNow(connection, 0L))
                                .chain(window -> settle(connection, window));
                    });
                })
                .onFailure().invoke(failure -> kafkaAnswered = false)
                .invoke(this::committed)
                .map(Batch::full);
    }

    /** A claim sent, and the commits in this process from just before it was sent on. */
    private record Claim(long after, Uni<List<PendingEvent>> events, CompletableFuture<Void> commit) {
    }

    /** What commits from now on is no longer the claim's concern. */
    private void doneWith(Claim claim) {
        commitDuringRound.compareAndSet(claim.commit(), null);
    }

    /** Sends a claim of the events after {@code after} now; what commits while it runs is claimed next. */
    private Claim claimNow(SqlConnection connection, long after) {
        CompletableFuture<Void> commit = new CompletableFuture<>();
        commitDuringRound.set(commit); // before the claim: what commits while it runs is claimed next
        return new Claim(after, PipelinedTransaction.sendNow(claim(connection, after)), commit);
    }

    /** A claimed batch whose records are on their way to Kafka, and its numbering, sent ahead of Kafka's answers. */
    private record InFlight(List<PendingEvent> events, Publication publication, Uni<List<Refused>> answers, Uni<Void> numbered) {
    }

    /**
     * The round's batches in claim order, numbered from the cursor's last sequence on: ahead of Kafka's answers when a
     * backlog drains (the round's first claim was full, {@code fullBatch} rows) and Kafka answered the last round. With
     * a batch or two of events claimed as they commit, Kafka's answer is most of a round and the numbering little, so
     * those rounds number after the answers and spare PostgreSQL the savepoint.
     */
    private record Window(long lastSequence, boolean kafkaAnswered, int fullBatch, List<InFlight> batches) {
        Window(long lastSequence, boolean kafkaAnswered, int fullBatch) {
            this(lastSequence, kafkaAnswered, fullBatch, new ArrayList<>());
        }

        /** Whether this round numbers ahead, {@code next} being the claimed batch about to join it. */
        boolean numbersAhead(List<PendingEvent> next) {
            return kafkaAnswered && (isEmpty() ? next : batches.get(0).events()).size() == fullBatch;
        }

        boolean numbersAhead() {
            return !isEmpty() && numbersAhead(List.of());
        }

        boolean isEmpty() {
            return batches.isEmpty();
        }

        InFlight last() {
            return batches.get(batches.size() - 1);
        }

        /** The last sequence before the next batch's. */
        long numberedUpTo() {
            return lastSequence + batches.stream().mapToInt(batch -> batch.events().size()).sum();
        }
    }

    /**
     * Sends (and numbers, see {@link Window}) the claimed batch and claims on until the window is full or a claim comes
     * back empty. After a claim that is not full it waits for Kafka's answer to the window's last batch, but claims again
     * at once if events commit in this process meanwhile: they are on their way in this round instead of waiting for it
     * to end and then for a round of their own.
     */
    private Uni<Window> claimAhead(SqlConnection connection, Window window, Claim claim) {
        return claim.events().chain(events -> {
            if (events.isEmpty()) {
                // Not the end of the window while an answer is pending: a claim may find a write before its writer's
                // signal comes, and that late signal then brings an empty claim, not the next write's events
                return window.isEmpty() ? Uni.createFrom().item(window) : answerOrCommit(connection, window, claim.after(), claim.commit());
            }
            Publication publication = send(events, window);
            long last = events.get(events.size() - 1).id();
            boolean claimOn = events.size() == batchSize && window.batches().size() + 1 < PIPELINE_DEPTH;
            Claim next = claimOn ? claimNow(connection, last) : null; // the next claim goes out ahead of this numbering
            window.batches().add(new InFlight(events, publication, answersOf(publication), numberAhead(connection, events, window)));
            if (next != null) {
                return claimAhead(connection, window, next);
            }
            return window.batches().size() == PIPELINE_DEPTH ? Uni.createFrom().item(window)
                    : answerOrCommit(connection, window, last, claim.commit());
        }).eventually(() -> doneWith(claim));
    }

    /** The window as it is once Kafka answered its last batch, or claimed on from {@code after} if a commit comes first. */
    private Uni<Window> answerOrCommit(SqlConnection connection, Window window, long after, CompletableFuture<Void> commit) {
        Uni<Boolean> committed = CallerContext.returnTo(Uni.createFrom().completionStage(commit).replaceWith(true));
        return Uni.combine().any().of(window.last().answers().replaceWith(false), committed)
                .chain(claimAgain -> claimAgain ? claimAhead(connection, window, claimNow(connection, after)) : Uni.createFrom().item(window));
    }

    /** Sends now, behind the window's batches (the answers are read when the round is settled). */
    private Publication send(List<PendingEvent> events, Window window) {
        return window.isEmpty() ? publisher.publish(events) : publisher.publish(events, window.last().publication());
    }

    private static Uni<List<Refused>> answersOf(Publication publication) {
        Uni<List<Refused>> answers = publication.answers().memoize().indefinitely();
        answers.subscribe().with(ignored -> { }, ignored -> { });
        return answers;
    }

    /**
     * Numbers the batch after the window's batches now, if the window numbers ahead; the round's first numbering goes out
     * behind the savepoint.
     */
    private static Uni<Void> numberAhead(SqlConnection connection, List<PendingEvent> events, Window window) {
        if (!window.numbersAhead(events)) {
            return Uni.createFrom().voidItem();
        }
        Uni<Void> savepoint = window.isEmpty()
                ? PipelinedTransaction.sendNow(connection.query(BEFORE_NUMBERING).execute()).replaceWithVoid()
                : Uni.createFrom().voidItem();
        Uni<Void> numbered = PipelinedTransaction.sendNow(makeVisible(connection, events, window.numberedUpTo()));
        return savepoint.chain(() -> numbered);
    }

    /**
     * Waits for Kafka's answers and the numbering of every batch, in claim order. When Kafka refused a record, the
     * numbering goes back to the savepoint and the round settles batch by batch: what Kafka refused is quarantined and
     * the rest numbered again, so the sequence has no gap.
     */
    private Uni<Batch> settle(SqlConnection connection, Window window) {
        if (!window.numbersAhead()) {
            return settleBatchByBatch(connection, window);
        }
        Uni<Boolean> refusedAny = Uni.createFrom().item(false);
        for (InFlight batch : window.batches()) {
            refusedAny = refusedAny.chain(before -> batch.answers()
                    .chain(refused -> batch.numbered().replaceWith(before || !refused.isEmpty())));
        }
        return refusedAny.chain(refused -> {
            if (!refused) {
                Instant acknowledgedAt = Instant.now();
                return Uni.createFrom().item(window.batches().stream()
                        .map(batch -> new Batch(batch.events().size(), batch.events(), List.of(), acknowledgedAt, batch.events().size() == batchSize))
                        .reduce(Batch.NONE, Batch::and));
            }
            return connection.query(BACK_TO_BEFORE_NUMBERING).execute().chain(() -> settleBatchByBatch(connection, window));
        });
    }

    /**
     * Settles batch by batch in claim order, each as soon as Kafka answered it: numbering a batch overlaps Kafka's work
     * on the batches after it.
     */
    private Uni<Batch> settleBatchByBatch(SqlConnection connection, Window window) {
        Uni<Batch> settled = Uni.createFrom().item(Batch.NONE);
        for (InFlight batch : window.batches()) {
            settled = settled.chain(before -> batch.answers()
                    .chain(refused -> settle(connection, batch.events(), refused, window.lastSequence() + before.published().size()))
                    .map(before::and));
        }
        return settled;
    }

    /** Quarantines what Kafka refused and numbers the rest, in id order. */
    private Uni<Batch> settle(SqlConnection connection, List<PendingEvent> events, List<Refused> refused, long lastSequence) {
        Set<Long> refusedIds = refused.stream().map(r -> r.event().id()).collect(Collectors.toSet());
        List<PendingEvent> acknowledged = events.stream().filter(e -> !refusedIds.contains(e.id())).toList();
        Instant acknowledgedAt = Instant.now();
        return quarantine(connection, refused)
                .chain(() -> acknowledged.isEmpty() ? Uni.createFrom().voidItem() : makeVisible(connection, acknowledged, lastSequence))
                .replaceWith(new Batch(events.size(), acknowledged, refused, acknowledgedAt, events.size() == batchSize));
    }

    /** After the commit only: a batch rolled back neither published nor quarantined anything. */
    private void committed(Batch batch) {
        if (batch.claimed() > 0) {
            kafkaAnswered = true;
        }
        metrics.published(batch.published(), batch.acknowledgedAt());
        for (Refused refusal : batch.quarantined()) {
            PendingEvent event = refusal.event();
            LOG.errorf("Quarantined event %s of type %s (outbox id %d), Kafka refuses it: %s",
                    event.eventId(), event.eventType(), event.id(), refusal.reason());
        }
        metrics.quarantined(batch.quarantined().size());
    }

    private static Uni<Void> quarantine(SqlConnection connection, List<Refused> refused) {
        if (refused.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Long[] ids = refused.stream().map(r -> r.event().id()).toArray(Long[]::new);
        String[] reasons = refused.stream().map(Refused::reason).toArray(String[]::new);
        return connection.preparedQuery(QUARANTINE).execute(Tuple.of(ids, reasons)).replaceWithVoid();
    }

    private Uni<List<PendingEvent>> claim(SqlConnection connection, long after) {
        return connection.preparedQuery(CLAIM).execute(Tuple.of(batchSize, after)).map(OutboxRelay::pendingEvents);
    }

    private static Uni<Void> makeVisible(SqlConnection connection, List<PendingEvent> events, long lastSequence) {
        Long[] ids = events.stream().map(PendingEvent::id).toArray(Long[]::new);
        long newLast = lastSequence + events.size();
        return connection.preparedQuery(MAKE_VISIBLE).execute(Tuple.of(ids, lastSequence, newLast)).replaceWithVoid();
    }

    private static List<PendingEvent> pendingEvents(RowSet<Row> rows) {
        List<PendingEvent> events = new ArrayList<>(rows.size());
        for (Row row : rows) {
            Instant occurredAt = row.getOffsetDateTime("occurred_at").toInstant();
            events.add(new PendingEvent(row.getLong("id"), row.getUUID("event_id").toString(), row.getString("event_type"),
                    row.getString("subject"), occurredAt, Timestamps.format(occurredAt), row.getString("source"),
                    row.getString("envelope"), row.getUUID("account_id"),
                    TraceContext.parse(row.getString("traceparent"), row.getString("tracestate"))));
        }
        return events;
    }

    /** What one batch (or a window of them) did: rows claimed, published (acknowledged and numbered) and quarantined. */
    private record Batch(int claimed, List<PendingEvent> published, List<Refused> quarantined, Instant acknowledgedAt, boolean full) {
        static final Batch NONE = new Batch(0, List.of(), List.of(), Instant.EPOCH, false);

        /** This batch, then {@code next}: more may wait if the later one was full. */
        Batch and(Batch next) {
            List<PendingEvent> allPublished = new ArrayList<>(published);
            allPublished.addAll(next.published());
            List<Refused> allQuarantined = new ArrayList<>(quarantined);
            allQuarantined.addAll(next.quarantined());
            return new Batch(claimed + next.claimed(), allPublished, allQuarantined, next.acknowledgedAt(), next.full());
        }
    }
}
