package dev.tidings.order;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tidings.event.BuiltInEventType;
import dev.tidings.event.Timestamps;
import dev.tidings.outbox.EventDraft;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;

/**
 * The events of the orders API, each in the latest version of its type; the payloads match the
 * schemas under {@code schemas/} in the resources (a new version changes the record here and the
 * type's latest version in {@link BuiltInEventType} together).
 */
@ApplicationScoped
public class OrderEvents {

    @Inject
    ObjectMapper json;

    @RegisterForReflection
    public record Totals(int itemCount, int quantity, BigDecimal amount) {
    }

    @RegisterForReflection
    record Created(UUID orderId, String customerId, String currency, List<OrderItem> items, Totals totals) {
    }

    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Updated(UUID orderId, ShippingAddress shippingAddress, List<OrderItem> items, BigDecimal total) {
    }

    @RegisterForReflection
    record PaymentReceived(UUID orderId, BigDecimal amount, String currency, String reference, String paidAt) {
    }

    @RegisterForReflection
    record Shipped(UUID orderId, String carrier, String trackingNumber, String shippedAt) {
    }

    @RegisterForReflection
    record Delivered(UUID orderId, String deliveredAt) {
    }

    @RegisterForReflection
    record Cancelled(UUID orderId, String reason, String previousStatus, String cancelledAt) {
    }

    /** {@code order.created} version 2: the lines plus a {@code totals} object. */
    EventDraft created(Order order) {
        int quantity = order.items().stream().mapToInt(OrderItem::quantity).sum();
        return draft(BuiltInEventType.ORDER_CREATED, order, new Created(order.id, order.customerId, order.currency, order.items(),
                new Totals(order.items().size(), quantity, order.total)));
    }

    /** Only the parts that changed, and the total that results. */
    EventDraft updated(Order order, boolean addressChanged, boolean itemsChanged) {
        return draft(BuiltInEventType.ORDER_UPDATED, order, new Updated(order.id, addressChanged ? order.shippingAddress : null,
                itemsChanged ? order.items() : null, order.total));
    }

    EventDraft paymentReceived(Order order) {
        return draft(BuiltInEventType.ORDER_PAYMENT_RECEIVED, order, new PaymentReceived(order.id, order.paymentAmount, order.currency,
                order.paymentReference, Timestamps.format(order.paidAt)));
    }

    EventDraft shipped(Order order) {
        return draft(BuiltInEventType.ORDER_SHIPPED, order, new Shipped(order.id, order.carrier, order.trackingNumber,
                Timestamps.format(order.shippedAt)));
    }

    EventDraft delivered(Order order) {
        return draft(BuiltInEventType.ORDER_DELIVERED, order, new Delivered(order.id, Timestamps.format(order.deliveredAt)));
    }

    EventDraft cancelled(Order order, OrderStatus previous) {
        return draft(BuiltInEventType.ORDER_CANCELLED, order, new Cancelled(order.id, order.cancellationReason, previous.wireName(),
                Timestamps.format(order.cancelledAt)));
    }

    /**
     * Every order event is emitted in the latest version of its type, as the order's account's; OrderService gives a
     * change's event the account its request acts for.
     */
    private EventDraft draft(BuiltInEventType type, Order order, Object data) {
        return new EventDraft(type.wireName(), type.latestVersion(), order.subject(), json.valueToTree(data), order.accountId);
    }
}
