package dev.tidings.bench;

import java.util.List;
import java.util.Map;

/** The results as the Markdown table the README shows: each scenario beside its same-run baseline and its goal. */
final class Markdown {

    private Markdown() {
    }

    @SuppressWarnings("unchecked")
    static String of(Map<String, Object> report) {
        Map<String, Object> machine = (Map<String, Object>) report.get("machine");
        StringBuilder md = new StringBuilder();
        md.append("Run ").append(report.get("date")).append(" (").append(report.get("plan")).append("), ")
                .append(machine.get("cores")).append(" cores, ").append(machine.get("memory_gb")).append(" GB, ")
                .append(machine.get("java")).append(", CPU calibration ").append(machine.get("cpu_calibration_ms"))
                .append(" ms (SHA-256 of 64 MiB, one thread); ").append(machine.get("note")).append("; tracing ")
                .append(report.get("tracing")).append("; PostgreSQL fsync ").append(report.get("postgresql_fsync")).append(".\n\n");
        md.append("| scenario | Tidings | raw baseline (same run) | ratio | goal |\n| --- | --- | --- | --- | --- |\n");
        Map<String, Object> p1 = (Map<String, Object>) report.get("P1_ingest");
        if (p1 != null) {
            md.append(row("P1 ingest, " + p1.get("concurrency") + " concurrent", p1.get("ours_orders_per_s") + " orders/s (p50 "
                    + latency(p1.get("ours_latency"), "p50_ms") + " ms, p99 " + latency(p1.get("ours_latency"), "p99_ms") + " ms)",
                    p1.get("ceiling_per_s") + " requests/s: the same two INSERTs behind a minimal route of this build",
                    p1.get("ratio_to_ceiling") + " × ceiling", "≥ 0.6 × ceiling"));
            md.append(row("P1 alternating with the ceiling", p1.get("alternating_orders_per_s") + " orders/s",
                    p1.get("alternating_ceiling_per_s") + " requests/s", "each run beside the ceiling's around it: "
                            + p1.get("ratio_to_ceiling_each") + " (the ratio above is their mean)", ""));
            md.append(row("P1 beside PostgreSQL alone", "", p1.get("baseline_tps") + " tx/s pgbench (avg "
                    + p1.get("baseline_latency_avg_ms") + " ms)", p1.get("ratio_throughput") + " × pgbench", ""));
            md.append(row("P1 ingest with an account key", p1.get("ours_as_account_orders_per_s") + " orders/s (after "
                            + p1.get("account_warm_up_s") + " s of warm-up; the JIT compilers " + p1.get("account_jit_compile_s_during_run")
                            + " s of the runs)",
                    "operator key before and after: " + p1.get("ours_operator_before_account_orders_per_s")
                            + " and " + p1.get("ours_operator_again_orders_per_s")
                            + " orders/s", p1.get("account_vs_operator") + " × throughput", ""));
        }
        List<Map<String, Object>> p2 = (List<Map<String, Object>>) report.get("P2_latency");
        for (Map<String, Object> run : p2 == null ? List.<Map<String, Object>>of() : p2) {
            String at = Math.round((double) run.get("fraction_of_ingest_capacity") * 100) + " % of P1 (" + run.get("rate_per_s") + "/s)";
            boolean low = (double) run.get("fraction_of_ingest_capacity") <= 0.2;
            md.append(row("P2 commit → Kafka at " + at, percentiles(run.get("commit_to_kafka")),
                    percentiles(run.get("baseline_kafka_round_trip")) + " produce → consume", run.get("ratio_p99_kafka") + " × p99",
                    "≤ 2.5 × p99"));
            md.append(row("P2 commit → Kafka at " + at + ", raw round trip under the service's load", "",
                    percentiles(run.get("baseline_kafka_round_trip_under_load")) + " produce → consume, the service carrying the same orders",
                    run.get("ratio_p99_kafka_under_load") + " × p99", ""));
            md.append(row("P2 commit → webhook received at " + at, percentiles(run.get("commit_to_webhook")), "", "",
                    low ? "p99 ≤ 50 ms" : ""));
            md.append(row("P2 commit → SSE frame at " + at, percentiles(run.get("commit_to_sse")), "", "", low ? "p99 ≤ 50 ms" : ""));
            md.append(row("P2 machine at " + at, run.get("machine_cpu_busy_percent") + " % busy; cores " + run.get("cpu_cores_used")
                    + "; the service's JIT compilers " + run.get("jit_compile_s_during_run") + " s of the run", "", "", ""));
        }
        Map<String, Object> p3 = (Map<String, Object>) report.get("P3_relay_drain");
        if (p3 != null) {
            md.append(row("P3 relay drain, " + p3.get("rows") + " events", p3.get("ours_seconds") + " s (" + p3.get("ours_events_per_s") + "/s)",
                    p3.get("baseline_seconds") + " s plain producer (" + p3.get("baseline_same_batch_seconds")
                            + " s with the relay's batch size)", p3.get("ratio_time") + " × time (" + p3.get("ratio_time_same_batch") + " ×)",
                    "≤ 2 × time (≥ 0.5 × the rate)"));
        }
        Map<String, Object> p4 = (Map<String, Object>) report.get("P4_webhook_throughput");
        if (p4 != null) {
            md.append(row("P4 webhook deliveries, " + p4.get("deliveries"), p4.get("ours_per_s") + "/s signed and recorded from the first arrival (" + p4.get("ours_per_s_from_insert") + "/s from the rows' insert); cores "
                    + p4.get("ours_cores_used") + ", " + p4.get("ours_postgresql_write_transactions_per_delivery") + " PostgreSQL write transactions per delivery",
                    p4.get("baseline_per_s") + "/s plain POSTs (runs alternating with the drains: " + p4.get("baseline_runs_per_s") + ")",
                    p4.get("ratio_throughput") + " × throughput (each drain " + p4.get("ours_runs_per_s") + "/s against the POSTs on either side: "
                            + p4.get("ratio_throughput_each") + ")", "≥ 0.7 × throughput"));
            List<?> oursRuns = (List<?>) p4.get("ours_runs_per_s");
            md.append(row("P4 to an account's subscription", p4.get("ours_as_account_per_s") + "/s",
                    "platform subscription before and after: " + oursRuns.get(oursRuns.size() - 1) + " and " + p4.get("ours_operator_again_per_s")
                            + "/s", p4.get("account_vs_operator") + " × throughput", ""));
        }
        List<Map<String, Object>> p5 = (List<Map<String, Object>>) report.get("P5_sse_fan_out");
        for (Map<String, Object> sse : p5 == null ? List.<Map<String, Object>>of() : p5) {
            md.append(row("P5 SSE " + sse.get("streams") + " streams, " + sse.get("protocol") + ", " + sse.get("connections") + " connections",
                    sseResult(sse), "", "",
                    "20,000 streams, heap ≤ 1 GiB, p99 ≤ 1 s"));
        }
        Map<String, Object> p6 = (Map<String, Object>) report.get("P6_startup_memory");
        md.append(row("P6 startup and memory", p6.get("jvm_start_to_ready_ms") + " ms to ready (empty database), RSS "
                + p6.get("rss_idle_mb") + " MB idle, " + report.get("rss_under_load_mb") + " MB after the run; restart "
                + p6.get("restart_to_ready_ms") + " ms to ready, RSS " + p6.get("restart_rss_idle_mb") + " MB idle", "", "",
                "≤ 2 s, ≤ 200 MB idle"));
        Map<String, Object> pod = (Map<String, Object>) p6.get("pod_sized");
        if (pod != null) {
            md.append(row("P6 restart as in the pod: the heap sized for its " + pod.get("memory_limit_mb") + " MiB limit"
                            + (Boolean.TRUE.equals(pod.get("class_archive")) ? ", from the image's class archive" : ""),
                    pod.get("restart_to_ready_ms") + " ms to ready, RSS " + pod.get("rss_at_ready_mb") + " MB then, "
                            + pod.get("rss_settled_mb") + " MB after " + pod.get("settled_after_s") + " s without requests", "", "",
                    "≤ 2 s, ≤ 200 MB idle"));
        }
        Map<String, Object> appCds = (Map<String, Object>) p6.get("appcds");
        if (appCds != null) {
            md.append(row("P6 restart on Java " + appCds.get("java") + " from the image's class archive (AppCDS, "
                            + appCds.get("archive_mb") + " MB, trained in " + appCds.get("training_ms") + " ms)",
                    appCds.get("restart_to_ready_ms") + " ms to ready, RSS " + appCds.get("rss_idle_mb") + " MB idle", "", "",
                    "≤ 2 s, ≤ 200 MB idle"));
        }
        Map<String, Object> aot = (Map<String, Object>) p6.get("aot_cache");
        if (aot != null) {
            md.append(row("P6 restart on Java " + aot.get("java") + " with a trained AOT cache (" + aot.get("archive_mb") + " MB)",
                    aot.get("restart_to_ready_ms") + " ms to ready, RSS " + aot.get("rss_idle_mb") + " MB idle", "", "",
                    "≤ 2 s, ≤ 200 MB idle"));
        }
        Map<String, Object> p7 = (Map<String, Object>) report.get("P7_fairness");
        if (p7 != null) {
            md.append(row("P7 fairness, " + p7.get("deliveries") + " deliveries beside a receiver that never answers",
                    p7.get("ours_with_stuck_per_s") + "/s with the stuck subscription (" + p7.get("stuck_attempts_during_run")
                            + " of its attempts, at most " + p7.get("stuck_max_held") + " held at once; timeout " + p7.get("timeout_ms")
                            + " ms, cap " + p7.get("concurrency_per_subscription") + " per subscription of " + p7.get("concurrency") + ")",
                    p7.get("baseline_alone_per_s") + "/s alone (runs alternating with those beside it)", p7.get("ratio_rate") + " × rate "
                            + p7.get("ratio_rate_each"), "≥ 0.9 × rate"));
            Map<String, Object> among = (Map<String, Object>) p7.get("among_p8_subscriptions");
            if (among != null) {
                md.append(row("P7 among " + among.get("subscriptions") + " subscriptions (P8's), one delivery each, beside the same stuck receiver",
                        among.get("with_stuck_seconds") + " s with the stuck subscription", among.get("alone_seconds") + " s alone (alternating)",
                        among.get("ratio_rate") + " × rate " + among.get("ratio_rate_each"), "≥ 0.9 × rate"));
            }
        }
        Map<String, Object> p8 = (Map<String, Object>) report.get("P8_accounts");
        if (p8 != null) {
            String scale = p8.get("accounts") + " accounts, " + p8.get("subscriptions") + " subscriptions";
            md.append(row("P8 ingest, " + scale, p8.get("ingest_orders_per_s") + " orders/s, round-robin over the accounts' keys",
                    "P1 (operator key): " + (p1 == null ? "" : p1.get("ours_orders_per_s")) + " orders/s",
                    p8.get("ingest_vs_p1_operator") + " × P1", ""));
            md.append(row("P8 deliveries, one to each subscription", p8.get("deliveries_per_s") + "/s (" + p8.get("deliveries_arrived")
                    + " of " + p8.get("deliveries") + "); cores " + p8.get("deliveries_cores_used"), (p4 == null ? "" : p4.get("baseline_per_s")) + "/s plain POSTs (P4)",
                    p8.get("deliveries_vs_p4_baseline") + " × throughput", ""));
        }
        if (p1 != null) {
            md.append("\nP1 CPU per request, µs by process: orders ").append(p1.get("ours_cpu_us_per_order"))
                    .append("; ceiling ").append(p1.get("ceiling_cpu_us_per_request"))
                    .append("; with an account key, and the operator's run after it: ").append(p1.get("account_cpu_us_per_order"))
                    .append(". Warm-ups, s: ").append(p1.get("warm_up_s")).append("; JIT compilers' seconds during the measured runs: ")
                    .append(p1.get("jit_compile_s_during_run")).append('\n');
        }
        if (p1 != null && p1.get("profile") != null) {
            md.append("\nP1 profile (JFR, a separate run after the measured ones): ").append(profile((Map<String, Object>) p1.get("profile")));
        }
        if (report.containsKey("P5_limits")) {
            md.append("\nP5 limits: ").append(report.get("P5_limits")).append('\n');
        }
        return md.toString();
    }

