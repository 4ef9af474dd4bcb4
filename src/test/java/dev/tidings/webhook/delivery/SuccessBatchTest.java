package dev.tidings.webhook.delivery;

import dev.tidings.support.Database;
import dev.tidings.support.Orders;
import dev.tidings.support.WebhookReceiver;
import dev.tidings.support.Webhooks;
import dev.tidings.support.Webhooks.Subscribed;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import static dev.tidings.support.WebhookReceiver.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Successes are recorded many in one transaction: each still ends up exactly as if recorded alone, and
 * one whose lease was taken away is left out without holding back the others of its batch.
 */
@QuarkusTest
class SuccessBatchTest {

    private static final WebhookReceiver receiver = WebhookReceiver.shared();

    @Inject
    DeliveryLedger ledger;

    @AfterEach
    void deleteSubscriptions() {
        Webhooks.deleteAll();
    }

    @Test
    void manySuccessesAtOnceAreEachRecordedOnce() {
        List<Subscribed> hooks = IntStream.range(0, 4).mapToObj(i -> Webhooks.subscribeNewEndpoint(receiver, "order.created")).toList();
        hooks.forEach(hook -> Database.update("update webhook_subscription set consecutive_failures = 3 where id = ?::uuid", hook.id()));
        int orders = 60;
        IntStream.range(0, orders).forEach(i -> Orders.place("batch-" + i));

        hooks.forEach(hook -> await().atMost(PATIENCE).until(() -> Database.count(
                "select count(*) from webhook_delivery where webhook_id = ?::uuid and status = 'succeeded'", hook.id()) == orders));
        for (Subscribed hook : hooks) {
            assertThat(Database.strings("select status || ':' || attempts || ':' || coalesce(lease_token::text, 'none') || ':'"
                    + " || coalesce(next_attempt_at::text, 'none') from webhook_delivery where webhook_id = ?::uuid", hook.id()))
                    .hasSize(orders).containsOnly("succeeded:1:none:none");
            assertThat(Database.strings("select delivery_id || ':' || attempt || ':' || status || ':' || response_status"
                    + " from webhook_attempt where webhook_id = ?::uuid", hook.id()))
                    .hasSize(orders).doesNotHaveDuplicates().allSatisfy(attempt -> assertThat(attempt).endsWith(":1:succeeded:200"));
            assertThat(Database.count("select consecutive_failures from webhook_subscription where id = ?::uuid", hook.id())).isZero();
            assertThat(receiver.requests(hook.url())).hasSize(orders);
        }
    }

    /**
     * Three successes in one batch: two of subscription A (one of them parked while its attempt was in
     * flight), and one of subscription B whose lease another claim has taken meanwhile.
     */
    @Test
    void aSuccessWhoseLeaseWasTakenIsLeftOutOfItsBatch() {
        Subscribed a = Webhooks.subscribeNewEndpoint(receiver, "order.created");
        Orders.place("batch-lease-1");
        Orders.place("batch-lease-2");
        await().atMost(PATIENCE).until(() -> Webhooks.deliveries(a.id()).size() == 2);
        Subscribed b = Webhooks.subscribeNewEndpoint(receiver, "order.created");
        Orders.place("batch-lease-3");
        await().atMost(PATIENCE).until(() -> Webhooks.deliveries(b.id()).size() == 1 && Webhooks.deliveries(a.id()).size() == 3);
        List<String> ofA = deliveryIds(a.id());
        String ofB = deliveryIds(b.id()).get(0);
        // As if each were leased again now, to the tokens below: attempts in flight, with a streak of failures before them.
        Map<String, UUID> leases = Map.of(ofA.get(0), UUID.randomUUID(), ofA.get(1), UUID.randomUUID(), ofB, UUID.randomUUID());
        leases.forEach((id, token) -> Database.update("update webhook_delivery set status = 'pending', lease_token = ?::uuid, "
                + "next_attempt_at = now() + interval '1 hour' where id = ?::uuid", token.toString(), id));
        Database.update("update webhook_subscription set consecutive_failures = 2 where id in (?::uuid, ?::uuid)", a.id(), b.id());
        park(ofA.get(1), a.id());

        ledger.recordSuccesses(List.of(success(ofA.get(0), a.id(), leases.get(ofA.get(0))),
                        success(ofA.get(1), a.id(), leases.get(ofA.get(1))),
                        success(ofB, b.id(), UUID.randomUUID())))
                .await().atMost(Duration.ofSeconds(10));

        for (String id : ofA.subList(0, 2)) {
            assertThat(Database.strings("select status || ':' || attempts || ':' || coalesce(lease_token::text, 'none')"
                    + " from webhook_delivery where id = ?::uuid", id)).containsExactly("succeeded:2:none");
            assertThat(Database.strings("select attempt || ':' || status || ':' || response_status from webhook_attempt"
                    + " where delivery_id = ?::uuid order by attempt", id)).containsExactly("1:succeeded:200", "2:succeeded:201");
        }
        assertThat(Database.count("select count(*) from dead_letter where id = ?::uuid", ofA.get(1))).isZero();
        assertThat(Database.count("select consecutive_failures from webhook_subscription where id = ?::uuid", a.id())).isZero();

        assertThat(Database.strings("select status || ':' || attempts || ':' || lease_token from webhook_delivery where id = ?::uuid", ofB))
                .containsExactly("pending:1:" + leases.get(ofB));
        assertThat(Database.count("select count(*) from webhook_attempt where delivery_id = ?::uuid", ofB)).isEqualTo(1);
        assertThat(Database.count("select consecutive_failures from webhook_subscription where id = ?::uuid", b.id())).isEqualTo(2);
    }

