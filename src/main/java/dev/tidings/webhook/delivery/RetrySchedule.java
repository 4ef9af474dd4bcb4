package dev.tidings.webhook.delivery;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * When to try again: after the n-th failed attempt, wait the n-th delay of the schedule, stretched by
 * a jitter of up to 10% (never earlier) so that retries of many deliveries do not arrive in lockstep.
 * After the last delay is used up there is no next attempt.
 */
public final class RetrySchedule {

    static final double MAX_JITTER = 0.10;

    private final List<Duration> delays;
    private final DoubleSupplier random;

    public RetrySchedule(List<Duration> delays, DoubleSupplier random) {
        this.delays = List.copyOf(delays);
        this.random = random;
    }

    /** Attempts in all: the first one and one per delay. */
    public int maxAttempts() {
        return delays.size() + 1;
    }

    /** The wait after {@code failedAttempts} attempts have failed, or empty when the delivery is exhausted. */
    public Optional<Duration> delayAfter(int failedAttempts) {
        if (failedAttempts < 1 || failedAttempts > delays.size()) {
            return Optional.empty();
        }
        Duration base = delays.get(failedAttempts - 1);
        long jitterMillis = (long) (base.toMillis() * MAX_JITTER * random.getAsDouble());
        return Optional.of(base.plusMillis(jitterMillis));
    }
}
