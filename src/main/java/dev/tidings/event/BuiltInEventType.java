package dev.tidings.event;

import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * The event types the service itself emits: the one list that the emitters, the registry and the
 * version conversions use. Their schemas ship as {@code schemas/<name>.v<n>.json}, versions 1 to
 * {@code latestVersion}; they are read-only through the API.
 */
public enum BuiltInEventType {

    ORDER_CREATED("order.created", 2, "An order was placed."),
    ORDER_UPDATED("order.updated", 1, "The address or the lines of an order changed."),
    ORDER_PAYMENT_RECEIVED("order.payment_received", 1, "The order total was paid."),
    ORDER_SHIPPED("order.shipped", 1, "A paid order was handed to a carrier."),
    ORDER_DELIVERED("order.delivered", 1, "A shipped order arrived."),
    ORDER_CANCELLED("order.cancelled", 1, "An order was cancelled before shipping."),
    WEBHOOK_DISABLED("webhook.disabled", 1, "A webhook subscription was disabled."),
    WEBHOOK_TEST("webhook.test", 1, "A test ping sent to one subscription.");

    /** Nothing under these prefixes can be registered or changed through the API. */
    public static final List<String> RESERVED_PREFIXES = List.of("order.", "webhook.");

    private final String wireName;
    private final int latestVersion;
    private final String description;

    BuiltInEventType(String wireName, int latestVersion, String description) {
        this.wireName = wireName;
        this.latestVersion = latestVersion;
        this.description = description;
    }

    /** The type's name on the wire, such as {@code order.created}. */
    public String wireName() {
        return wireName;
    }

    /** The version the service emits. */
    public int latestVersion() {
        return latestVersion;
    }

    public String description() {
        return description;
    }

    /** Every version, oldest first; each has a schema file. */
    public List<Integer> versions() {
        return IntStream.rangeClosed(1, latestVersion).boxed().toList();
    }

    public static Optional<BuiltInEventType> of(String wireName) {
        for (BuiltInEventType type : values()) {
            if (type.wireName.equals(wireName)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }

    public static boolean isReserved(String eventType) {
        return RESERVED_PREFIXES.stream().anyMatch(eventType::startsWith);
    }
}
