package dev.tidings.webhook.delivery;

import dev.tidings.support.Database;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Both claims lease the deliveries they chose through the rows' tuple ids, whatever the statistics say: looked up by
 * id instead, a plan made once while the table's statistics were stale read the whole index by subscription, status,
 * due time and id for every delivery leased (33 ms a claim, the median, in a burst to 10,000 subscriptions).
 * Planned as the worker plans them: once for all arguments, without sequential scans.
 */
@QuarkusTest
class ClaimPlanTest {

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void theLeaseFindsEachChosenDeliveryByItsTupleId(boolean fromOldest) throws Exception {
        List<String> plan = new ArrayList<>();
        try (Connection connection = Database.connect(); Statement sql = connection.createStatement()) {
            connection.setAutoCommit(false);
            sql.execute("set local plan_cache_mode = force_generic_plan; set local enable_seqscan = off");
            String statement = fromOldest ? DeliveryWorker.CLAIM_FROM_OLDEST : DeliveryWorker.CLAIM_FROM_NEXT;
            String types = fromOldest ? "int, float8, int, float8, text, uuid[], int" : "int, float8, int, float8, text, uuid[], int, uuid";
            String arguments = fromOldest ? "8, 30, 2, 1.1, 'pending', '{}', 32" : "8, 30, 2, 1.1, 'pending', '{}', 0, gen_random_uuid()";
            sql.execute("prepare claim(" + types + ") as " + statement);
            try (ResultSet rows = sql.executeQuery("explain execute claim(" + arguments + ")")) {
                while (rows.next()) {
                    plan.add(rows.getString(1));
                }
            }
            connection.rollback();
        }
        String shown = String.join("\n", plan);
        assertThat(plan).as(shown).anyMatch(line -> line.contains("Tid Scan on webhook_delivery"))
                .anyMatch(line -> line.contains("TID Cond:") && line.contains("chosen.ctid"));
    }

    /**
     * The walk of the oldest due deliveries names no subscription and must go through the index of pending deliveries by
     * due time. The index by subscription, status, due time and id (every delivery, finished ones too) could serve it as
     * well, and a plan made on statistics that counted few pending deliveries took it: the walk read that whole index and
     * sorted what it found (9.5 ms a claim instead of 2.2). The indexes by subscription and due time hold only rows with
     * a subscription ({@code webhook_id is not null}, always true), which only a statement that names one can prove; a
     * claim still finds its candidates' own due deliveries through the first.
     */
    @Test
    void theIndexesBySubscriptionAndDueTimeServeOnlyStatementsThatNameASubscription() throws Exception {
        List<String> bySubscription = new ArrayList<>();
        List<String> plan = new ArrayList<>();
        try (Connection connection = Database.connect(); Statement sql = connection.createStatement()) {
            try (ResultSet rows = sql.executeQuery("""
                    select pg_get_indexdef(i.indexrelid) from pg_index i
                    join pg_attribute a on a.attrelid = i.indrelid and a.attnum = i.indkey[0]
                    where i.indrelid = 'webhook_delivery'::regclass and a.attname = 'webhook_id'
                      and pg_get_indexdef(i.indexrelid) like '%next_attempt_at%'""")) {
                while (rows.next()) {
                    bySubscription.add(rows.getString(1));
                }
            }
            connection.setAutoCommit(false);
            sql.execute("set local plan_cache_mode = force_generic_plan; set local enable_seqscan = off");
            sql.execute("prepare claim(int, float8, int, float8, text, uuid[], int) as " + DeliveryWorker.CLAIM_FROM_OLDEST);
            try (ResultSet rows = sql.executeQuery("explain execute claim(8, 30, 2, 1.1, 'pending', '{}', 32)")) {
                while (rows.next()) {
                    plan.add(rows.getString(1));
                }
            }
            connection.rollback();
        }
        assertThat(bySubscription).hasSize(2).allMatch(index -> index.contains("webhook_id IS NOT NULL"));
        String shown = String.join("\n", plan);
        int lookup = IntStream.range(0, plan.size()).filter(i -> plan.get(i).contains("using webhook_delivery_subscription_claim"))
                .findFirst().orElseThrow(() -> new AssertionError("no look-up by subscription in\n" + shown));
        assertThat(plan.get(lookup + 1)).as(shown).contains("Index Cond:").contains("webhook_id = open.webhook_id");
    }
}
