package dev.tidings.webhook.delivery;

import java.time.Instant;

/** What one attempt got: a response status, or an error (timeout, refused target, connection failure). */
public record AttemptResult(Integer responseStatus, String error, long durationMs, Instant attemptedAt) {

    public boolean succeeded() {
        return responseStatus != null && responseStatus >= 200 && responseStatus < 300;
    }

    /** The reason to show in the delivery log for a failure. */
    public String failure() {
        return error != null ? error : "HTTP " + responseStatus;
    }
}
