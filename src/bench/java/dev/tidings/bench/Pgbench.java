package dev.tidings.bench;

import dev.tidings.support.PostgresServer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The ingest baseline: pgbench running the same order + outbox transaction against the same PostgreSQL. */
final class Pgbench {

    private static final String SCRIPT = """
            BEGIN;
            INSERT INTO bench_orders (id, customer_id, currency, items, total, status, created_at, updated_at)
              VALUES (gen_random_uuid(), 'bench', 'EUR', '{"items":[{"sku":"MUG-1","quantity":2,"unitPrice":12.50}]}', 25.00, 'CREATED', now(), now());
            INSERT INTO bench_outbox (event_id, event_type, version, source, subject, occurred_at, envelope)
              VALUES (gen_random_uuid(), 'order.created', 2, 'bench', 'order/' || gen_random_uuid(), now(), repeat('x', 420));
            COMMIT;
            """;

    private Pgbench() {
    }

    static Map<String, Object> run(PostgresServer postgres, int clients, Duration duration) throws Exception {
        try (Connection sql = DriverManager.getConnection(postgres.jdbcUrl(), PostgresServer.USER, "postgres")) {
            // Tables shaped like the service's, so the relay does not pick the baseline's rows up.
            sql.createStatement().execute("create table if not exists bench_orders (like orders including all)");
            sql.createStatement().execute("create table if not exists bench_outbox (like outbox including all)");
        }
        Path script = Files.createTempFile("tidings-pgbench", ".sql");
        Files.writeString(script, SCRIPT);
        Process pgbench = new ProcessBuilder("pgbench", "-n", "-h", "localhost", "-p", Integer.toString(postgres.port()),
                "-U", PostgresServer.USER, "-c", Integer.toString(clients), "-j", "2", "-T", Long.toString(duration.toSeconds()),
                "-f", script.toString(), PostgresServer.DATABASE).redirectErrorStream(true).start();
        String output = new String(pgbench.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (pgbench.waitFor() != 0) {
            throw new IOException("pgbench failed:\n" + output);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("tps", number(output, "tps = ([0-9.]+)"));
        result.put("latency_avg_ms", number(output, "latency average = ([0-9.]+) ms"));
        return result;
    }

    private static double number(String output, String pattern) throws IOException {
        Matcher matcher = Pattern.compile(pattern).matcher(output);
        if (!matcher.find()) {
            throw new IOException("Unexpected pgbench output:\n" + output);
        }
        return Double.parseDouble(matcher.group(1));
    }
}
