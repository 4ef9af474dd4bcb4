package dev.tidings.webhook.delivery;

import dev.tidings.background.BackgroundLoop;
import dev.tidings.background.PipelinedTransaction;
import dev.tidings.background.PipelinedTransaction.Statement;
import dev.tidings.config.BoundedDatabasePool;
import dev.tidings.config.EventsConfig;
import dev.tidings.schema.Deprecations;
import dev.tidings.secrets.SecretCipher;
import dev.tidings.tracing.TraceContext;
import dev.tidings.webhook.DeliveryStatus;
import dev.tidings.webhook.SubscriptionStatus;
import dev.tidings.webhook.WebhookMetrics;
import dev.tidings.webhook.subscription.WebhookRepository;
import dev.tidings.webhook.subscription.WebhookSubscription;
import io.opentelemetry.api.trace.Span;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
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
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * Attempts due deliveries. Whenever it is woken (new deliveries, an attempt finished, the poll), it
 * claims as many due deliveries as it has free slots ({@code events.webhooks.concurrency}) and starts
 * their attempts; each finished attempt frees its slot, and wakes it again if its claim may have left
 * due deliveries behind. A success frees its slot when its response arrives, while its outcome is still
 * being recorded: the receiver has answered, and waiting for the recording as well would leave slots idle
 * (successes are recorded in batches, a few milliseconds later). At most as many successes as there are
 * slots wait for their recording beyond that; more take slots again.
 *
 * <p>A claim is a lease: it pushes {@code next_attempt_at} past the attempt's timeout and gives the row a
 * lease token. If this process dies mid-attempt, the delivery falls due again when the lease ends. Claims
 * of all replicas take turns (a transaction-scoped advisory lock), so the leases running per subscription
 * can be counted: a subscription never has more than {@code events.webhooks.concurrency-per-subscription}
 * attempts in flight, and one slow receiver never holds every slot. A claim does not count this instance's
 * successes still being recorded (their leases run until they are); another replica's count as in flight.
 */
@ApplicationScoped
public class DeliveryWorker {

    private static final Logger LOG = Logger.getLogger(DeliveryWorker.class);
    /** Beyond the attempt's own timeout: recording the last outcomes before the process exits. */
    private static final Duration SHUTDOWN_MARGIN = Duration.ofSeconds(2);
    private static final Duration RELEASE_PATIENCE = Duration.ofSeconds(5);
    private static final Duration IDLE_CHECK = Duration.ofMillis(20);
    /**
     * Outcomes recorded at once: one batch of successes and, each in a transaction of its own, the failures.
     * With every slot busy the worker still holds at most this many of the pool's connections (plus one for
     * a claim), leaving the rest to the API.
     */
    private static final int RECORDING_CONNECTIONS = 4;

