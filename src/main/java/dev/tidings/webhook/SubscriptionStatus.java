package dev.tidings.webhook;

import dev.tidings.event.WireNamed;

/** Whether a subscription receives deliveries (CONTRACT §6). */
public enum SubscriptionStatus implements WireNamed {
    ACTIVE, DISABLED
}
