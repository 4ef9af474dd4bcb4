package dev.tidings.sse;

import dev.tidings.config.EventsConfig;
import dev.tidings.problem.RetryLater;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the open streams of this instance, per key and in all: a key may hold
 * {@code events.limits.streams-per-key} streams (more: 429), the instance
 * {@code events.limits.streams-per-instance} (more: 503, so that the client tries another replica).
 */
@ApplicationScoped
public class StreamQuota {

    /** Streams end when clients leave; a few seconds later there is usually room again. */
    static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    private final int perKey;
    private final int perInstance;
    private final Map<String, Integer> byKey = new ConcurrentHashMap<>();
    private final AtomicInteger total = new AtomicInteger();

    public StreamQuota(EventsConfig config) {
        this.perKey = config.limits().streamsPerKey();
        this.perInstance = config.limits().streamsPerInstance();
    }

    /** Takes a place for one stream of {@code key}, or refuses; give it back with {@link #release}. */
    public void acquire(String key) {
        if (total.incrementAndGet() > perInstance) {
            total.decrementAndGet();
            throw RetryLater.ofInstance("This instance holds as many streams as it may (" + perInstance + "); try again.", RETRY_AFTER);
        }
        boolean[] full = {false};
        byKey.compute(key, (k, open) -> {
            int count = open == null ? 0 : open;
            full[0] = count >= perKey;
            return full[0] ? open : count + 1;
        });
        if (full[0]) {
            total.decrementAndGet();
            throw RetryLater.ofCaller("This key holds " + perKey + " streams already (events.limits.streams-per-key).", RETRY_AFTER);
        }
    }

    public void release(String key) {
        total.decrementAndGet();
        byKey.computeIfPresent(key, (k, open) -> open == 1 ? null : open - 1);
    }
}