    /**
     * Claims of every replica take turns on this lock (two-key advisory locks do not meet the outbox's one-key ones).
     * The claim is planned once for all arguments: PostgreSQL's own choice, a plan for each call's arguments, cost
     * about a third of a claim's time. That plan lasts as long as the connection, and the claim's tables may grow
     * from a handful of rows to thousands before they are analysed again (a burst of deliveries after a quiet
     * spell): planned while they were small, it would read a whole table for each claimed delivery (26 ms instead
     * of 2 for 22 deliveries among 10,000 subscriptions). So it reads them through their indexes only.
     */
    private static final String TAKE_TURN = """
            select pg_advisory_xact_lock(7, 1), set_config('plan_cache_mode', 'force_generic_plan', true),
              set_config('enable_seqscan', 'off', true)""";
    /**
     * $1 free slots, $2 lease in seconds, $3 slots per subscription, $4 the rate window in seconds, $5 the pending status,
     * $6 this instance's successes being recorded (their leases do not count as attempts in flight).
     * Elsewhere the statuses are written in, so that the plan, made once for all arguments, can use the index of pending
     * deliveries by due time. A subscription's own due deliveries must not be found through that index: planned while
     * few deliveries were pending, the claim walked it for each subscription, past every other subscription's (19 ms
     * instead of 2 for 22 deliveries among 10,000 subscriptions). With the status as an argument that index cannot
     * serve them, and the index by subscription, status and due time does.
     * {@code %3$s} gives the candidates: subscriptions with due deliveries and their oldest due time ({@code oldest}),
     * {@code %4$s} the order they are taken in (none: the order they come in, which the nested loops over them keep, so
     * the limit ends the search; the lookup of the subscription stays a lateral subquery with a limit for that reason);
     * see {@link #CLAIM_FROM_OLDEST} and {@link #CLAIM_FROM_NEXT}.
     * For each active candidate, its oldest due deliveries, as many (at most $1) as it has slots left and, if it
     * has a rate limit, as its requests that still count leave room for (the {@link SendWindow} decides for
     * each request when it leaves); the oldest of each candidate first, so that every candidate taken gets one, then
     * oldest first overall. Equal due times go by id: a recovery's deliveries share one due time and have ids in log order.
     * The update reaches the chosen rows, locked a moment before in the same statement, by their tuple id: looked up by
     * id, a plan made while the table's statistics were stale read a whole index for each row (an index whose last
     * column is the id: 33 ms a claim (median) in a burst to 10,000 subscriptions, against 2). A row updated elsewhere
     * after this statement began (before the lock) is then not claimed this time; its id guards the match.
     * Only subscriptions with pending deliveries are looked at, so idle subscriptions (thousands, say) cost a claim nothing;
     * and of those only the first $1 with room are searched and locked. The candidates are taken in order and each one's
     * room (its leases running, its recent requests) is counted through its own key as it comes, so a claim counts for
     * the few it needs, not for every candidate. A candidate whose due deliveries are all locked (by a recovery, say)
     * takes a place and yields none; the claim then leaves slots free that the next wake-up or poll fills.
     * Answers each leased delivery with its subscription's room, how many due deliveries were looked through
     * ({@code seen}; 0 when subscriptions were searched in turns), and what its attempt needs: its subscription's target, rate limit and
     * versions (read with the candidates, so no second lookup), event (null envelope if it went meanwhile), its own
     * trace context (a replay's) and its event's, and sealed signing secrets (newest first).
     */
    private static final String CLAIM = """
            with open as (
              select s.url, s.rate_limit, s.versions, w.*, least($3 - b.n, s.rate_limit - r.n) as room
              from (%3$s) w
              cross join lateral (select * from webhook_subscription where id = w.webhook_id and status = '%2$s' limit 1) s
              cross join lateral (
                select count(*) as n from webhook_delivery
                where webhook_id = s.id and lease_token is not null and status = '%1$s' and next_attempt_at > now()
                  and id <> all($6)) b
              cross join lateral (
                select count(*) as n from webhook_send
                where s.rate_limit is not null and webhook_id = s.id and sent_at > (select clock_timestamp() - $4 * interval '1 s')) r
              where least($3 - b.n, s.rate_limit - r.n) > 0 %4$s limit $1),
            chosen as (
              select due.id, due.ctid, due.next_attempt_at, open.* from open cross join lateral (
                select d.id, d.ctid, d.next_attempt_at from webhook_delivery d
                where d.webhook_id = open.webhook_id and d.status = $5 and d.next_attempt_at <= now()
                order by d.next_attempt_at, d.id limit least(open.room, $1) for update of d skip locked) due
              order by row_number() over (partition by open.webhook_id order by due.next_attempt_at, due.id) > 1,
                due.next_attempt_at, due.id limit $1),
            claimed as (
              update webhook_delivery d set next_attempt_at = now() + $2 * interval '1 s', lease_token = gen_random_uuid()
              from chosen where d.ctid = chosen.ctid and d.id = chosen.id
              returning d.*, room, seen, url, rate_limit, versions)
            select c.*, o.version, o.envelope, o.traceparent as event_traceparent, o.tracestate as event_tracestate, k.*
            from claimed c
            left join outbox o on o.event_id = c.event_id
            cross join lateral (
              select array_agg(sealed_secret order by created_at desc, id desc) as sealed_secrets,
                array_agg(key_fingerprint order by created_at desc, id desc) as key_fingerprints
              from webhook_secret where webhook_id = c.webhook_id and coalesce(expires_at, 'infinity') > now()) k""";
    /** {@link #CLAIM} among the subscriptions of the $7 oldest due deliveries (a few per free slot). */
    static final String CLAIM_FROM_OLDEST = claimAmong("""
            select webhook_id, min(next_attempt_at) as oldest, sum(count(*)) over () as seen
            from (select * from webhook_delivery where status = '%1$s' and next_attempt_at <= now() order by next_attempt_at limit $7) walk
            group by webhook_id order by oldest, webhook_id""", "order by oldest, webhook_id");
    /**
     * {@link #CLAIM} among the subscriptions with due deliveries, taken in turns: from the one after {@code $8}, the last
     * one the search before took deliveries of, to the last, then from the first up to {@code $8}, until $1 with room
     * are found (each gets at least one of its due deliveries, so none is passed over for another's older ones). They are
     * found by stepping through the index of pending deliveries by subscription, one lookup per subscription (its first
     * entry is its oldest), not by reading every due delivery: a subscription at its limit with a backlog of thousands (a
     * receiver that does not answer) would make every claim read that whole backlog (16 ms a claim behind 20,000 due
     * deliveries, 40 ms behind 100,000). Nor does it order them all by their oldest due delivery: at about 3 µs a step,
     * that cost 22 ms a claim with 6,700 subscriptions with due deliveries beside such a backlog; taken in turns, the
     * search stops once it has found enough (0.7 ms there), and every subscription's turn comes. A search that finds fewer
     * than $1 with room goes round every subscription with pending deliveries, due or not (20 ms with 6,700 of them).
     * It starts only if at least $7 deliveries are due: {@link #lease} passes how many the first claim looked through
     * when it leased nothing (fewer due means it saw them all, as when nothing is due), 1 when it searches in turns
     * only, else 0. Every step is the same keyed lookup, from a subscription's id on: a first step without a bound on
     * the subscription was planned, once, as reading and sorting every pending delivery (5 ms a claim in P7), so the
     * wrap-around starts from the nil UUID.
     */
    static final String CLAIM_FROM_NEXT = claimAmong("""
            with recursive searching as (
              select (select count(*) from (select from webhook_delivery where status = '%1$s' and next_attempt_at <= now() limit $7) due) >= $7 as yes),
            after as (
              select $8::uuid as webhook_id, null::timestamptz as next_attempt_at where (select yes from searching)
              union all
              select n.* from after p cross join lateral (
                select webhook_id, next_attempt_at from webhook_delivery
                where status = '%1$s' and webhook_id > p.webhook_id order by webhook_id, next_attempt_at limit 1) n),
            before (webhook_id, next_attempt_at) as (
              select '00000000-0000-0000-0000-000000000000'::uuid, null::timestamptz where (select yes from searching)
              union all
              select n.* from before p cross join lateral (
                select webhook_id, next_attempt_at from webhook_delivery
                where status = '%1$s' and webhook_id > p.webhook_id order by webhook_id, next_attempt_at limit 1) n
              where n.webhook_id <= $8)
            select webhook_id, next_attempt_at as oldest, 0 as seen from after where next_attempt_at <= now()
            union all
            select webhook_id, next_attempt_at, 0 from before where next_attempt_at <= now()""", "");
    /**
     * Due deliveries a claim first looks through, per free slot. When they leave slots free although more may be
     * due (their subscriptions have no room), the claim searches the subscriptions with due deliveries in turns.
     */
    private static final int LOOK_THROUGH_PER_SLOT = 4;
    /** How long claims search in turns only once the oldest due deliveries were found to have no room (see {@link InTurnsOnly}). */
    private static final Duration LOOK_AT_OLDEST_AGAIN = Duration.ofSeconds(1);
    private static final String FORGET_OLD_SENDS = "delete from webhook_send where sent_at < clock_timestamp() - interval '1 minute'";
    /** Sends older than a minute are forgotten at most this often (the rate window looks back just over a second). */
    private static final Duration FORGET_EVERY = Duration.ofSeconds(10);
    /**
     * A claim slower than this has its connection plan its statements again. A kept plan was made for the tables as they
     * were then: made while they were nearly empty (a quiet spell, a new deployment) it reads whole indexes once they
     * hold thousands of due deliveries, until an analyse replaces it, a minute or more later (16 ms per claim in a
     * burst of 10,000 deliveries to 10,000 subscriptions, against 2 when planned for the full tables).
     */
    private static final Duration SLOW_CLAIM = Duration.ofMillis(20);
    /**
     * Connections are told to plan again at most this often: on a machine too busy for any claim to take less than
     * {@link #SLOW_CLAIM}, planning again would only add to the load.
     */
    private static final Duration PLAN_AGAIN_EVERY = Duration.ofSeconds(1);
    private static final String PLAN_AGAIN = "discard plans";
    private static final String RELEASE = """
            update webhook_delivery set next_attempt_at = now(), lease_token = null where id = any($1) and status = $2""";

