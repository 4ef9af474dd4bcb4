package dev.tidings.webhook.delivery;

import dev.tidings.support.ConfigOverrideProfile;
import dev.tidings.support.Database;
import dev.tidings.support.Orders;
import dev.tidings.support.WebhookReceiver;
import dev.tidings.support.WebhookReceiver.Received;
import dev.tidings.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One slow or unreachable subscription never starves the others (CONTRACT §6): it holds at most its
 * share of the delivery slots, its DNS is resolved in parallel with everyone else's and bounded in time,
 * and failures on the sender's side never count toward its failure streak.
 */
@QuarkusTest
@TestProfile(FairnessTest.CrowdedWorker.class)
class FairnessTest {

    /** Six slots on this instance, two per subscription. */
    public static class CrowdedWorker extends ConfigOverrideProfile {
        public CrowdedWorker() {
            super(Map.of("events.webhooks.concurrency", "6", "events.webhooks.concurrency-per-subscription", "2",
                    "events.webhooks.dns-timeout", "500ms"), StallingHostResolver.class);
        }
    }

    private static final WebhookReceiver receiver = WebhookReceiver.shared();
    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private static final Duration SLOW_ANSWER = Duration.ofMillis(700);
    private static final Duration BACKLOG_ANSWER = Duration.ofMillis(800); // within the tests' timeout of 1 s

    @Inject
    StallingHostResolver dns;

    @AfterEach
    void cleanUp() {
        dns.answerAgain();
        Webhooks.deleteAll();
    }

    @Test
    void aSlowReceiverNeverHasMoreThanItsShareOfAttemptsInFlight() {
        String slow = receiver.newEndpoint();
        String fast = receiver.newEndpoint();
        int events = 10;
        for (int i = 0; i < events; i++) {
            receiver.respondSlowly(slow, 200, SLOW_ANSWER);
        }
        Webhooks.subscribe(slow, List.of("order.created"));
        Webhooks.subscribe(fast, List.of("order.created"));
        String customer = "crowd-" + UUID.randomUUID();
        for (int i = 0; i < events; i++) {
            Orders.place(customer);
        }

        receiver.awaitRequests(fast, events, PATIENCE);
        List<Received> slowRequests = receiver.awaitRequests(slow, events, PATIENCE);
        assertThat(mostAtOnce(slowRequests, SLOW_ANSWER)).isLessThanOrEqualTo(2);
    }

    /**
     * A claim first looks through the oldest due deliveries only (four per free slot, at most 24 here). When all of
     * them belong to a subscription that has no room left, it must look further, or a newer subscription waits for
     * that backlog.
     */
    @Test
    void aFullSubscriptionsOlderBacklogDoesNotHideAnotherOnesDeliveries() {
        String slow = receiver.newEndpoint();
        String fast = receiver.newEndpoint();
        int backlog = 60;
        for (int i = 0; i < backlog; i++) {
            receiver.respondSlowly(slow, 200, BACKLOG_ANSWER);
        }
        String slowId = Webhooks.subscribe(slow, List.of("order.created")).getString("id");
        String customer = "backlog-" + UUID.randomUUID();
        for (int i = 0; i < backlog; i++) {
            Orders.place(customer);
        }
        await().atMost(PATIENCE).until(() -> Database.count("select count(*) from webhook_delivery where webhook_id = ?::uuid", slowId) == backlog);
        Webhooks.subscribe(fast, List.of("order.created"));
        int events = 3;
        for (int i = 0; i < events; i++) {
            Orders.place(customer);
        }

        Instant lastFast = receiver.awaitRequests(fast, events, PATIENCE).stream().map(Received::at).max(Instant::compareTo).orElseThrow();
        // had the fast one waited until fewer than 24 (or fewer still) of the slow one's deliveries were due, the slow
        // receiver would have had at least 37 requests by then (two at a time, 0.8 s each: about 15 s)
        assertThat(receiver.requests(slow).stream().filter(request -> request.at().isBefore(lastFast)).count()).isLessThanOrEqualTo(20);
    }

