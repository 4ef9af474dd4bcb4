package dev.tidings.retention;

import dev.tidings.problem.Gone;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.concurrent.atomic.AtomicLong;

/**
 * This instance's view of the oldest sequence the log holds, refreshed by every retention pass (here
 * or, read back from the database, another replica's). It only answers quickly whether a cursor is
 * certainly too old; the log's own queries read the floor in the same statement as the events, so a
 * floor that moved meanwhile can never turn into a silent gap.
 */
@ApplicationScoped
public class LogFloor {

    private final AtomicLong oldest = new AtomicLong(1);

    LogFloor(MeterRegistry registry) {
        registry.gauge("events.log.oldest.sequence", oldest);
    }

    public void update(long floor) {
        oldest.accumulateAndGet(floor, Math::max);
    }

    public long oldest() {
        return oldest.get();
    }

    /** 410 for a cursor after which events have been removed ({@code after} ≥ 1 and below the floor minus one). */
    public static void requireHeld(long after, long floor) {
        if (after >= 1 && after < floor - 1) {
            throw new Gone("Events after " + after + " have been removed by retention (events.retention.events); "
                    + "the oldest event held is " + floor + ". Start again with after=0.", floor);
        }
    }
}