    private final Pool pool;
    private final WebhookRepository subscriptions;
    private final WebhookSender sender;
    private final OutcomeRecorder recorder;
    private final PinnedRepresentation representation;
    private final Deprecations deprecations;
    private final SendWindow sendWindow;
    private final AttemptSpans spans;
    private final WebhookMetrics metrics;
    private final int concurrency;
    private final int perSubscription;
    private final double leaseSeconds;
    private final Duration timeout;
    private final Duration pollInterval;
    /** Claimed and not yet recorded. */
    private final Set<UUID> inFlight = ConcurrentHashMap.newKeySet();
    /** Of those, the successes whose response has arrived: they are being recorded and hold no slot. */
    private final Set<UUID> recording = ConcurrentHashMap.newKeySet();
    private final AtomicLong lastForgotten = new AtomicLong(System.nanoTime() - FORGET_EVERY.toNanos());
    /**
     * The last subscription a search in turns took deliveries of ({@link #CLAIM_FROM_NEXT}); claims run one at a time.
     * It starts anywhere, so that replicas started together do not search the same subscriptions first.
     */
    private volatile UUID searchedUpTo = UUID.randomUUID();
    private final InTurnsOnly inTurnsOnly = new InTurnsOnly(LOOK_AT_OLDEST_AGAIN, System.nanoTime());
    private final AtomicLong lastPlannedAgain = new AtomicLong(System.nanoTime() - PLAN_AGAIN_EVERY.toNanos());
    private final BackgroundLoop loop = new BackgroundLoop("Webhook delivery", this::claimAndStart);