    /**
     * A success frees its slot when its response arrives, not once its outcome is recorded. With the recording held
     * up (a transaction holds the subscription's row, which the recording of successes locks first), the subscription
     * still gets all five of its requests, two at a time; had the slots waited for the recording, it would get two.
     */
    @Test
    void aSuccessFreesItsSlotWhenItsResponseArrives() throws SQLException {
        String endpoint = receiver.newEndpoint();
        String id = Webhooks.subscribe(endpoint, List.of("order.created")).getString("id");
        int events = 5;
        try (Connection holder = Database.connect()) {
            holdRecording(holder, id);
            String customer = "answered-" + UUID.randomUUID();
            for (int i = 0; i < events; i++) {
                Orders.place(customer);
            }

            receiver.awaitRequests(endpoint, events, PATIENCE);
            assertThat(succeeded(id)).isZero();
            holder.rollback();
        }
        await().atMost(PATIENCE).until(() -> succeeded(id) == events);
        assertThat(receiver.requests(endpoint)).hasSize(events);
    }

    /**
     * Successes waiting for their recording hold no slot, but at most as many as there are slots (six here) wait beyond
     * the attempts in flight: with the recording held up, twelve requests go out and no more, until it goes on.
     */
    @Test
    void successesWaitingForTheirRecordingAreBounded() throws SQLException {
        List<String> endpoints = List.of(receiver.newEndpoint(), receiver.newEndpoint(), receiver.newEndpoint());
        List<String> ids = endpoints.stream().map(endpoint -> Webhooks.subscribe(endpoint, List.of("order.created")).getString("id")).toList();
        int events = 6;
        try (Connection holder = Database.connect()) {
            for (String id : ids) {
                holdRecording(holder, id);
            }
            String customer = "bounded-" + UUID.randomUUID();
            for (int i = 0; i < events; i++) {
                Orders.place(customer);
            }

            await().atMost(PATIENCE).until(() -> requests(endpoints) >= 12);
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> requests(endpoints) == 12);
            holder.rollback();
        }
        await().atMost(PATIENCE).until(() -> ids.stream().mapToLong(FairnessTest::succeeded).sum() == 3L * events);
        assertThat(requests(endpoints)).isEqualTo(3 * events);
    }

    /** Locks the subscription's row in {@code holder}'s transaction until it ends: its successes cannot be recorded. */
    private static void holdRecording(Connection holder, String subscriptionId) throws SQLException {
        holder.setAutoCommit(false);
        try (PreparedStatement lock = holder.prepareStatement("select id from webhook_subscription where id = ?::uuid for share")) {
            lock.setString(1, subscriptionId);
            lock.executeQuery().close();
        }
    }

    private static long succeeded(String subscriptionId) {
        return Database.count("select count(*) from webhook_delivery where webhook_id = ?::uuid and status = 'succeeded'", subscriptionId);
    }

    private static int requests(List<String> endpoints) {
        return endpoints.stream().mapToInt(endpoint -> receiver.requests(endpoint).size()).sum();
    }

    @Test
    void aHostWhoseDnsNeverAnswersDelaysNobodyAndIsNotBlamedForIt() {
        String healthy = receiver.newEndpoint().replace("127.0.0.1", StallingHostResolver.HEALTHY);
        String stalling = receiver.newEndpoint().replace("127.0.0.1", StallingHostResolver.STALLING);
        String stallingId = Webhooks.subscribe(stalling, List.of("order.created")).getString("id");
        Webhooks.subscribe(healthy, List.of("order.created"));
        dns.stall();
        int events = 3;
        for (int i = 0; i < events; i++) {
            Orders.place("stalled-dns");
        }

        receiver.awaitRequests(healthy, events, PATIENCE);
        // Three events, three attempts each (schedule 1s, 2s): more failures than the limit of five.
        await().atMost(PATIENCE).until(() -> Webhooks.deliveries(stallingId).size() >= 6);
        assertThat(Webhooks.deliveries(stallingId)).allSatisfy(attempt ->
                assertThat((String) attempt.get("error")).contains("did not resolve"));
        assertThat(Database.strings("select status || ':' || consecutive_failures from webhook_subscription where id = ?::uuid",
                stallingId)).containsExactly("active:0");
    }

    /** The most requests that were being answered at one moment, each taking {@code answer} from its arrival. */
    private static int mostAtOnce(List<Received> requests, Duration answer) {
        List<Instant> arrivals = new ArrayList<>(requests.stream().map(Received::at).sorted().toList());
        int most = 0;
        for (Instant start : arrivals) {
            long overlapping = arrivals.stream().filter(other -> !other.isAfter(start) && other.plus(answer).isAfter(start)).count();
            most = Math.max(most, (int) overlapping);
        }
        return most;
    }
}
