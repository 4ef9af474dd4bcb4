package dev.tidings.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** The machine's CPU time from /proc/stat, in clock ticks over all cores: how busy it was between two readings. */
final class MachineCpu {

    private MachineCpu() {
    }

    /** Every tick: user, nice, system, idle, iowait, irq, softirq, steal. */
    static long allTicks() {
        return Arrays.stream(fields()).limit(8).sum();
    }

    /** Ticks not idle and not waiting for I/O. */
    static long busyTicks() {
        long[] ticks = fields();
        return allTicks() - ticks[3] - ticks[4];
    }

    private static long[] fields() {
        try {
            String line = Files.readAllLines(Path.of("/proc/stat")).get(0); // "cpu  user nice system idle iowait irq softirq steal ..."
            return Arrays.stream(line.trim().split("\\s+")).skip(1).mapToLong(Long::parseLong).toArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