    public DeliveryWorker(Pool pool, WebhookRepository subscriptions, WebhookSender sender, DeliveryLedger ledger,
                          PinnedRepresentation representation, Deprecations deprecations, SendWindow sendWindow,
                          AttemptSpans spans, WebhookMetrics metrics, EventsConfig config) {
        this.pool = pool;
        this.subscriptions = subscriptions;
        this.sender = sender;
        this.recorder = new OutcomeRecorder(ledger, RECORDING_CONNECTIONS - 1);
        this.representation = representation;
        this.sendWindow = sendWindow;
        this.deprecations = deprecations;
        this.spans = spans;
        this.metrics = metrics;
        this.concurrency = config.webhooks().concurrency();
        this.perSubscription = config.webhooks().concurrencyPerSubscription();
        this.timeout = config.webhooks().timeout();
        this.pollInterval = config.webhooks().pollInterval();
        this.leaseSeconds = timeout.plus(config.webhooks().leaseMargin()).toMillis() / 1000.0;
    }

    void start(@Observes StartupEvent startup) {
        loop.start(pollInterval);
    }

    /**
     * On SIGTERM: claim nothing more and let the attempts in flight finish and be recorded (they end
     * within the timeout), so another replica does not repeat them; whatever is still leased after that
     * is released at once instead of waiting for its lease to run out.
     */
    void stop(@Observes ShutdownEvent shutdown) {
        loop.stop(timeout.plus(SHUTDOWN_MARGIN));
        Instant deadline = Instant.now().plus(timeout).plus(SHUTDOWN_MARGIN);
        while (!inFlight.isEmpty() && Instant.now().isBefore(deadline)) {
            LockSupport.parkNanos(IDLE_CHECK.toNanos()); // the shutdown thread may block; nothing else runs on it
        }
        if (!inFlight.isEmpty()) {
            pool.preparedQuery(RELEASE).execute(Tuple.of(inFlight.toArray(UUID[]::new), DeliveryStatus.PENDING.wireName()))
                    .await().atMost(RELEASE_PATIENCE);
        }
    }

    /** New deliveries exist, or retries may have fallen due. */
    public void wake() {
        loop.wake();
    }

    /** Fills the free slots with due deliveries; the attempts run on their own and wake the loop when they end. */
    private Uni<Void> claimAndStart() {
        int claimed = inFlight.size(); // first: a success recorded between the two reads then counts as in flight, not as free
        UUID[] beingRecorded = recording.toArray(UUID[]::new);
        int free = concurrency - (claimed - beingRecorded.length) - Math.max(0, beingRecorded.length - concurrency);
        if (free <= 0 || loop.isStopped()) {
            return Uni.createFrom().voidItem();
        }
        return claim(free, beingRecorded).invoke(leased -> leased.forEach(this::start)).replaceWithVoid();
    }

