package dev.tidings.webhook.delivery;

import dev.tidings.webhook.AttemptOutcome;

import java.time.Duration;
import java.time.Instant;

/**
 * What one attempt got: a response status, or an error (timeout, refused target, connection failure).
 * {@code senderSide} marks failures that are not the receiver's answer (the host does not resolve or is
 * refused, no route out, no connection within the timeout); {@code retryAfter} is the receiver's
 * {@code Retry-After} on a 429 or 503. Neither kind counts toward the failure streak.
 */
public record AttemptResult(Integer responseStatus, String error, boolean senderSide, Duration retryAfter, long durationMs,
                            Instant attemptedAt) {

    public static final int GONE = 410;

    public boolean succeeded() {
        return responseStatus != null && responseStatus >= 200 && responseStatus < 300;
    }

    /** The receiver said the endpoint is gone for good: the subscription is disabled at once. */
    public boolean gone() {
        return responseStatus != null && responseStatus == GONE;
    }

    /** Whether this attempt extends the subscription's failure streak (CONTRACT §6). */
    public boolean countsAsFailure() {
        return !succeeded() && !senderSide && retryAfter == null;
    }

    public AttemptOutcome outcome() {
        if (succeeded()) {
            return AttemptOutcome.SUCCEEDED;
        }
        if (senderSide) {
            return AttemptOutcome.UNREACHABLE;
        }
        return retryAfter != null ? AttemptOutcome.THROTTLED : AttemptOutcome.FAILED;
    }

    /** The reason to show in the delivery log for a failure. */
    public String failure() {
        if (error != null) {
            return error;
        }
        return retryAfter == null ? "HTTP " + responseStatus
                : "HTTP " + responseStatus + ", Retry-After " + retryAfter.toSeconds() + " s honoured";
    }
}
