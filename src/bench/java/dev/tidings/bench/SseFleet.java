package dev.tidings.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * SSE streams held by child processes running {@link SseLoad} (HTTP/1.1, a connection per stream) or
 * {@link Http2SseLoad} (HTTP/2), at most {@link #PER_PROCESS} each: one process cannot hold more sockets than its
 * open-file limit (RLIMIT_NOFILE), which cannot be raised here.
 */
final class SseFleet implements AutoCloseable {

    static final int PER_PROCESS = 10_000;

    private final List<Child> children;

    private SseFleet(List<Child> children) {
        this.children = children;
    }

    /** Starts the children, which open their share of {@code streams} at once; returns when every child has answered. */
    static SseFleet open(int port, String pathAndQuery, String key, int streams, boolean http2) throws IOException {
        List<Child> children = new ArrayList<>();
        int processes = (streams + PER_PROCESS - 1) / PER_PROCESS;
        for (int i = 0; i < processes; i++) {
            int share = streams / processes + (i < streams % processes ? 1 : 0);
            children.add(Child.start(i, http2 ? Http2SseLoad.class : SseLoad.class, port, pathAndQuery, key, share));
        }
        SseFleet fleet = new SseFleet(children);
        try {
            for (Child child : children) {
                child.awaitOpened();
            }
        } catch (IOException | RuntimeException e) {
            fleet.close();
            throw e;
        }
        return fleet;
    }

    int processes() {
        return children.size();
    }

    /** Streams answered with 200 and still open, over all children. */
    int held() {
        return children.stream().mapToInt(Child::held).sum();
    }

    /** Why streams were not opened (status or error, and how many), or empty. */
    String refusals() {
        return String.join(", ", children.stream().map(Child::refusals).filter(r -> !r.equals("{}")).toList());
    }

    /** The CPU time the children used so far. */
    Duration cpu() {
        return children.stream().map(c -> Bench.cpu(c.process.toHandle())).reduce(Duration.ZERO, Duration::plus);
    }

    /** The time the children's JIT compilers worked so far. */
    double compileSeconds() throws Exception {
        double seconds = 0;
        for (Child child : children) {
            seconds += Profile.compileSeconds(child.process.pid());
        }
        return seconds;
    }

    /** Waits until every stream has {@code events} events or the time is up; the latencies since the last call. */
    Measurements latencies(int events, Duration atMost) throws IOException {
        for (Child child : children) {
            child.ask("await " + events + " " + atMost.toMillis());
        }
        Measurements latencies = new Measurements();
        for (Child child : children) {
            child.readLatencies(latencies);
        }
        return latencies;
    }

    @Override
    public void close() throws IOException {
        for (Child child : children) {
            child.close();
        }
    }

    /** One child JVM, small: its heap holds only the decoders' state and the latencies. */
    private static final class Child {
        private final Process process;
        private final BufferedReader out;
        private final PrintWriter in;
        private int held;
        private String refusals = "{}";

        private Child(Process process) {
            this.process = process;
            this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            this.in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
        }

        static Child start(int index, Class<? extends StreamLoad> load, int port, String pathAndQuery, String key, int streams)
                throws IOException {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-classpath",
                    System.getProperty("java.class.path"), load.getName(), Integer.toString(port), pathAndQuery, key,
                    Integer.toString(streams));
            builder.redirectError(ProcessBuilder.Redirect.appendTo(Path.of("target", "bench-sse-load-" + index + ".log").toFile()));
            return new Child(builder.start());
        }

        void awaitOpened() throws IOException {
            String line = answer("opened ");
            String[] words = line.split(" ", 3);
            held = Integer.parseInt(words[1]);
            refusals = words[2];
        }

        int held() {
            return held;
        }

        String refusals() {
            return refusals;
        }

        void ask(String command) {
            in.println(command);
        }

        void readLatencies(Measurements into) throws IOException {
            String line = answer("latencies");
            for (String value : line.substring("latencies".length()).trim().split(" ")) {
                if (!value.isEmpty()) {
                    into.add(Double.parseDouble(value));
                }
            }
        }

        private String answer(String prefix) throws IOException {
            String line = out.readLine();
            if (line == null || !line.startsWith(prefix)) {
                throw new IOException("The SSE load process " + process.pid() + " answered " + line + " (see target/bench-sse-load-*.log)");
            }
            return line;
        }

        void close() {
            in.println("close");
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
