package dev.tidings.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

/**
 * Reads an SSE body byte by byte and times each {@code data:} line from its envelope's {@code timestamp} to its
 * arrival; keeps a partial line between reads and nothing else.
 */
final class SseFrameTimer {

    private static final byte[] TIMESTAMP = "\"timestamp\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "data:".getBytes(StandardCharsets.US_ASCII);

    private byte[] line = new byte[128];
    private int length;
    private int events;

    /** A byte of the body that arrived {@code at}: the event's latency in ms when it ended one, otherwise -1. */
    double take(byte b, Instant at) {
        if (b != '\n') {
            if (b != '\r') {
                if (length == line.length) {
                    line = Arrays.copyOf(line, line.length * 2);
                }
                line[length++] = b;
            }
            return -1;
        }
        double latency = -1;
        if (indexOf(DATA) == 0) {
            int from = indexOf(TIMESTAMP);
            if (from >= 0) {
                events++;
                latency = Duration.between(timestamp(from + TIMESTAMP.length), at).toNanos() / 1e6;
            }
        }
        length = 0;
        return latency;
    }

    /** The events timed so far. */
    int events() {
        return events;
    }

    private Instant timestamp(int from) {
        int to = from;
        while (to < length && line[to] != '"') {
            to++;
        }
        return Instant.parse(new String(line, from, to - from, StandardCharsets.US_ASCII));
    }

    private int indexOf(byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (line[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
