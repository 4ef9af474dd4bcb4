package dev.tidings.eventlog;

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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The live feed and every page read the log after a sequence: that bound must start the sequence index's
 * scan, or each read walks the whole log (it did, through a join with the floor: 170 ms a read at 90,000
 * events). Sequential scans are off so that the plan does not depend on this test database's size; the
 * service's statements are prepared, so both the per-execution and the generic plan are checked. The live
 * feed's read, made after every relayed batch, is planned once and kept rather than planned for every call.
 */
@QuarkusTest
class EventLogPlanTest {

    @ParameterizedTest
    @ValueSource(strings = {"force_custom_plan", "force_generic_plan"})
    void readingAfterASequenceStartsTheIndexScanThere(String planCacheMode) throws Exception {
        List<String> plan = new ArrayList<>();
        try (Connection connection = Database.connect(); Statement sql = connection.createStatement()) {
            connection.setAutoCommit(false);
            sql.execute("set local enable_seqscan = off");
            sql.execute("set local plan_cache_mode = " + planCacheMode);
            sql.execute("prepare log_after(bigint, varchar[], int, int, uuid) as " + EventLog.AFTER);
            try (ResultSet rows = sql.executeQuery("explain execute log_after(100, '{%}', 129, 1000000, null)")) {
                while (rows.next()) {
                    plan.add(rows.getString(1));
                }
            }
            connection.rollback();
            sql.execute("deallocate log_after");
        }
        assertThat(plan).as(String.join("\n", plan)).anyMatch(line -> line.contains("Index Cond: (sequence > GREATEST("));
    }

    @Test
    void theLiveFeedsReadIsPlannedOnceForAllCalls() throws Exception {
        try (Connection connection = Database.connect(); Statement sql = connection.createStatement()) {
            connection.setAutoCommit(false);
            sql.execute("set local enable_seqscan = off");
            sql.execute("set local plan_cache_mode = auto");
            sql.execute("prepare log_follow(bigint, int) as " + EventLog.followStatement(129));
            List<String> plan = new ArrayList<>();
            try (ResultSet rows = sql.executeQuery("explain execute log_follow(100, 1000000)")) {
                while (rows.next()) {
                    plan.add(rows.getString(1));
                }
            }
            assertThat(plan).as(String.join("\n", plan)).anyMatch(line -> line.contains("Index Cond: (sequence > GREATEST("));
            for (int call = 0; call < 10; call++) {
                sql.executeQuery("execute log_follow(" + call + ", 1000000)").close();
            }
            // PostgreSQL plans a prepared statement for its arguments five times, then keeps one plan if that costs no more
            try (ResultSet rows = sql.executeQuery("select generic_plans, custom_plans from pg_prepared_statements where name = 'log_follow'")) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getLong("custom_plans")).isLessThanOrEqualTo(6);
                assertThat(rows.getLong("generic_plans")).isGreaterThanOrEqualTo(5);
            }
            connection.rollback();
            sql.execute("deallocate log_follow");
        }
    }
}
