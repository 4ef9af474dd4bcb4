package dev.tidings.webhook.delivery;

import dev.tidings.support.Database;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The claim's search of subscriptions in turns ({@link DeliveryWorker#CLAIM_FROM_NEXT}) stops once it has found as many
 * subscriptions with room as it has free slots: beside a full subscription with a long backlog, among many others with
 * due deliveries, it steps past the full one and a few more, not through them all, and it goes on where it stopped.
 * Run as the worker runs it (a plan made once for all arguments, no sequential scans), in a transaction rolled back, so
 * the service's own worker never sees these rows.
 */
@QuarkusTest
class ClaimInTurnsTest {

    private static final int OTHERS = 40;
    private static final int FREE = 3;
    private static final UUID NIL = new UUID(0, 0);
    /** Below every id the service gives (time-ordered), so that the search meets these first, the full one before the others. */
    private static final UUID FULL = UUID.fromString("00000000-0000-0000-0000-000000000001");
    private static final UUID HIGHEST = UUID.fromString("ffffffff-ffff-ffff-ffff-ffffffffffff");

    @Test
    void fromTheStartItStepsPastTheFullSubscriptionAndStopsWhenItHasEnough() throws SQLException {
        Search search = search(NIL, FREE, "");

        assertThat(search.leasedFrom()).containsExactlyInAnyOrderElementsOf(others().subList(0, FREE));
        // the first row of each walk is its starting point; then the full subscription and the three it took
        assertThat(search.steps()).isLessThanOrEqualTo(1 + 1 + FREE);
    }

    @Test
    void itGoesOnAfterWhereItStopped() throws SQLException {
        Search search = search(others().get(1), FREE, "");

        assertThat(search.leasedFrom()).containsExactlyInAnyOrderElementsOf(others().subList(2, 2 + FREE));
        assertThat(search.steps()).isLessThanOrEqualTo(1 + FREE);
    }

    @Test
    void pastTheLastSubscriptionItStartsAgainFromTheFirst() throws SQLException {
        Search search = search(HIGHEST, FREE, "");

        assertThat(search.leasedFrom()).containsExactlyInAnyOrderElementsOf(others().subList(0, FREE));
        assertThat(search.steps()).isLessThanOrEqualTo(1 + 1 + 1 + FREE);
    }

    @Test
    void nearTheLastItTakesTheRestThenStartsAgainFromTheFirst() throws SQLException {
        Search search = search(others().get(OTHERS - 2), FREE, "");

        assertThat(search.leasedFrom()).containsExactlyInAnyOrder(others().get(OTHERS - 1), others().get(0), others().get(1));
    }

    @Test
    void withMoreSlotsThanSubscriptionsItGoesRoundOnceAndTakesEachOnce() throws SQLException {
        Search search = search(others().get(OTHERS / 2), OTHERS + 10, "");

        assertThat(search.leasedFrom()).containsExactlyInAnyOrderElementsOf(others());
    }

    /** Had the slots gone to the oldest deliveries among the subscriptions found, the first would get none and lose its turn. */
    @Test
    void everySubscriptionItTakesGetsOneOfItsDeliveriesBeforeOthersGetMore() throws SQLException {
        String olderBacklogs = """
                insert into webhook_delivery (id, webhook_id, event_id, event_type, status, next_attempt_at, created_at)
                select gen_random_uuid(), w, gen_random_uuid(), 'order.created', 'pending', now() - interval '1 hour', now()
                from unnest(array['%s', '%s']::uuid[]) w, generate_series(1, 5)""".formatted(others().get(1), others().get(2));

        Search search = search(NIL, FREE, olderBacklogs);

        assertThat(search.leasedFrom()).containsExactlyInAnyOrderElementsOf(others().subList(0, FREE));
    }

