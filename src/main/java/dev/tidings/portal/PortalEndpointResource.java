package dev.tidings.portal;

import dev.tidings.problem.Conflict;
import dev.tidings.problem.InvalidRequest;
import dev.tidings.webhook.SubscriptionStatus;
import dev.tidings.webhook.subscription.WebhookRequests;
import dev.tidings.webhook.subscription.WebhookService;
import dev.tidings.webhook.subscription.WebhookView;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.validation.Validator;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.util.List;
import java.util.Map;

/** The portal's endpoints: list, create, edit, disable and enable, rotate the secret, delete. */
@Path("/portal")
@PermitAll
@Produces(MediaType.TEXT_HTML)
@Consumes(MediaType.APPLICATION_FORM_URLENCODED)
public class PortalEndpointResource {

    /** The most endpoints the list shows; the API's own limit per account is lower by default. */
    private static final int LIST_SIZE = 200;

    @Inject
    PortalPages pages;
    @Inject
    WebhookService webhooks;
    @Inject
    Validator validator;
    @Inject
    @Location("portal/endpoints.html")
    Template list;
    @Inject
    @Location("portal/endpoint-form.html")
    Template form;
    @Inject
    @Location("portal/secret.html")
    Template secret;

    @GET
    @Operation(hidden = true)
    public Uni<Response> list(@CookieParam(PortalCookies.SESSION) String cookie, @QueryParam("notice") String notice) {
        return pages.page(cookie, session -> webhooks.list(session.caller().scope(), null, LIST_SIZE).map(endpoints ->
                pages.ok(list.data("csrf", session.csrf()).data("endpoints", endpoints.stream().map(WebhookView::of).toList())
                        .data("notice", "deleted".equals(notice) ? "Endpoint deleted." : null))));
    }

    @GET
    @Path("/endpoints/new")
    @Operation(hidden = true)
    public Uni<Response> newEndpoint(@CookieParam(PortalCookies.SESSION) String cookie) {
        return pages.page(cookie, session -> Uni.createFrom().item(pages.ok(
                form.data("csrf", session.csrf()).data("values", Map.of("eventTypes", "*")).data("errors", List.of()))));
    }

    @POST
    @Path("/endpoints")
    @Operation(hidden = true)
    public Uni<Response> create(@CookieParam(PortalCookies.SESSION) String cookie, @FormParam("_csrf") String csrf,
                                @FormParam("url") String url, @FormParam("eventTypes") String eventTypes,
                                @FormParam("description") String description) {
        return pages.action(cookie, csrf, session -> {
            WebhookRequests.CreateWebhook request = new WebhookRequests.CreateWebhook(PortalForms.blankToNull(url),
                    PortalForms.eventTypes(eventTypes), PortalForms.blankToNull(description), null, null);
            return Uni.createFrom().item(request).invoke(r -> PortalForms.validate(validator.validate(r)))
                    .chain(r -> webhooks.create(session.caller(), r))
                    .map(created -> pages.html(201, secret.data("csrf", session.csrf()).data("endpoint", created).data("secret", created.secret())))
                    .onFailure(e -> e instanceof InvalidRequest || e instanceof Conflict).recoverWithItem(refused -> pages.html(400, form
                            .data("csrf", session.csrf()).data("errors", messages(refused))
                            .data("values", values(url, eventTypes, description))));
        });
    }

    @GET
    @Path("/endpoints/{id}/edit")
    @Operation(hidden = true)
    public Uni<Response> editForm(@CookieParam(PortalCookies.SESSION) String cookie, @PathParam("id") String id) {
        return pages.page(cookie, session -> webhooks.find(session.caller().scope(), PortalForms.id(id, "Webhook")).map(current ->
                pages.ok(form.data("csrf", session.csrf()).data("endpoint", WebhookView.of(current)).data("errors", List.of())
                        .data("values", values(current.url(), String.join(", ", current.eventTypes()), current.description())))));
    }

