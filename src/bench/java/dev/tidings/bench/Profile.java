package dev.tidings.bench;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A JFR recording of the service during one scenario ({@code jcmd JFR.start} / {@code JFR.stop}), summarised
 * as the frames that held the CPU: the top frames by own samples, and the share of samples in which each
 * library (package prefix) appears anywhere on the stack.
 */
final class Profile {

    /** The libraries whose share of the samples is reported, by package prefix. */
    static final Map<String, String> LIBRARIES = new LinkedHashMap<>();

    static {
        LIBRARIES.put("tidings", "dev.tidings.");
        LIBRARIES.put("hibernate", "org.hibernate.");
        LIBRARIES.put("vertx pg client", "io.vertx.pgclient.");
        LIBRARIES.put("jackson", "com.fasterxml.jackson.");
        LIBRARIES.put("resteasy reactive", "org.jboss.resteasy.reactive.");
        LIBRARIES.put("netty", "io.netty.");
        LIBRARIES.put("opentelemetry", "io.opentelemetry.");
        LIBRARIES.put("micrometer", "io.micrometer.");
        LIBRARIES.put("kafka client", "org.apache.kafka.");
        LIBRARIES.put("json schema", "io.vertx.json.schema.");
        // the bench process's own: its load, receiver and Kafka broker
        LIBRARIES.put("jdk http client", "jdk.internal.net.http.");
        LIBRARIES.put("jdk http server", "sun.net.httpserver.");
        LIBRARIES.put("kafka broker", "kafka.");
    }

    private final long pid;
    private final Path file;

    private Profile(long pid, Path file) {
        this.pid = pid;
        this.file = file;
    }

    static Profile start(long pid, Path file) throws Exception {
        jcmd(pid, "JFR.start", "name=bench", "settings=profile");
        return new Profile(pid, file);
    }

    /** Stops the recording and summarises it. */
    Map<String, Object> stop() throws Exception {
        jcmd(pid, "JFR.stop", "name=bench", "filename=" + file.toAbsolutePath());
        return summarise(file);
    }

    static Map<String, Object> summarise(Path recording) throws IOException {
        Map<String, Integer> own = new HashMap<>();
        Map<String, Integer> onStack = new HashMap<>();
        int samples = 0;
        try (RecordingFile events = new RecordingFile(recording)) {
            while (events.hasMoreEvents()) {
                RecordedEvent event = events.readEvent();
                RecordedStackTrace stack = event.getStackTrace();
                if (!event.getEventType().getName().equals("jdk.ExecutionSample") || stack == null || stack.getFrames().isEmpty()) {
                    continue;
                }
                samples++;
                own.merge(name(stack.getFrames().get(0)), 1, Integer::sum);
                Set<String> seen = new HashSet<>();
                for (RecordedFrame frame : stack.getFrames()) {
                    String type = frame.getMethod().getType().getName();
                    LIBRARIES.forEach((library, prefix) -> {
                        if (type.startsWith(prefix)) {
                            seen.add(library);
                        }
                    });
                }
                seen.forEach(library -> onStack.merge(library, 1, Integer::sum));
            }
        }
        int total = Math.max(1, samples);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("samples", samples);
        Map<String, Object> top = new LinkedHashMap<>();
        own.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(15)
                .forEach(e -> top.put(e.getKey(), percent(e.getValue(), total)));
        summary.put("top_frames_percent_of_samples", top);
        Map<String, Object> libraries = new LinkedHashMap<>();
        onStack.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .forEach(e -> libraries.put(e.getKey(), percent(e.getValue(), total)));
        summary.put("libraries_on_stack_percent_of_samples", libraries);
        return summary;
    }

    private static String name(RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }

    private static double percent(int count, int total) {
        return Measurements.round(100.0 * count / total);
    }

    /** Runs a diagnostic command in the process; answers its output. */
    static String jcmd(long pid, String... command) throws Exception {
        List<String> line = new java.util.ArrayList<>(List.of("jcmd", Long.toString(pid)));
        line.addAll(List.of(command));
        Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", line) + " failed: " + output);
        }
        return output;
    }

    /** Seconds the process's JIT compilers have worked so far (HotSpot's {@code java.ci.totalTime} counter). */
    static double compileSeconds(long pid) throws Exception {
        String counters = jcmd(pid, "PerfCounter.print");
        return counter(counters, "java.ci.totalTime") / counter(counters, "sun.os.hrt.frequency");
    }

    private static double counter(String counters, String name) {
        return counters.lines().filter(l -> l.startsWith(name + "=")).findFirst()
                .map(l -> Double.parseDouble(l.substring(name.length() + 1).trim()))
                .orElseThrow(() -> new IllegalStateException("No performance counter " + name));
    }

    /** Bytes of live objects by class (jcmd GC.class_histogram, which collects first). */
    static Map<String, Long> heapByClass(long pid) throws Exception {
        Map<String, Long> bytes = new HashMap<>();
        // lines: "   1:   123456   7890123  java.lang.String (java.base@17)"
        jcmd(pid, "GC.class_histogram").lines().map(String::trim).filter(l -> l.matches("\\d+:\\s+\\d+\\s+\\d+\\s+.*")).forEach(l -> {
            String[] words = l.split("\\s+");
            bytes.merge(words[3], Long.parseLong(words[2]), Long::sum);
        });
        return bytes;
    }

    /** The classes that grew most from {@code before} to {@code after}, in bytes per one of {@code per} (streams, say). */
    static Map<String, Long> growth(Map<String, Long> before, Map<String, Long> after, int classes, double per) {
        Map<String, Long> top = new LinkedHashMap<>();
        after.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(classes)
                .forEach(e -> top.put(e.getKey(), Math.round(e.getValue() / per)));
        return top;
    }
}
