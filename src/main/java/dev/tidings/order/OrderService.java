package dev.tidings.order;

import dev.tidings.account.Scope;
import dev.tidings.outbox.EventDraft;
import dev.tidings.outbox.Outbox;
import dev.tidings.problem.InvalidRequest;
import dev.tidings.problem.ResourceNotFound;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import org.hibernate.reactive.mutiny.Mutiny;

import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * The orders use cases. Each mutation is one transaction: the order row and its outbox event commit
 * together or not at all. Every use case takes the caller's scope: another account's order is 404.
 */
@ApplicationScoped
public class OrderService {

    @Inject
    Outbox outbox;
    @Inject
    OrderEvents events;
    @Inject
    Mutiny.SessionFactory sessions;

    /**
     * A new order needs no persistence context (nothing to load, nothing to check for changes), so it is
     * inserted through a stateless session: the busiest write path skips the session's flush machinery.
     */
    public Uni<Order> placeOrder(UUID owner, OrderRequests.PlaceOrder request) {
        Order order = Order.place(owner, request.customerId(), request.currency(), request.items());
        EventDraft created = events.created(order);
        return sessions.withStatelessTransaction(session -> session.insert(order).chain(() -> outbox.append(session, created)))
                .replaceWith(order);
    }

    @WithTransaction
    public Uni<Order> updateOrder(Scope scope, UUID id, OrderRequests.UpdateOrder request) {
        if (request.shippingAddress() == null && request.items() == null) {
            throw new InvalidRequest("body", "must change shippingAddress or items");
        }
        return mutate(scope, id, order -> {
            order.update(request.shippingAddress(), request.items());
            return events.updated(order, request.shippingAddress() != null, request.items() != null);
        });
    }

    @WithTransaction
    public Uni<Order> recordPayment(Scope scope, UUID id, OrderRequests.Payment payment) {
        return mutate(scope, id, order -> {
            order.pay(payment.amount(), payment.reference());
            return events.paymentReceived(order);
        });
    }

    @WithTransaction
    public Uni<Order> ship(Scope scope, UUID id, OrderRequests.Shipment shipment) {
        return mutate(scope, id, order -> {
            order.ship(shipment.carrier(), shipment.trackingNumber());
            return events.shipped(order);
        });
    }

    @WithTransaction
    public Uni<Order> confirmDelivery(Scope scope, UUID id) {
        return mutate(scope, id, order -> {
            order.deliver();
            return events.delivered(order);
        });
    }

    @WithTransaction
    public Uni<Order> cancel(Scope scope, UUID id, OrderRequests.Cancellation cancellation) {
        return mutate(scope, id, order -> events.cancelled(order, order.cancel(cancellation.reason())));
    }

    @WithSession
    public Uni<Order> find(Scope scope, UUID id) {
        return Order.<Order>findById(id).map(order -> order != null && scope.includes(order.accountId) ? order : null)
                .onItem().ifNull().failWith(() -> new ResourceNotFound("Order", id));
    }

    /** One page in id order (ids are time-ordered), optionally of one status; fetches one extra row to know if more exist. */
    @WithSession
    public Uni<List<Order>> list(Scope scope, OrderStatus status, UUID after, int limit) {
        StringBuilder query = new StringBuilder("1 = 1");
        Parameters parameters = new Parameters();
        if (scope.filter() != null) {
            query.append(" and accountId = :account");
            parameters.and("account", scope.filter());
        }
        if (status != null) {
            query.append(" and status = :status");
            parameters.and("status", status);
        }
        if (after != null) {
            query.append(" and id > :after");
            parameters.and("after", after);
        }
        return Order.<Order>find(query.toString(), Sort.by("id"), parameters).page(0, limit + 1).list();
    }

    /**
     * Loads the order with a row lock, so concurrent mutations of one order run one after the other and
     * each checks the status the previous one left, then applies the change and appends its event. The event
     * belongs to the account the request acts for (CONTRACT §11): an operator acting for no account makes an event
     * of no account, even on an account's order.
     */
    private Uni<Order> mutate(Scope scope, UUID id, Function<Order, EventDraft> change) {
        return Panache.getSession()
                .chain(session -> session.find(Order.class, id, LockModeType.PESSIMISTIC_WRITE))
                .map(order -> order != null && scope.includes(order.accountId) ? order : null)
                .onItem().ifNull().failWith(() -> new ResourceNotFound("Order", id))
                .chain(order -> outbox.append(change.apply(order).withAccount(scope.account())).replaceWith(order));
    }
}
