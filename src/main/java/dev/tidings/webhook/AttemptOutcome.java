package dev.tidings.webhook;

import dev.tidings.event.WireNamed;

/**
 * How an attempt ended, as its span and the metrics tell it: the receiver answered 2xx ({@code succeeded})
 * or failed ({@code failed}: any other status, a refused or reset connection, a timeout after connecting),
 * asked to wait ({@code throttled}: 429 or 503 with Retry-After), or was never reached ({@code unreachable}:
 * the sender's side, such as DNS, a refused target, no route, no connection in time).
 */
public enum AttemptOutcome implements WireNamed {
    SUCCEEDED, FAILED, THROTTLED, UNREACHABLE
}