    @POST
    @Path("/endpoints/{id}")
    @Operation(hidden = true)
    public Uni<Response> edit(@CookieParam(PortalCookies.SESSION) String cookie, @FormParam("_csrf") String csrf, @PathParam("id") String id,
                              @FormParam("url") String url, @FormParam("eventTypes") String eventTypes,
                              @FormParam("description") String description) {
        return pages.action(cookie, csrf, session -> {
            // An emptied description is stored as empty: the API reads an absent one as "unchanged"
            WebhookRequests.UpdateWebhook request = new WebhookRequests.UpdateWebhook(PortalForms.blankToNull(url),
                    PortalForms.eventTypes(eventTypes), description == null ? "" : description.trim(), null, null, null);
            return Uni.createFrom().item(request).invoke(r -> PortalForms.validate(validator.validate(r)))
                    .chain(r -> webhooks.update(session.caller().scope(), PortalForms.id(id, "Webhook"), r))
                    .map(updated -> PortalPages.seeOther("/portal/endpoints/" + updated.id() + "?notice=saved"))
                    .onFailure(InvalidRequest.class).recoverWithUni(refused -> webhooks
                            .find(session.caller().scope(), PortalForms.id(id, "Webhook")).map(current -> pages.html(400, form
                                    .data("csrf", session.csrf()).data("endpoint", WebhookView.of(current))
                                    .data("errors", messages(refused)).data("values", values(url, eventTypes, description)))));
        });
    }

    @POST
    @Path("/endpoints/{id}/status")
    @Operation(hidden = true)
    public Uni<Response> status(@CookieParam(PortalCookies.SESSION) String cookie, @FormParam("_csrf") String csrf,
                                @PathParam("id") String id, @FormParam("status") String status) {
        return pages.action(cookie, csrf, session -> {
            String wanted = SubscriptionStatus.ACTIVE.wireName().equals(status) ? status : SubscriptionStatus.DISABLED.wireName();
            WebhookRequests.UpdateWebhook request = new WebhookRequests.UpdateWebhook(null, null, null, null, null, wanted);
            return webhooks.update(session.caller().scope(), PortalForms.id(id, "Webhook"), request)
                    .map(updated -> PortalPages.seeOther("/portal/endpoints/" + updated.id() + "?notice=" + wanted));
        });
    }

    @POST
    @Path("/endpoints/{id}/secret")
    @Operation(hidden = true)
    public Uni<Response> rotateSecret(@CookieParam(PortalCookies.SESSION) String cookie, @FormParam("_csrf") String csrf,
                                      @PathParam("id") String id) {
        return pages.action(cookie, csrf, session -> webhooks.rotateSecret(session.caller().scope(), PortalForms.id(id, "Webhook"))
                .chain(rotated -> webhooks.find(session.caller().scope(), PortalForms.id(id, "Webhook"))
                        .map(endpoint -> pages.ok(secret.data("csrf", session.csrf()).data("endpoint", WebhookView.of(endpoint))
                                .data("secret", rotated).data("rotated", true)))));
    }

    @POST
    @Path("/endpoints/{id}/delete")
    @Operation(hidden = true)
    public Uni<Response> delete(@CookieParam(PortalCookies.SESSION) String cookie, @FormParam("_csrf") String csrf,
                                @PathParam("id") String id) {
        return pages.action(cookie, csrf, session -> webhooks.delete(session.caller().scope(), PortalForms.id(id, "Webhook"))
                .replaceWith(PortalPages.seeOther("/portal?notice=deleted")));
    }

    private static List<String> messages(Throwable refused) {
        return refused instanceof InvalidRequest invalid ? PortalForms.messages(invalid) : List.of(refused.getMessage());
    }

    private static Map<String, String> values(String url, String eventTypes, String description) {
        return Map.of("url", url == null ? "" : url, "eventTypes", eventTypes == null ? "" : eventTypes,
                "description", description == null ? "" : description);
    }
}
