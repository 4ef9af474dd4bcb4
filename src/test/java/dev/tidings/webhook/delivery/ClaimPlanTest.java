package dev.tidings.webhook.delivery;

import dev.tidings.support.Database;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

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
}