    /**
     * A claimed delivery to attempt; {@code wakeWhenDone} when its claim may have left due deliveries behind
     * for want of room (see {@link #claim}).
     */
    private record Claimed(ClaimedDelivery delivery, boolean wakeWhenDone) {
    }

    private void start(Claimed claimed) {
        ClaimedDelivery delivery = claimed.delivery();
        inFlight.add(delivery.id());
        attempt(delivery, () -> succeeded(claimed)).subscribe().with(ignored -> finished(claimed), failure -> finished(claimed));
    }

    /**
     * A success's response arrived: its slot is free while its outcome is recorded. Failures keep theirs until they are
     * recorded, so that what the receiver asked for (a pause, a retry later, deactivation) holds before the next claim.
     */
    private void succeeded(Claimed claimed) {
        recording.add(claimed.delivery().id());
        if (claimed.wakeWhenDone()) {
            loop.wake();
        }
    }

    private void finished(Claimed claimed) {
        UUID id = claimed.delivery().id();
        boolean wasRecording = recording.remove(id); // first, as claimAndStart reads them in the other order
        inFlight.remove(id);
        // a success woke the loop already when its response arrived, unless more were being recorded than there are slots
        if (wasRecording ? recording.size() >= concurrency : claimed.wakeWhenDone()) {
            loop.wake();
        }
    }

    /**
     * Sends and records one delivery, or holds it back when its subscription's rate limit has no room now;
     * {@code whenSucceeded} runs once a success's response has arrived, before it is recorded.
     */
    private Uni<Void> attempt(ClaimedDelivery delivery, Runnable whenSucceeded) {
        return sendWindow.admit(delivery)
                .chain(admission -> admission != null ? sendAndRecord(delivery, admission, whenSucceeded) : sendWindow.holdBack(delivery))
                .onFailure().recoverWithItem(failure -> {
                    LOG.warnf("Delivery %s was not attempted or not recorded; it is attempted again when its lease ends: %s", delivery.id(), failure);
                    return null;
                });
    }

    private Uni<Void> sendAndRecord(ClaimedDelivery delivery, SendWindow.Admission admission, Runnable whenSucceeded) {
        PinnedRepresentation.Body body = representation.body(delivery.envelope(), delivery.eventType(), delivery.version(),
                delivery.versions());
        Span span = spans.start(TraceContext.restore(delivery.trace()), delivery.webhookId(), delivery.id(), delivery.eventId(),
                delivery.eventType(), delivery.attemptsBefore() + 1, delivery.url());
        return deprecations.deprecatedAt(delivery.eventType(), body.version())
                .chain(deprecated -> sender.send(delivery.url(), delivery.eventId().toString(), body.json(), delivery.secrets(),
                        AttemptSpans.headers(span, deprecated.map(at -> Map.of("deprecation", "@" + at.getEpochSecond())).orElse(Map.of()))))
                .onItemOrFailure().invoke((result, failure) -> AttemptSpans.end(span, result, failure))
                .invoke(result -> metrics.attempted(delivery.webhookId(), result.outcome(), Duration.ofMillis(result.durationMs())))
                .invoke(result -> {
                    if (result.succeeded()) {
                        whenSucceeded.run();
                    }
                })
                .call(() -> sendWindow.settle(admission).onFailure().recoverWithNull()) // unsettled, it only counts longer
                .chain(result -> recorder.record(delivery, result));
    }

