package dev.tidings.bench;

import java.util.List;
import java.util.Map;

/** The results as the Markdown table the README shows. */
final class Markdown {

    private Markdown() {
    }

    @SuppressWarnings("unchecked")
    static String of(Map<String, Object> report) {
        Map<String, Object> machine = (Map<String, Object>) report.get("machine");
        Map<String, Object> p1 = (Map<String, Object>) report.get("P1_ingest");
        Map<String, Object> p2 = (Map<String, Object>) report.get("P2_latency");
        Map<String, Object> p3 = (Map<String, Object>) report.get("P3_relay_drain");
        Map<String, Object> p4 = (Map<String, Object>) report.get("P4_webhook_throughput");
        Map<String, Object> p6 = (Map<String, Object>) report.get("P6_startup_memory");
        StringBuilder md = new StringBuilder();
        md.append("Run ").append(report.get("date")).append(" (").append(report.get("plan")).append("), ")
                .append(machine.get("cores")).append(" cores, ").append(machine.get("memory_gb")).append(" GB, ")
                .append(machine.get("java")).append("; ").append(machine.get("note")).append("; tracing ")
                .append(report.get("tracing")).append(".\n\n");
        md.append("| scenario | Tidings | raw baseline (same run) | ratio |\n| --- | --- | --- | --- |\n");
        md.append(row("P1 ingest, " + p1.get("concurrency") + " concurrent", p1.get("ours_orders_per_s") + " orders/s (p50 "
                + latency(p1.get("ours_latency"), "p50_ms") + " ms, p99 " + latency(p1.get("ours_latency"), "p99_ms") + " ms)",
                p1.get("baseline_tps") + " tx/s pgbench (avg " + p1.get("baseline_latency_avg_ms") + " ms)", p1.get("ratio_throughput") + " × throughput"));
        md.append(row("P1 ingest with an account key", p1.get("ours_as_account_orders_per_s") + " orders/s",
                "operator key before and after: " + p1.get("ours_orders_per_s") + " and " + p1.get("ours_operator_again_orders_per_s")
                        + " orders/s", p1.get("account_vs_operator") + " × throughput"));
        md.append(row("P2 commit → Kafka, " + p2.get("rate_per_s") + "/s", percentiles(p2.get("commit_to_kafka")),
                percentiles(p2.get("baseline_kafka_round_trip")) + " produce → consume", p2.get("ratio_p99_kafka") + " × p99"));
        md.append(row("P2 commit → webhook received", percentiles(p2.get("commit_to_webhook")), "", ""));
        md.append(row("P2 commit → SSE frame", percentiles(p2.get("commit_to_sse")), "", ""));
        md.append(row("P3 relay drain, " + p3.get("rows") + " events", p3.get("ours_seconds") + " s (" + p3.get("ours_events_per_s") + "/s)",
                p3.get("baseline_seconds") + " s plain producer", p3.get("ratio_time") + " × time"));
        md.append(row("P4 webhook deliveries, " + p4.get("deliveries"), p4.get("ours_per_s") + "/s signed and recorded",
                p4.get("baseline_per_s") + "/s plain POSTs", p4.get("ratio_throughput") + " × throughput"));
        md.append(row("P4 to an account's subscription", p4.get("ours_as_account_per_s") + "/s",
                "platform subscription before and after: " + p4.get("ours_per_s") + " and " + p4.get("ours_operator_again_per_s")
                        + "/s", p4.get("account_vs_operator") + " × throughput"));
        for (Map<String, Object> sse : (List<Map<String, Object>>) report.get("P5_sse_fan_out")) {
            md.append(row("P5 SSE " + sse.get("connections") + " connections",
                    sse.containsKey("failure") ? "failed at " + sse.get("failed_at") + ": " + sse.get("failure")
                            : "held " + sse.get("held") + ", broadcast p99 " + latency(sse.get("broadcast_latency"), "p99_ms")
                            + " ms, heap " + sse.get("heap_used_mb") + " MB, RSS " + sse.get("rss_mb") + " MB", "", ""));
        }
        md.append(row("P6 startup and memory", p6.get("jvm_start_to_ready_ms") + " ms to ready (empty database), RSS "
                + p6.get("rss_idle_mb") + " MB idle, " + report.get("rss_under_load_mb") + " MB after the run; restart "
                + p6.get("restart_to_ready_ms") + " ms to ready, RSS " + p6.get("restart_rss_idle_mb") + " MB idle; CDS archive "
                + (Boolean.TRUE.equals(p6.get("cds_archive_used")) ? "used" : "not used"), "", ""));
        Map<String, Object> p7 = (Map<String, Object>) report.get("P7_fairness");
        if (p7 != null) {
            md.append(row("P7 fairness, " + p7.get("deliveries") + " deliveries beside a receiver that never answers",
                    p7.get("ours_with_stuck_per_s") + "/s with the stuck subscription (" + p7.get("stuck_attempts_during_run")
                            + " of its attempts, at most " + p7.get("stuck_max_held") + " held at once; timeout " + p7.get("timeout_ms")
                            + " ms, cap " + p7.get("concurrency_per_subscription") + " per subscription of " + p7.get("concurrency") + ")",
                    p7.get("baseline_alone_per_s") + "/s alone (before and after)", p7.get("ratio_rate") + " × rate"));
        }
        return md.toString();
    }

    private static String row(String scenario, Object ours, Object baseline, Object ratio) {
        return "| " + scenario + " | " + ours + " | " + baseline + " | " + ratio + " |\n";
    }

    @SuppressWarnings("unchecked")
    private static Object latency(Object summary, String key) {
        return ((Map<String, Object>) summary).get(key);
    }

    private static String percentiles(Object summary) {
        return "p50 " + latency(summary, "p50_ms") + " / p95 " + latency(summary, "p95_ms") + " / p99 " + latency(summary, "p99_ms")
                + " / max " + latency(summary, "max_ms") + " ms";
    }
}
