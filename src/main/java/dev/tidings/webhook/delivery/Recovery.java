package dev.tidings.webhook.delivery;

import dev.tidings.event.BuiltInEventType;
import dev.tidings.event.TypeFilter;
import dev.tidings.problem.Conflict;
import dev.tidings.problem.ResourceNotFound;
import dev.tidings.webhook.DeliveryStatus;
import dev.tidings.webhook.SubscriptionStatus;
import dev.tidings.webhook.deadletter.DeadLetterQueue;
import dev.tidings.webhook.subscription.WebhookSubscription;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * Recovery (CONTRACT §6): every event of the log in a time window that a subscription may receive
 * becomes a fresh delivery to it, whether it was delivered, dead-lettered or never sent (the
 * subscription was disabled, or did not exist yet). Deliveries are created in log order, with ids in
 * that order and one due time, so the worker (oldest due first, then by id) sends them oldest first.
 */
@ApplicationScoped
public class Recovery {

    /** Events turned into deliveries per transaction: bounds the memory and the locks a batch holds. */
    static final int BATCH = 500;

    /** The end of the log when the recovery starts (later events reach the subscription by the fan-out) and the due time of its deliveries. */
    private static final String START = "select coalesce(max(sequence), 0) as head, now() as due from outbox";
    /** Held until the batch commits, so a concurrent disable or delete waits for it (and then parks what it created). */
    private static final String SUBSCRIPTION = "select status, event_types from webhook_subscription where id = $1 for share";
    /**
     * $1 after sequence, $2 head, $3 since, $4 until, $5 type patterns, $6 webhook.disabled, $7 the subscription's own
     * subject, $8 batch size, $9 the subscription's account (null: a platform subscription, every account). The log
     * in sequence order; only the events the subscription may receive, never the news of its own deactivation.
     */
    private static final String EVENTS = """
            select event_id, event_type, sequence from outbox
            where sequence > $1 and sequence <= $2 and occurred_at >= $3 and occurred_at < $4
              and event_type like any($5) and not (event_type = $6 and subject = $7)
              and ($9::uuid is null or account_id = $9)
            order by sequence limit $8""";
    /** Existing deliveries of these events, locked first so a concurrent park cannot slip a dead letter in behind ours. */
    private static final String LOCK_EXISTING = """
            select id from webhook_delivery where webhook_id = $1 and event_id = any($2) order by id for update""";
    private static final String UNPARK = "delete from dead_letter where webhook_id = $1 and event_id = any($2)";
    /**
     * $1 subscription, $2 ids, $3 events, $4 types, $5 pending, $6 due. An existing delivery starts over under
     * the new id (its dead letter is gone by now), so reset and new deliveries alike sort in log order.
     */
    private static final String UPSERT = """
            insert into webhook_delivery (id, webhook_id, event_id, event_type, status, attempts, next_attempt_at, created_at)
            select t.id, $1::uuid, t.event_id, t.event_type, $5, 0, $6::timestamptz, now()
            from unnest($2::uuid[], $3::uuid[], $4::varchar[]) as t(id, event_id, event_type)
            on conflict (webhook_id, event_id) do update set id = excluded.id, status = excluded.status, attempts = 0,
              next_attempt_at = excluded.next_attempt_at, last_response_status = null, last_error = null,
              lease_token = null, created_at = excluded.created_at""";

    @Inject
    Pool pool;
    @Inject
    DeliveryWorker worker;
    @Inject
    DeadLetterQueue deadLetters;

    /** One recovery in progress: its fixed bounds and what it did so far. */
    private static final class Run {
        final UUID webhookId;
        final UUID account;
        final RecoveryWindow window;
        final long head;
        final OffsetDateTime due;
        final RecoveryIds ids = new RecoveryIds();
        int recovered;
        int unparked;

        Run(WebhookSubscription subscription, RecoveryWindow window, long head, OffsetDateTime due) {
            this.webhookId = subscription.id();
            this.account = subscription.accountId();
            this.window = window;
            this.head = head;
            this.due = due;
        }
    }

    private record Batch(int recovered, int unparked, long lastSequence, boolean full) {
    }

