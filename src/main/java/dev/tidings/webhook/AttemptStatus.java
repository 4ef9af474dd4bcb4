package dev.tidings.webhook;

import dev.tidings.event.WireNamed;

/** The outcome of one attempt in the delivery log (CONTRACT §6): {@code failed} has a retry scheduled, {@code dead} is the last attempt of a delivery that went to the dead-letter queue. */
public enum AttemptStatus implements WireNamed {
    SUCCEEDED, FAILED, DEAD
}
