package dev.tidings.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * PostgreSQL's own account of a scenario's statements (BENCH_PG_STATEMENTS=on): how often each ran, how long it
 * ran and was planned, and how many plans it took. A statement planned on every call shows as plans = calls.
 * Texts are kept whole (whitespace collapsed): the delivery claim's two statements differ only far into theirs.
 */
final class StatementStats {

    /** Statements that run longer than this have their plan written to the server's log ({@link #settings}). */
    private static final String SLOW = "20ms";
    private static final int TOP = 8;

    /**
     * The server settings that load the statistics (they must be there when the server starts), and auto_explain,
     * which writes the plan of each statement slower than {@link #SLOW} to {@code postgresql.log} in {@code logs}:
     * the plan a connection actually ran, which a later EXPLAIN may not reproduce.
     */
    static Map<String, String> settings(Path logs) {
        return Map.of("shared_preload_libraries", "pg_stat_statements,auto_explain",
                "pg_stat_statements.track_planning", "on",
                "auto_explain.log_min_duration", SLOW,
                "logging_collector", "on",
                "log_directory", logs.toAbsolutePath().toString(),
                "log_filename", "postgresql.log");
    }

    private StatementStats() {
    }

    static void reset(Connection sql) throws Exception {
        try (Statement statement = sql.createStatement()) {
            statement.execute("create extension if not exists pg_stat_statements");
            statement.execute("select pg_stat_statements_reset()");
        }
    }

    /**
     * The MultiXact pages PostgreSQL has started so far ({@code pg_stat_slru}'s zeroed blocks), offsets and members. A
     * row locked by two transactions at once (a key-share lock a foreign key's check takes beside another
     * transaction's) needs a MultiXact; their space is finite and reclaimed by vacuums only. Each backend reports its
     * counts when idle, up to {@link #REPORTED_WITHIN} late.
     */
    static Map<String, Long> multixactPages(Connection sql) throws Exception {
        Map<String, Long> pages = new LinkedHashMap<>();
        try (Statement statement = sql.createStatement();
             ResultSet rows = statement.executeQuery("select name, blks_zeroed from pg_stat_slru where name like 'multixact%' order by name")) {
            while (rows.next()) {
                pages.put(rows.getString("name"), rows.getLong("blks_zeroed"));
            }
        }
        return pages;
    }

    /** PostgreSQL's backends report their statistics when idle, at the latest 10 s after they went idle. */
    static final Duration REPORTED_WITHIN = Duration.ofSeconds(11);

    /** The statements since the last reset that took the most time, run and planning together. */
    static List<Map<String, Object>> top(Connection sql) throws Exception {
        List<Map<String, Object>> top = new ArrayList<>();
        try (Statement statement = sql.createStatement();
             ResultSet rows = statement.executeQuery("""
                     select calls, plans, rows, round(total_exec_time::numeric, 1) as exec_ms, round(total_plan_time::numeric, 1) as plan_ms,
                       left(regexp_replace(query, '\\s+', ' ', 'g'), 2100) as query
                     from pg_stat_statements where query not like '%%pg_stat_statements%%'
                     order by total_exec_time + total_plan_time desc limit %d""".formatted(TOP))) {
            while (rows.next()) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("calls", rows.getLong("calls"));
                entry.put("plans", rows.getLong("plans"));
                entry.put("rows", rows.getLong("rows"));
                entry.put("exec_ms", rows.getDouble("exec_ms"));
                entry.put("plan_ms", rows.getDouble("plan_ms"));
                entry.put("query", rows.getString("query"));
                top.add(entry);
            }
        }
        return top;
    }
}
