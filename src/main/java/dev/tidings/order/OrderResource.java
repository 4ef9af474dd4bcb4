package dev.tidings.order;

import dev.tidings.account.CurrentCaller;
import dev.tidings.account.Scope;
import dev.tidings.event.TypeFilter;
import dev.tidings.event.WireNamed;
import dev.tidings.eventlog.EventLog;
import dev.tidings.eventlog.LogEntry;
import dev.tidings.outbox.EventWrites;
import dev.tidings.paging.Page;
import dev.tidings.paging.PageParameters;
import dev.tidings.problem.InvalidRequest;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import java.net.URI;
import java.util.UUID;

/** The orders API (CONTRACT §2): every mutation emits its event through the outbox. */
@Path("/orders")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Orders")
public class OrderResource {

    @Inject
    OrderService orders;
    @Inject
    EventWrites writes;
    @Inject
    EventLog log;
    @Inject
    CurrentCaller caller;

    @POST
    @Operation(summary = "Place an order", description = "Emits order.created.")
    public Uni<RestResponse<OrderView>> placeOrder(@NotNull @Valid OrderRequests.PlaceOrder request) {
        return writes.run(orders.placeOrder(caller.get().owner(), request)).map(order ->
                RestResponse.ResponseBuilder.<OrderView>created(URI.create("/orders/" + order.id)).entity(OrderView.of(order)).build());
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "Get an order")
    public Uni<OrderView> getOrder(@PathParam("id") UUID id) {
        return orders.find(caller.get().scope(), id).map(OrderView::of);
    }

    @GET
    @Operation(summary = "List orders", description = "Oldest first; pass 'next' back as 'after' for the following page.")
    public Uni<Page<OrderView>> listOrders(@QueryParam("status") String status, @QueryParam("limit") String limit,
                                           @QueryParam("after") String after) {
        OrderStatus wanted = status == null ? null : WireNamed.parse(OrderStatus.class, status)
                .orElseThrow(() -> new InvalidRequest("status", "must be one of created, payment_received, shipped, delivered, cancelled"));
        int size = PageParameters.limit(limit);
        return orders.list(caller.get().scope(), wanted, PageParameters.afterId(after), size)
                .map(rows -> Page.of(rows, size, OrderView::of, order -> order.id.toString()));
    }

    @PATCH
    @Path("/{id}")
    @Operation(summary = "Change the address or items of an order still 'created'", description = "Emits order.updated.")
    public Uni<OrderView> updateOrder(@PathParam("id") UUID id, @NotNull @Valid OrderRequests.UpdateOrder request) {
        return writes.run(orders.updateOrder(caller.get().scope(), id, request)).map(OrderView::of);
    }

    @POST
    @Path("/{id}/payments")
    @Operation(summary = "Record the payment of the order total", description = "Emits order.payment_received.")
    public Uni<OrderView> recordPayment(@PathParam("id") UUID id, @NotNull @Valid OrderRequests.Payment payment) {
        return writes.run(orders.recordPayment(caller.get().scope(), id, payment)).map(OrderView::of);
    }

    @POST
    @Path("/{id}/shipments")
    @Operation(summary = "Ship a paid order", description = "Emits order.shipped.")
    public Uni<OrderView> ship(@PathParam("id") UUID id, @NotNull @Valid OrderRequests.Shipment shipment) {
        return writes.run(orders.ship(caller.get().scope(), id, shipment)).map(OrderView::of);
    }

    @POST
    @Path("/{id}/delivery")
    @Operation(summary = "Confirm delivery of a shipped order", description = "Emits order.delivered.")
    public Uni<OrderView> confirmDelivery(@PathParam("id") UUID id) {
        return writes.run(orders.confirmDelivery(caller.get().scope(), id)).map(OrderView::of);
    }

    @POST
    @Path("/{id}/cancellation")
    @Operation(summary = "Cancel an order not yet shipped", description = "Emits order.cancelled.")
    public Uni<OrderView> cancel(@PathParam("id") UUID id, @NotNull @Valid OrderRequests.Cancellation cancellation) {
        return writes.run(orders.cancel(caller.get().scope(), id, cancellation)).map(OrderView::of);
    }

    @GET
    @Path("/{id}/history")
    @Operation(summary = "The order's events, oldest first", description = "Shaped and paged like GET /events.")
    public Uni<Page<LogEntry>> history(@PathParam("id") UUID id, @QueryParam("limit") String limit,
                                       @QueryParam("after") String after) {
        int size = PageParameters.limit(limit);
        long from = PageParameters.afterSequence(after);
        Scope scope = caller.get().scope();
        return orders.find(scope, id).chain(order -> log.page(scope, TypeFilter.ALL, order.subject(), from, size));
    }
}