    private static String sseResult(Map<String, Object> sse) {
        String held = "held " + sse.get("held") + (sse.containsKey("refused") ? " (refused: " + sse.get("refused") + ")" : "");
        if (sse.containsKey("failure")) {
            return held + "; failed: " + sse.get("failure");
        }
        String idle = sse.containsKey("heap_bytes_per_idle_stream") ? ", idle " + sse.get("heap_bytes_per_idle_stream")
                + " B heap per stream (" + sse.get("heap_idle_after_gc_mb") + " MB after GC)" : "";
        String single = sse.containsKey("single_event_latency") ? "one event p99 " + latency(sse.get("single_event_latency"), "p99_ms")
                + " ms" + (sse.containsKey("first_event_latency") ? " (the streams' first, before a warm-up of "
                + ((Map<?, ?>) sse.get("warm_up")).get("bursts") + " bursts: " + latency(sse.get("first_event_latency"), "p99_ms") + " ms)" : "")
                + ", " : "";
        return held + ", " + single + "10 events at once p99 " + latency(sse.get("broadcast_latency"), "p99_ms") + " ms"
                + (sse.containsKey("frames_expected") ? " (" + sse.get("frames_received") + " of " + sse.get("frames_expected") + " frames)" : "")
                + (sse.containsKey("burst_all_frames_received_ms") ? ", all received " + sse.get("burst_all_frames_received_ms")
                + " ms after the first order was sent (the ten orders sent in " + sse.get("burst_orders_sent_ms") + " ms)" : "")
                + (sse.containsKey("liveness_answers_during_broadcast") ? ", liveness answered meanwhile in p99 "
                + latency(sse.get("liveness_answers_during_broadcast"), "p99_ms") + " / max "
                + latency(sse.get("liveness_answers_during_broadcast"), "max_ms") + " ms" : "")
                + ", heap " + sse.get("heap_used_mb") + " MB" + idle + ", RSS " + sse.get("rss_mb") + " MB"
                + (sse.containsKey("service_cpu_s") ? "; CPU in the broadcast: service " + sse.get("service_cpu_s") + " s, clients "
                + sse.get("clients_cpu_s") + " s" : "");
    }

    @SuppressWarnings("unchecked")
    private static String profile(Map<String, Object> profile) {
        StringBuilder md = new StringBuilder().append(profile.get("samples")).append(" samples.\n\n| libraries on the stack | share of samples |\n| --- | --- |\n");
        ((Map<String, Object>) profile.get("libraries_on_stack_percent_of_samples"))
                .forEach((library, percent) -> md.append("| ").append(library).append(" | ").append(percent).append(" % |\n"));
        md.append("\n| top frames (own time) | share of samples |\n| --- | --- |\n");
        ((Map<String, Object>) profile.get("top_frames_percent_of_samples"))
                .forEach((frame, percent) -> md.append("| `").append(frame).append("` | ").append(percent).append(" % |\n"));
        return md.toString();
    }

    private static String row(String scenario, Object ours, Object baseline, Object ratio, String goal) {
        return "| " + scenario + " | " + ours + " | " + baseline + " | " + ratio + " | " + goal + " |\n";
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