    /**
     * Leases up to {@code free} due deliveries and loads what their attempts need, in one round trip (two when it
     * searches in turns after the oldest, each a transaction of its own; see {@link #leaseAmong}). The claim
     * first looks through the oldest due deliveries only ({@link #LOOK_THROUGH_PER_SLOT}); if that fills fewer slots
     * than are free although there may be more due (it looked through as many as it could), it searches the
     * subscriptions with due deliveries in turns, so a subscription at its limit with a long backlog never hides the
     * others' (for a second after the oldest had no room at all, it searches in turns only; see {@link #lease}).
     *
     * <p>A finished attempt frees a slot, but a new claim only finds more if this one may have left some behind:
     * when it filled every free slot, or took as many of a subscription's deliveries as that subscription
     * had room for. Only those attempts wake the loop when they end; any other due delivery was taken, and
     * new ones wake the loop themselves (the poll covers retries). A subscription can only be full if the
     * claim that filled it took all its room, so the lease that frees room always wakes the loop.
     */
    private Uni<List<Claimed>> claim(int free, UUID[] beingRecorded) {
        // deferred: a failure thrown while the claim is being built still returns the connection to the pool
        return pool.withConnection(c -> Uni.createFrom().deferred(() -> planAgainIfSlow(c, lease(c, free, beingRecorded))))
                .map(leased -> {
                    Map<UUID, Long> taken = leased.stream().collect(Collectors.groupingBy(row -> row.getUUID("webhook_id"), Collectors.counting()));
                    Map<UUID, List<String>> secrets = new HashMap<>();
                    List<Claimed> claimed = new ArrayList<>(leased.size());
                    for (Row row : leased) {
                        if (row.getString("envelope") == null) {
                            continue; // its event went while it was being claimed: the lease runs out
                        }
                        UUID webhookId = row.getUUID("webhook_id");
                        boolean moreMayBeDue = leased.size() == free || taken.get(webhookId) >= row.getLong("room");
                        claimed.add(new Claimed(delivery(row, secrets.computeIfAbsent(webhookId, id -> openSecrets(id, row))), moreMayBeDue));
                    }
                    return claimed;
                });
    }

    /**
     * The claim's statements: among the oldest due deliveries first, then, if slots are left free for want of room and
     * there may be more due than it saw, among the subscriptions with due deliveries, taken in turns. When the oldest
     * due deliveries had no room at all and the search found some elsewhere (a stuck receiver's backlog, say), in two
     * claims in a row, the claims of the next {@link #LOOK_AT_OLDEST_AGAIN} search in turns only: that search finds every
     * delivery that can be claimed on its own (one that leaves slots free went round every subscription), and looking
     * through the same full subscriptions' deliveries first would only add to each claim.
     */
    private Uni<List<Row>> lease(SqlConnection c, int free, UUID[] beingRecorded) {
        long lookedAtOldest = System.nanoTime();
        if (inTurnsOnly.active(lookedAtOldest)) {
            return inTurns(c, free, beingRecorded, new ArrayList<>(), 1);
        }
        int lookThrough = LOOK_THROUGH_PER_SLOT * free;
        return leaseAmong(c, CLAIM_FROM_OLDEST, arguments(free, beingRecorded).addInteger(lookThrough)).chain(oldest -> {
            List<Row> leased = new ArrayList<>(oldest.size());
            oldest.forEach(leased::add);
            if (!leased.isEmpty()) {
                inTurnsOnly.lookedAtOldest(lookedAtOldest, false);
                return leased.size() == free || leased.get(0).getLong("seen") < lookThrough
                        ? Uni.createFrom().item(leased) : inTurns(c, free, beingRecorded, leased, 0).onFailure().recoverWithItem(failure -> {
                            LOG.warnf("A claim's search in turns failed; it starts what it leased before: %s", failure);
                            return leased;
                        });
            }
            return inTurns(c, free, beingRecorded, leased, lookThrough).invoke(found -> inTurnsOnly.lookedAtOldest(lookedAtOldest, !found.isEmpty()));
        });
    }

    /** Adds to {@code leased} what {@link #CLAIM_FROM_NEXT} leases if at least {@code mustBeDue} deliveries are due. */
    private Uni<List<Row>> inTurns(SqlConnection c, int free, UUID[] beingRecorded, List<Row> leased, int mustBeDue) {
        UUID from = searchedUpTo;
        return leaseAmong(c, CLAIM_FROM_NEXT, arguments(free - leased.size(), beingRecorded).addInteger(mustBeDue).addUUID(from)).map(next -> {
            List<UUID> taken = new ArrayList<>(next.size());
            next.forEach(row -> {
                leased.add(row);
                taken.add(row.getUUID("webhook_id"));
            });
            searchedUpTo = lastInTurn(taken, from);
            return leased;
        });
    }

