package dev.tidings.order;

import java.util.Arrays;
import java.util.Optional;

/** The lifecycle of an order; the transitions themselves live on {@link Order}. */
public enum OrderStatus {
    CREATED, PAYMENT_RECEIVED, SHIPPED, DELIVERED, CANCELLED;

    /** The name on the wire: {@code payment_received}. */
    public String wireName() {
        return name().toLowerCase();
    }

    public static Optional<OrderStatus> fromWireName(String value) {
        return Arrays.stream(values()).filter(s -> s.wireName().equals(value)).findFirst();
    }
}
