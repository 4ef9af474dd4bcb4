package dev.tidings.webhook;

import dev.tidings.event.WireNamed;

/** Why a delivery went to the dead-letter queue (CONTRACT §7). */
public enum DeadLetterReason implements WireNamed {
    RETRIES_EXHAUSTED, SUBSCRIPTION_DISABLED
}
