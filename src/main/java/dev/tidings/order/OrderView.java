package dev.tidings.order;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.tidings.event.Timestamps;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** An order as the API shows it; optional parts are absent until they exist. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OrderView(UUID id, String customerId, String currency, List<OrderItem> items, BigDecimal total,
                        String status, ShippingAddress shippingAddress, PaymentView payment, ShipmentView shipment,
                        String cancellationReason, String createdAt, String updatedAt) {

    @RegisterForReflection
    public record PaymentView(BigDecimal amount, String reference, String paidAt) {
    }

    @RegisterForReflection
    public record ShipmentView(String carrier, String trackingNumber, String shippedAt) {
    }

    static OrderView of(Order order) {
        return new OrderView(order.id, order.customerId, order.currency, order.items(), order.total,
                order.status.wireName(), order.shippingAddress,
                order.paidAt == null ? null : new PaymentView(order.paymentAmount, order.paymentReference, format(order.paidAt)),
                order.shippedAt == null ? null : new ShipmentView(order.carrier, order.trackingNumber, format(order.shippedAt)),
                order.cancellationReason, format(order.createdAt), format(order.updatedAt));
    }

    private static String format(Instant instant) {
        return instant == null ? null : Timestamps.format(instant);
    }
}