    /** A batch that cannot be written (here a trigger refuses its attempt rows, not single ones) is recorded one by one. */
    @Test
    void aBatchThatFailsIsRecordedOneByOne() {
        Subscribed hook = Webhooks.subscribeNewEndpoint(receiver, "order.created");
        Orders.place("batch-refused");
        await().atMost(PATIENCE).until(() -> Webhooks.deliveries(hook.id()).size() == 1);
        String id = deliveryIds(hook.id()).get(0);
        UUID lease = UUID.randomUUID();
        Database.update("update webhook_delivery set status = 'pending', lease_token = ?::uuid,"
                + " next_attempt_at = now() + interval '1 hour' where id = ?::uuid", lease.toString(), id);
        Database.execute("""
                create function refuse_batches() returns trigger language plpgsql as $$
                begin
                  if current_query() like '%unnest%' then raise exception 'attempt rows one at a time here'; end if;
                  return new;
                end $$;
                create trigger refuse_batches before insert on webhook_attempt for each row
                  when (new.event_type = 'test.batch-refused') execute function refuse_batches();""");
        try {
            DeliveryLedger.Success success = success(id, hook.id(), lease, "test.batch-refused");
            new OutcomeRecorder(ledger, 1).record(success.delivery(), success.result()).await().atMost(Duration.ofSeconds(10));
        } finally {
            Database.execute("drop trigger refuse_batches on webhook_attempt; drop function refuse_batches()");
        }

        assertThat(Database.strings("select status || ':' || attempts || ':' || coalesce(lease_token::text, 'none')"
                + " from webhook_delivery where id = ?::uuid", id)).containsExactly("succeeded:2:none");
        assertThat(Database.strings("select attempt || ':' || status || ':' || response_status from webhook_attempt"
                + " where delivery_id = ?::uuid order by attempt", id)).containsExactly("1:succeeded:200", "2:succeeded:201");
    }

    private static List<String> deliveryIds(String webhookId) {
        return Database.strings("select id::text from webhook_delivery where webhook_id = ?::uuid order by id", webhookId);
    }

    /** Parked while its attempt was in flight. */
    private static void park(String deliveryId, String webhookId) {
        Database.update("update webhook_delivery set status = 'dead' where id = ?::uuid", deliveryId);
        Database.update("insert into dead_letter (id, webhook_id, event_id, event_type, reason, attempts, dead_at)"
                + " select id, webhook_id, event_id, event_type, 'retries_exhausted', attempts, now() from webhook_delivery"
                + " where id = ?::uuid", deliveryId);
    }

    private static DeliveryLedger.Success success(String deliveryId, String webhookId, UUID leaseToken) {
        return success(deliveryId, webhookId, leaseToken, "order.created");
    }

    private static DeliveryLedger.Success success(String deliveryId, String webhookId, UUID leaseToken, String eventType) {
        UUID eventId = UUID.fromString(Database.strings("select event_id::text from webhook_delivery where id = ?::uuid", deliveryId).get(0));
        ClaimedDelivery claimed = new ClaimedDelivery(UUID.fromString(deliveryId), leaseToken, UUID.fromString(webhookId), eventId,
                eventType, 1, 1, receiver.newEndpoint(), null, Map.of(), "{}", List.of(), null);
        return new DeliveryLedger.Success(claimed, new AttemptResult(201, null, false, null, 5, Instant.now()));
    }
}
