package dev.tidings.webhook.delivery;

import java.time.Instant;

/**
 * What one attempt got: a response status, or an error (timeout, refused target, connection failure).
 * {@code senderSide} marks failures that are not the receiver's answer (the host does not resolve or is
 * refused, no route out, no connection within the timeout): they never count toward the failure streak.
 */
public record AttemptResult(Integer responseStatus, String error, boolean senderSide, long durationMs, Instant attemptedAt) {

    public boolean succeeded() {
        return responseStatus != null && responseStatus >= 200 && responseStatus < 300;
    }

    /** Whether this attempt extends the subscription's failure streak (CONTRACT §6). */
    public boolean countsAsFailure() {
        return !succeeded() && !senderSide;
    }

    /** The reason to show in the delivery log for a failure. */
    public String failure() {
        return error != null ? error : "HTTP " + responseStatus;
    }
}
