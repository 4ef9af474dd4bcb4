package dev.tidings.order;

import dev.tidings.event.TimeOrderedIds;
import dev.tidings.event.Timestamps;
import dev.tidings.problem.InvalidRequest;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.ColumnTransformer;
import org.hibernate.annotations.Mutability;
import org.hibernate.type.descriptor.java.Immutability;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** An order and its state machine: each transition checks the current status or throws 409. */
@Entity(name = "PurchaseOrder")
@Table(name = "orders")
public class Order extends PanacheEntityBase {

    @Id
    public UUID id;

    /** The account the order belongs to; null for an operator's own. */
    @Column(name = "account_id")
    public UUID accountId;

    @Column(name = "customer_id", nullable = false)
    public String customerId;

    @Column(nullable = false)
    public String currency;

    @Convert(converter = JsonColumn.Lines.class)
    @ColumnTransformer(read = "cast(items as text)", write = JsonColumn.WRITE)
    @Mutability(Immutability.class) // a record, replaced and never changed in place: no copy kept to compare
    @Column(name = "items", nullable = false, columnDefinition = "jsonb")
    public OrderLines lines;

    @Column(nullable = false, precision = 19, scale = 2)
    public BigDecimal total;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public OrderStatus status;

    @Convert(converter = JsonColumn.Address.class)
    @ColumnTransformer(read = "cast(shipping_address as text)", write = JsonColumn.WRITE)
    @Mutability(Immutability.class)
    @Column(name = "shipping_address", columnDefinition = "jsonb")
    public ShippingAddress shippingAddress;

    @Column(name = "payment_amount", precision = 19, scale = 2)
    public BigDecimal paymentAmount;

    @Column(name = "payment_reference")
    public String paymentReference;

    @Column(name = "paid_at")
    public Instant paidAt;

    @Column(name = "carrier")
    public String carrier;

    @Column(name = "tracking_number")
    public String trackingNumber;

    @Column(name = "shipped_at")
    public Instant shippedAt;

    @Column(name = "delivered_at")
    public Instant deliveredAt;

    @Column(name = "cancellation_reason")
    public String cancellationReason;

    @Column(name = "cancelled_at")
    public Instant cancelledAt;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    static Order place(UUID accountId, String customerId, String currency, List<OrderItem> items) {
        Order order = new Order();
        order.id = TimeOrderedIds.next();
        order.accountId = accountId;
        order.customerId = customerId;
        order.currency = currency;
        order.replaceItems(items);
        order.status = OrderStatus.CREATED;
        order.createdAt = order.updatedAt = Timestamps.now();
        return order;
    }

    public List<OrderItem> items() {
        return lines.items();
    }

    public String subject() {
        return "order/" + id;
    }

    void update(ShippingAddress address, List<OrderItem> newItems) {
        require(Set.of(OrderStatus.CREATED), "updated");
        if (address != null) {
            shippingAddress = address;
        }
        if (newItems != null) {
            replaceItems(newItems);
        }
        touch();
    }

    void pay(BigDecimal amount, String reference) {
        require(Set.of(OrderStatus.CREATED), "paid");
        if (amount.compareTo(total) != 0) {
            throw new InvalidRequest("amount", "must equal the order total " + total.toPlainString());
        }
        paymentAmount = amount.setScale(2, RoundingMode.UNNECESSARY);
        paymentReference = reference;
        status = OrderStatus.PAYMENT_RECEIVED;
        paidAt = touch();
    }

    void ship(String carrierName, String tracking) {
        require(Set.of(OrderStatus.PAYMENT_RECEIVED), "shipped");
        carrier = carrierName;
        trackingNumber = tracking;
        status = OrderStatus.SHIPPED;
        shippedAt = touch();
    }

    void deliver() {
        require(Set.of(OrderStatus.SHIPPED), "delivered");
        status = OrderStatus.DELIVERED;
        deliveredAt = touch();
    }

    OrderStatus cancel(String reason) {
        OrderStatus previous = status;
        require(Set.of(OrderStatus.CREATED, OrderStatus.PAYMENT_RECEIVED), "cancelled");
        cancellationReason = reason;
        status = OrderStatus.CANCELLED;
        cancelledAt = touch();
        return previous;
    }

    private void replaceItems(List<OrderItem> newItems) {
        lines = new OrderLines(List.copyOf(newItems));
        total = newItems.stream().map(OrderItem::lineTotal).reduce(BigDecimal.ZERO, BigDecimal::add)
                .setScale(2, RoundingMode.UNNECESSARY);
    }

    private void require(Set<OrderStatus> allowed, String action) {
        if (!allowed.contains(status)) {
            throw new IllegalOrderTransition(status, action);
        }
    }

    private Instant touch() {
        updatedAt = Timestamps.now();
        return updatedAt;
    }
}