    /**
     * Answers how many deliveries were created or reset: 404 if the subscription is deleted meanwhile, 409
     * while it is disabled. The caller found the subscription in its own scope.
     */
    public Uni<Integer> recover(WebhookSubscription subscription, RecoveryWindow window) {
        return pool.query(START).execute().map(rows -> rows.iterator().next())
                .chain(start -> from(new Run(subscription, window, start.getLong("head"), start.getOffsetDateTime("due")), 0))
                .call(run -> run.unparked > 0 ? deadLetters.refreshWaiting() : Uni.createFrom().voidItem())
                .map(run -> run.recovered);
    }

    /**
     * Each batch commits on its own: a window over a large log must not hold one transaction (and its
     * locks) open for the whole recovery. A batch that fails leaves the ones before it in place; since
     * a recovery resets what it reaches, running it again is harmless.
     */
    private Uni<Run> from(Run run, long afterSequence) {
        return pool.withTransaction(c -> batch(c, run, afterSequence))
                .chain(batch -> {
                    run.recovered += batch.recovered();
                    run.unparked += batch.unparked();
                    if (batch.recovered() > 0) {
                        worker.wake();
                    }
                    return batch.full() ? from(run, batch.lastSequence()) : Uni.createFrom().item(run);
                });
    }

    private Uni<Batch> batch(SqlConnection c, Run run, long afterSequence) {
        return c.preparedQuery(SUBSCRIPTION).execute(Tuple.of(run.webhookId)).chain(rows -> {
            if (!rows.iterator().hasNext()) {
                return Uni.createFrom().failure(new ResourceNotFound("Webhook", run.webhookId));
            }
            Row subscription = rows.iterator().next();
            if (!SubscriptionStatus.ACTIVE.wireName().equals(subscription.getString("status"))) {
                return Uni.createFrom().failure(new Conflict("Webhook " + run.webhookId
                        + " is disabled: re-enable it (PATCH status active) before a recovery."));
            }
            List<String> patterns = TypeFilter.of(Arrays.asList(subscription.getArrayOfStrings("event_types"))).likePatterns();
            Tuple arguments = Tuple.tuple().addLong(afterSequence).addLong(run.head)
                    .addOffsetDateTime(run.window.since().atOffset(ZoneOffset.UTC))
                    .addOffsetDateTime(run.window.until().atOffset(ZoneOffset.UTC))
                    .addArrayOfString(patterns.toArray(String[]::new))
                    .addString(BuiltInEventType.WEBHOOK_DISABLED.wireName())
                    .addString(WebhookSubscription.subject(run.webhookId))
                    .addInteger(BATCH)
                    .addUUID(run.account);
            return c.preparedQuery(EVENTS).execute(arguments).chain(events -> store(c, run, events));
        });
    }

    private Uni<Batch> store(SqlConnection c, Run run, Iterable<Row> events) {
        List<UUID> ids = new ArrayList<>();
        List<UUID> eventIds = new ArrayList<>();
        List<String> types = new ArrayList<>();
        long last = 0;
        for (Row event : events) { // in log order, so the ids are too
            ids.add(run.ids.next());
            eventIds.add(event.getUUID("event_id"));
            types.add(event.getString("event_type"));
            last = event.getLong("sequence");
        }
        if (ids.isEmpty()) {
            return Uni.createFrom().item(new Batch(0, 0, last, false));
        }
        UUID[] reached = eventIds.toArray(UUID[]::new);
        long lastSequence = last;
        return c.preparedQuery(LOCK_EXISTING).execute(Tuple.of(run.webhookId, reached))
                .chain(() -> c.preparedQuery(UNPARK).execute(Tuple.of(run.webhookId, reached)))
                .chain(unparked -> c.preparedQuery(UPSERT).execute(Tuple.tuple().addUUID(run.webhookId)
                                .addArrayOfUUID(ids.toArray(UUID[]::new)).addArrayOfUUID(reached)
                                .addArrayOfString(types.toArray(String[]::new))
                                .addString(DeliveryStatus.PENDING.wireName()).addOffsetDateTime(run.due))
                        .map(upserted -> new Batch(upserted.rowCount(), unparked.rowCount(), lastSequence, ids.size() == BATCH)));
    }
}