    /**
     * Runs one of the claims in a transaction of its own, in one round trip: its turn on the lock, now and then the
     * forgetting of old sends, and the claim.
     */
    private Uni<RowSet<Row>> leaseAmong(SqlConnection c, String claim, Tuple arguments) {
        List<Statement> statements = new ArrayList<>(3);
        statements.add(Statement.of(TAKE_TURN));
        if (atMostEvery(FORGET_EVERY, lastForgotten)) {
            statements.add(Statement.of(FORGET_OLD_SENDS));
        }
        statements.add(Statement.of(claim, arguments));
        return PipelinedTransaction.run(c, statements).map(answers -> answers.get(answers.size() - 1));
    }

    /**
     * Of the subscriptions a search in turns from {@code from} took deliveries of, the one it came to last (it went on
     * to the last id, then from the first), in PostgreSQL's order of UUIDs (their bytes, unsigned); {@code from} if none.
     */
    static UUID lastInTurn(List<UUID> taken, UUID from) {
        Comparator<UUID> byBytes = RecoveryIds::compare;
        Comparator<UUID> inTurn = Comparator.comparing((UUID id) -> byBytes.compare(id, from) <= 0).thenComparing(byBytes);
        return taken.stream().max(inTurn).orElse(from);
    }

    /**
     * Runs {@code claim}; if it took {@link #SLOW_CLAIM} or longer, the connection's kept plans are dropped (at most
     * every {@link #PLAN_AGAIN_EVERY}).
     */
    private Uni<List<Row>> planAgainIfSlow(SqlConnection c, Uni<List<Row>> claim) {
        return Uni.createFrom().deferred(() -> {
            long started = System.nanoTime();
            return claim.call(() -> System.nanoTime() - started >= SLOW_CLAIM.toNanos() && atMostEvery(PLAN_AGAIN_EVERY, lastPlannedAgain)
                    ? c.query(PLAN_AGAIN).execute().onFailure().recoverWithNull() : Uni.createFrom().voidItem()); // the leases are committed
        });
    }

    private Tuple arguments(int free, UUID[] beingRecorded) {
        return Tuple.of(free, leaseSeconds, perSubscription, SendWindow.seconds(SendWindow.WINDOW), DeliveryStatus.PENDING.wireName())
                .addArrayOfUUID(beingRecorded);
    }

    /**
     * {@link #CLAIM} with its candidates and the order they are taken in, its whitespace collapsed: the text must stay
     * within the statements the pool's connections keep ({@link BoundedDatabasePool#CACHED_SQL_LIMIT}), or it would be
     * parsed and planned on every call.
     */
    private static String claimAmong(String candidates, String order) {
        String pending = DeliveryStatus.PENDING.wireName();
        String active = SubscriptionStatus.ACTIVE.wireName();
        return CLAIM.formatted(pending, active, candidates.formatted(pending), order).replaceAll("\\s+", " ");
    }

    /** Whether {@code every} has passed since {@code last}, which it then moves to now (one caller wins). */
    private static boolean atMostEvery(Duration every, AtomicLong last) {
        long now = System.nanoTime();
        long before = last.get();
        return now - before >= every.toNanos() && last.compareAndSet(before, now);
    }

    private List<String> openSecrets(UUID webhookId, Row row) {
        Buffer[] sealed = row.getDelegate().getArrayOfBuffers("sealed_secrets");
        String[] fingerprints = row.getArrayOfStrings("key_fingerprints");
        if (sealed == null) {
            return List.of();
        }
        List<SecretCipher.Sealed> secrets = new ArrayList<>(sealed.length);
        for (int i = 0; i < sealed.length; i++) {
            secrets.add(new SecretCipher.Sealed(sealed[i].getBytes(), fingerprints[i]));
        }
        return subscriptions.openSecrets(webhookId, secrets);
    }

    /** The delivery's own trace context (a replay's), else its event's. */
    private static TraceContext trace(Row row) {
        return row.getString("traceparent") != null
                ? TraceContext.parse(row.getString("traceparent"), row.getString("tracestate"))
                : TraceContext.parse(row.getString("event_traceparent"), row.getString("event_tracestate"));
    }

    private static ClaimedDelivery delivery(Row row, List<String> secrets) {
        return new ClaimedDelivery(row.getUUID("id"), row.getUUID("lease_token"), row.getUUID("webhook_id"), row.getUUID("event_id"),
                row.getString("event_type"), row.getInteger("version"), row.getInteger("attempts"), row.getString("url"),
                row.getInteger("rate_limit"), WebhookSubscription.versions(row.getJsonObject("versions")), row.getString("envelope"),
                secrets, trace(row));
    }
}
