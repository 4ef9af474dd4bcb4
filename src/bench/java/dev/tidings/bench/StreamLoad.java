package dev.tidings.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * What the SSE load clients share: the commands a parent ({@link SseFleet}) sends over stdin and the answers on
 * stdout, the reasons streams were refused, and the latencies gathered. One thread of the subclass reads the
 * streams and touches this state.
 */
abstract class StreamLoad implements AutoCloseable {

    /** Streams between request and response headers at once: keeps the server's accept backlog from overflowing. */
    static final int CONNECTING_AT_ONCE = 256;

    /** Streams answered with 200 and still open. */
    int held;
    private final Map<String, Integer> refusals = new TreeMap<>();
    /** Latencies in ms, since the last question. */
    private double[] latencies = new double[1024];
    private int latencyCount;
    /** The parent's one outstanding question, answered by the reading thread between reads. */
    private volatile Question question;

    /** Opens {@code count} streams, {@link #CONNECTING_AT_ONCE} at a time; returns when all answered or the time is up. */
    abstract void openAll(int count, Duration atMost) throws Exception;

    /** Keeps reading from now on, so that every frame is timed when it arrives, calling {@link #answerIfDue} between reads. */
    abstract void startReading();

    abstract void stopReading() throws Exception;

    /** Whether every open stream has had {@code events} events. */
    abstract boolean allHave(int events);

    /** Opens the streams, says {@code opened <held> <refusals>}, then answers each {@code await <events> <millis>} until {@code close}. */
    static void serve(StreamLoad load, int streams) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (load; BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            load.openAll(streams, Duration.ofMinutes(3));
            out.println("opened " + load.held + " " + load.refusals);
            load.startReading();
            for (String command = commands.readLine(); command != null && !command.equals("close"); command = commands.readLine()) {
                String[] words = command.split(" "); // await <events per stream> <millis>
                out.println(load.ask(Integer.parseInt(words[1]), Duration.ofMillis(Long.parseLong(words[2]))));
            }
            load.stopReading();
        }
    }

    /** Waits until every open stream has {@code events} events or the time is up; answers the latencies gathered since the last question. */
    private String ask(int events, Duration atMost) throws Exception {
        Question asked = new Question(events, System.nanoTime() + atMost.toNanos(), new CompletableFuture<>());
        question = asked;
        return asked.answer().get();
    }

    final void answerIfDue() {
        Question asked = question;
        if (asked != null && (System.nanoTime() > asked.deadline() || allHave(asked.events()))) {
            question = null;
            asked.answer().complete(latencyLine());
        }
    }

    private record Question(int events, long deadline, CompletableFuture<String> answer) {
    }

    final void refuse(String reason, int times) {
        if (times > 0) {
            refusals.merge(reason, times, Integer::sum);
        }
    }

    final void record(double millis) {
        if (latencyCount == latencies.length) {
            latencies = Arrays.copyOf(latencies, latencies.length * 2);
        }
        latencies[latencyCount++] = millis;
    }

    /** The latencies gathered so far as one line, {@code latencies <ms> <ms> ...}, and forgets them. */
    private String latencyLine() {
        StringBuilder line = new StringBuilder("latencies");
        for (int i = 0; i < latencyCount; i++) {
            line.append(' ').append(Math.round(latencies[i] * 100) / 100.0);
        }
        latencyCount = 0;
        return line.toString();
    }
}
