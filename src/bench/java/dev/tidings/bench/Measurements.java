package dev.tidings.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Latency samples in milliseconds and their percentiles. */
final class Measurements {

    private final List<Double> samples = Collections.synchronizedList(new ArrayList<>());

    void add(double millis) {
        samples.add(millis);
    }

    int count() {
        return samples.size();
    }

    /** The mean of the samples, rounded; 0 without any. */
    double mean() {
        synchronized (samples) {
            return round(samples.stream().mapToDouble(Double::doubleValue).average().orElse(0));
        }
    }

    Map<String, Object> summary() {
        List<Double> sorted;
        synchronized (samples) {
            sorted = new ArrayList<>(samples);
        }
        Collections.sort(sorted);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("count", sorted.size());
        summary.put("p50_ms", percentile(sorted, 0.50));
        summary.put("p95_ms", percentile(sorted, 0.95));
        summary.put("p99_ms", percentile(sorted, 0.99));
        summary.put("max_ms", sorted.isEmpty() ? null : round(sorted.get(sorted.size() - 1)));
        return summary;
    }

    static Double percentile(List<Double> sorted, double p) {
        if (sorted.isEmpty()) {
            return null;
        }
        int index = (int) Math.ceil(p * sorted.size()) - 1;
        return round(sorted.get(Math.max(0, Math.min(sorted.size() - 1, index))));
    }

    static double round(double value) {
        return Math.round(value * 100.0) / 100.0;
    }
}
