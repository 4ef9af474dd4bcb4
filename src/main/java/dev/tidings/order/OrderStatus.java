package dev.tidings.order;

import dev.tidings.event.WireNamed;

/** The lifecycle of an order; the transitions themselves live on {@link Order}. */
public enum OrderStatus implements WireNamed {
    CREATED, PAYMENT_RECEIVED, SHIPPED, DELIVERED, CANCELLED
}
