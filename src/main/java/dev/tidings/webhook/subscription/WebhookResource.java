package dev.tidings.webhook.subscription;

import dev.tidings.account.CurrentCaller;
import dev.tidings.event.Timestamps;
import dev.tidings.event.WireNamed;
import dev.tidings.paging.Page;
import dev.tidings.paging.PageParameters;
import dev.tidings.problem.InvalidRequest;
import dev.tidings.webhook.AttemptStatus;
import dev.tidings.webhook.delivery.DeliveryLog;
import dev.tidings.webhook.delivery.Recovery;
import dev.tidings.webhook.delivery.RecoveryWindow;
import dev.tidings.webhook.delivery.TestPing;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
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
import org.jboss.resteasy.reactive.ResponseStatus;
import org.jboss.resteasy.reactive.RestResponse;

import java.net.URI;
import java.util.UUID;

/** Webhook subscriptions (CONTRACT §6): management, secret rotation, test pings and the delivery log. */
@Path("/webhooks")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Webhooks")
public class WebhookResource {

    @Inject
    WebhookService webhooks;
    @Inject
    DeliveryLog deliveryLog;
    @Inject
    TestPing testPing;
    @Inject
    Recovery recovery;
    @Inject
    CurrentCaller caller;

    @POST
    @Operation(summary = "Subscribe a URL to event types", description = "Answers the signing secret, shown here and on rotation only.")
    public Uni<RestResponse<WebhookView>> create(@NotNull @Valid WebhookRequests.CreateWebhook request) {
        return webhooks.create(caller.get(), request).map(view ->
                RestResponse.ResponseBuilder.<WebhookView>created(URI.create("/webhooks/" + view.id())).entity(view).build());
    }

    @GET
    @Operation(summary = "List subscriptions")
    public Uni<Page<WebhookView>> list(@QueryParam("limit") String limit, @QueryParam("after") String after) {
        int size = PageParameters.limit(limit);
        return webhooks.list(caller.get().scope(), PageParameters.afterId(after), size + 1)
                .map(rows -> Page.of(rows, size, WebhookView::of, s -> s.id().toString()));
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "Get a subscription")
    public Uni<WebhookView> get(@PathParam("id") UUID id) {
        return webhooks.find(caller.get().scope(), id).map(WebhookView::of);
    }

    @PATCH
    @Path("/{id}")
    @Operation(summary = "Change a subscription", description = "status 'disabled' parks its pending deliveries and emits webhook.disabled; "
            + "'active' re-enables it with a fresh failure streak.")
    public Uni<WebhookView> update(@PathParam("id") UUID id, @NotNull @Valid WebhookRequests.UpdateWebhook request) {
        return webhooks.update(caller.get().scope(), id, request).map(WebhookView::of);
    }

    @DELETE
    @Path("/{id}")
    @ResponseStatus(204)
    @Operation(summary = "Delete a subscription", description = "Cancels its pending retries and removes its dead letters.")
    public Uni<Void> delete(@PathParam("id") UUID id) {
        return webhooks.delete(caller.get().scope(), id);
    }

    @POST
    @Path("/{id}/secret/rotation")
    @Operation(summary = "Rotate the signing secret", description = "The old secret keeps signing alongside for events.webhooks.secret-rotation-overlap.")
    public Uni<WebhookRequests.SecretView> rotateSecret(@PathParam("id") UUID id) {
        return webhooks.rotateSecret(caller.get().scope(), id).map(WebhookRequests.SecretView::new);
    }

    @POST
    @Path("/{id}/test")
    @ResponseStatus(202)
    @Operation(summary = "Send a webhook.test event to this subscription once", description = "Logged as an attempt; no retry, no dead letter.")
    public Uni<WebhookRequests.TestSent> test(@PathParam("id") UUID id) {
        return webhooks.find(caller.get().scope(), id).map(subscription -> new WebhookRequests.TestSent(testPing.send(subscription).toString()));
    }

    @POST
    @Path("/{id}/recovery")
    @ResponseStatus(202)
    @Operation(summary = "Deliver the events of a time window again", description = "Every event in the log whose timestamp is in "
            + "[since, until) and that this subscription may receive becomes a fresh delivery, in log order; answers how many. "
            + "409 while the subscription is disabled.")
    public Uni<WebhookRequests.Recovering> recover(@PathParam("id") UUID id, @NotNull @Valid WebhookRequests.Recover request) {
        RecoveryWindow window = RecoveryWindow.of(request.since(), request.until(), Timestamps.now());
        return webhooks.find(caller.get().scope(), id).chain(subscription -> recovery.recover(subscription, window)).map(WebhookRequests.Recovering::new);
    }

    @GET
    @Path("/{id}/deliveries")
    @Operation(summary = "The delivery log: one item per attempt, newest first")
    public Uni<Page<DeliveryLog.AttemptView>> deliveries(@PathParam("id") UUID id, @QueryParam("status") String status,
                                                         @QueryParam("limit") String limit, @QueryParam("after") String after) {
        AttemptStatus wanted = status == null ? null : WireNamed.parse(AttemptStatus.class, status)
                .orElseThrow(() -> new InvalidRequest("status", "must be succeeded, failed or dead"));
        int size = PageParameters.limit(limit);
        UUID before = PageParameters.afterId(after);
        return webhooks.find(caller.get().scope(), id).chain(() -> deliveryLog.attempts(id, wanted, before, size + 1))
                .map(rows -> Page.of(rows, size, row -> row, row -> row.id().toString()));
    }
}
