package dev.tidings.webhook;

import dev.tidings.event.WireNamed;

/** Why a subscription was disabled: the {@code reason} of {@code webhook.disabled} (CONTRACT §6). */
public enum DisableReason implements WireNamed {
    CONSECUTIVE_FAILURES, GONE, MANUAL
}
