package dev.tidings.webhook.delivery;

/** The rule that disables a subscription: this many consecutive failed attempts, any success resets it. */
public record FailureStreak(int disableAfter) {

    public boolean disables(int consecutiveFailures) {
        return consecutiveFailures >= disableAfter;
    }
}
