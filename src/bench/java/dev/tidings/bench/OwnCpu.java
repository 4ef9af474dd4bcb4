package dev.tidings.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where this process's own CPU went over a stretch of a run: its busiest threads (by name, numbers folded, so the
 * Kafka broker's request handlers or the receiver's pool add up), its collectors' time and its JIT compilers'.
 * The bench process carries the Kafka broker, the load and the receiver; when it takes a core through a drain
 * that usually needs a quarter of one, this tells which of them did.
 */
final class OwnCpu {

    private static final int BUSIEST = 5;
    /** Compilers that worked less than this in a window of {@link #QUIET_WINDOW_MS} count as quiet. */
    private static final long QUIET_COMPILING_MS = 20;
    private static final long QUIET_WINDOW_MS = 500;
    private static final long QUIET_PATIENCE_MS = 30_000;

    private final Map<Long, Long> threadNanos;
    private final Map<Long, String> threadNames;
    private final long collectorMillis;
    private final double compilerSeconds;

    private OwnCpu(Map<Long, Long> threadNanos, Map<Long, String> threadNames, long collectorMillis, double compilerSeconds) {
        this.threadNanos = threadNanos;
        this.threadNames = threadNames;
        this.collectorMillis = collectorMillis;
        this.compilerSeconds = compilerSeconds;
    }

    /**
     * Waits, at most half a minute, until this process's JIT compilers are quiet: they may still be compiling what the
     * scenarios before made hot (in one P4 run they took 2.65 s of a 2.7 s measured drain, a core the service lacked).
     * Measured runs of both sides start only once they are.
     */
    static void awaitQuietCompilers() throws InterruptedException {
        long deadline = System.currentTimeMillis() + QUIET_PATIENCE_MS;
        double before = compileSeconds();
        while (System.currentTimeMillis() < deadline) {
            Thread.sleep(QUIET_WINDOW_MS); // one window of the compilers' work
            double after = compileSeconds();
            if ((after - before) * 1000 < QUIET_COMPILING_MS) {
                return;
            }
            before = after;
        }
    }

    /** Seconds this process's JIT compilers have worked since it started (0 where the JVM does not tell). */
    static double compileSeconds() {
        var compilation = ManagementFactory.getCompilationMXBean();
        return compilation != null && compilation.isCompilationTimeMonitoringSupported() ? compilation.getTotalCompilationTime() / 1000.0 : 0;
    }

    static OwnCpu now() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<Long, Long> nanos = new HashMap<>();
        Map<Long, String> names = new HashMap<>();
        for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null) {
                long used = threads.getThreadCpuTime(info.getThreadId());
                if (used >= 0) {
                    nanos.put(info.getThreadId(), used);
                    names.put(info.getThreadId(), info.getThreadName().replaceAll("\\d+", "#"));
                }
            }
        }
        long collectors = ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionTime).filter(t -> t > 0).sum();
        return new OwnCpu(nanos, names, collectors, compileSeconds());
    }

    /** Seconds of CPU since {@code before}: the busiest thread names, the collectors' (elapsed) and the compilers' time. */
    Map<String, Object> since(OwnCpu before) {
        Map<String, Long> byName = new HashMap<>();
        threadNanos.forEach((id, used) -> byName.merge(threadNames.get(id), used - before.threadNanos.getOrDefault(id, 0L), Long::sum));
        Map<String, Object> busiest = new LinkedHashMap<>();
        byName.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(BUSIEST)
                .forEach(entry -> busiest.put(entry.getKey(), Measurements.round(entry.getValue() / 1e9)));
        Map<String, Object> since = new LinkedHashMap<>();
        since.put("busiest_threads_s", busiest);
        since.put("collectors_s", Measurements.round((collectorMillis - before.collectorMillis) / 1000.0));
        since.put("jit_compilers_s", Measurements.round(compilerSeconds - before.compilerSeconds));
        return since;
    }
}