    /** The subscriptions with room, in the order of their ids. */
    private static List<UUID> others() {
        List<UUID> others = new ArrayList<>();
        for (int i = 1; i <= OTHERS; i++) {
            others.add(new UUID(0, 0x100 + i));
        }
        return others;
    }

    /** Which subscriptions the search leased deliveries of, and how many rows its walks produced. */
    private record Search(List<UUID> leasedFrom, long steps) {
    }

    /** Runs the search from {@code from} with {@code free} slots, after the rows every test has and {@code setup}. */
    private static Search search(UUID from, int free, String setup) throws SQLException {
        try (Connection connection = Database.connect()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                subscribe(statement, FULL);
                statement.execute("""
                        insert into webhook_delivery (id, webhook_id, event_id, event_type, status, next_attempt_at, created_at, lease_token)
                        select gen_random_uuid(), '%1$s', gen_random_uuid(), 'order.created', 'pending', now() + interval '1 hour', now(), gen_random_uuid()
                        from generate_series(1, 2);
                        insert into webhook_delivery (id, webhook_id, event_id, event_type, status, next_attempt_at, created_at)
                        select gen_random_uuid(), '%1$s', gen_random_uuid(), 'order.created', 'pending', now() - interval '1 day' + g * interval '1 ms', now()
                        from generate_series(1, 500) g""".formatted(FULL));
                for (UUID other : others()) {
                    subscribe(statement, other);
                    statement.execute("""
                            insert into webhook_delivery (id, webhook_id, event_id, event_type, status, next_attempt_at, created_at)
                            values (gen_random_uuid(), '%s', gen_random_uuid(), 'order.created', 'pending', now() - interval '1 minute', now())"""
                            .formatted(other));
                }
                if (!setup.isEmpty()) {
                    statement.execute(setup);
                }
                statement.execute("set local plan_cache_mode = force_generic_plan; set local enable_seqscan = off");
                statement.execute("prepare claim_in_turns(int, float8, int, float8, text, uuid[], int, uuid) as " + DeliveryWorker.CLAIM_FROM_NEXT);
                // two slots per subscription: the full one has both leased
                String explain = "explain (analyze, format json) execute claim_in_turns(%d, 30, 2, 1.1, 'pending', '{}', 0, '%s')".formatted(free, from);
                String plan;
                try (ResultSet rows = statement.executeQuery(explain)) {
                    rows.next();
                    plan = rows.getString(1);
                }
                return new Search(leasedFrom(statement), recursiveRows(new JsonArray(plan).getJsonObject(0).getJsonObject("Plan")));
            } finally {
                connection.rollback();
            }
        }
    }

    private static void subscribe(Statement statement, UUID id) throws SQLException {
        statement.execute("""
                insert into webhook_subscription (id, url, event_types, status, created_at, updated_at)
                values ('%s', 'http://127.0.0.1:9/never', '{order.created}', 'active', now(), now())""".formatted(id));
    }

    /** The subscriptions whose deliveries this transaction leased (their due time moved into the future). */
    private static List<UUID> leasedFrom(Statement statement) throws SQLException {
        List<UUID> ids = new ArrayList<>();
        try (ResultSet rows = statement.executeQuery("""
                select webhook_id from webhook_delivery
                where webhook_id <> '%s' and webhook_id < '00000000-0000-0000-0000-000000001000' and next_attempt_at > now()""".formatted(FULL))) {
            while (rows.next()) {
                ids.add(rows.getObject(1, UUID.class));
            }
        }
        return ids;
    }

    /** The rows every recursive walk of the plan produced (a walk that never ran produced none). */
    private static long recursiveRows(JsonObject node) {
        long rows = "Recursive Union".equals(node.getString("Node Type")) ? node.getLong("Actual Rows", 0L) : 0;
        JsonArray children = node.getJsonArray("Plans", new JsonArray());
        for (int i = 0; i < children.size(); i++) {
            rows += recursiveRows(children.getJsonObject(i));
        }
        return rows;
    }
}
