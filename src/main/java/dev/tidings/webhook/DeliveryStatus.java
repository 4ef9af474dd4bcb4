package dev.tidings.webhook;

import dev.tidings.event.WireNamed;

/** The state of a delivery: waiting for an attempt, done, or parked in the dead-letter queue. */
public enum DeliveryStatus implements WireNamed {
    PENDING, SUCCEEDED, DEAD
}
