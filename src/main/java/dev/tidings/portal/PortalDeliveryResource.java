package dev.tidings.portal;

import dev.tidings.event.Timestamps;
import dev.tidings.event.TypeFilter;
import dev.tidings.webhook.deadletter.DeadLetterQueue;
import dev.tidings.webhook.delivery.DeliveryLog;
import dev.tidings.webhook.delivery.Recovery;
import dev.tidings.webhook.delivery.RecoveryWindow;
import dev.tidings.webhook.delivery.TestPing;
import dev.tidings.webhook.subscription.WebhookService;
import dev.tidings.webhook.subscription.WebhookView;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
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

import java.util.Map;
import java.util.UUID;

/** An endpoint's page: its attempts and dead letters, replay, recovery and test events. */
@Path("/portal")
@PermitAll
@Produces(MediaType.TEXT_HTML)
@Consumes(MediaType.APPLICATION_FORM_URLENCODED)
public class PortalDeliveryResource {

    /** Attempts and dead letters the page shows, newest attempts first. */
    private static final int SHOWN = 50;
    /** The confirmations a redirect may ask for; anything else shows none. */
    private static final Map<String, String> NOTICES = Map.of(
            "saved", "Changes saved.",
            "active", "Endpoint enabled.",
            "disabled", "Endpoint disabled: its pending deliveries are now dead letters.",
            "tested", "A test event is on its way; its attempt appears below in a moment.",
            "replayed", "Replay started: the dead letters are delivered again.",
            "recovering", "Recovery started: the events of that window are delivered again.");

    @Inject
    PortalPages pages;
    @Inject
    WebhookService webhooks;
    @Inject
    DeliveryLog deliveryLog;
    @Inject
    DeadLetterQueue deadLetters;
    @Inject
    TestPing testPing;
    @Inject
    Recovery recovery;
    @Inject
    @Location("portal/endpoint.html")
    Template page;

    @GET
    @Path("/endpoints/{id}")
    @Operation(hidden = true)
    public Uni<Response> show(@CookieParam(PortalCookies.SESSION) String cookie, @PathParam("id") String id,
                              @QueryParam("notice") String notice) {
        return pages.page(cookie, session -> {
            UUID webhookId = PortalForms.id(id, "Webhook");
            return webhooks.find(session.caller().scope(), webhookId).chain(endpoint -> deliveryLog.attempts(webhookId, null, null, SHOWN)
                    .chain(attempts -> deadLetters.list(session.caller().scope(), webhookId, TypeFilter.parse(null), null, SHOWN)
                            .map(dead -> pages.ok(page.data("csrf", session.csrf()).data("endpoint", WebhookView.of(endpoint))
                                    .data("attempts", attempts).data("deadLetters", dead)
                                    .data("notice", notice == null ? null : NOTICES.get(notice))))));
        });
    }

    @POST
    @Path("/endpoints/{id}/test")
    @Operation(hidden = true)
    public Uni<Response> test(@CookieParam(PortalCookies.SESSION) String cookie, @FormParam("_csrf") String csrf, @PathParam("id") String id) {
        return pages.action(cookie, csrf, session -> webhooks.find(session.caller().scope(), PortalForms.id(id, "Webhook"))
                .invoke(testPing::send)
                .map(endpoint -> PortalPages.seeOther("/portal/endpoints/" + endpoint.id() + "?notice=tested")));
    }

    @POST
    @Path("/endpoints/{id}/dead-letters/{deadLetterId}/replay")
    @Operation(hidden = true)
    public Uni<Response> replay(@CookieParam(PortalCookies.SESSION) String cookie, @FormParam("_csrf") String csrf,
                                @PathParam("id") String id, @PathParam("deadLetterId") String deadLetterId) {
        return pages.action(cookie, csrf, session -> deadLetters.replay(session.caller().scope(), PortalForms.id(deadLetterId, "Dead letter"))
                .replaceWith(() -> PortalPages.seeOther("/portal/endpoints/" + PortalForms.id(id, "Webhook") + "?notice=replayed")));
    }

    @POST
    @Path("/endpoints/{id}/dead-letters/replay")
    @Operation(hidden = true)
    public Uni<Response> replayAll(@CookieParam(PortalCookies.SESSION) String cookie, @FormParam("_csrf") String csrf,
                                   @PathParam("id") String id) {
        return pages.action(cookie, csrf, session -> webhooks.find(session.caller().scope(), PortalForms.id(id, "Webhook"))
                .chain(endpoint -> deadLetters.replayMatching(session.caller().scope(), endpoint.id(), TypeFilter.parse(null))
                        .replaceWith(PortalPages.seeOther("/portal/endpoints/" + endpoint.id() + "?notice=replayed"))));
    }

    @POST
    @Path("/endpoints/{id}/recovery")
    @Operation(hidden = true)
    public Uni<Response> recover(@CookieParam(PortalCookies.SESSION) String cookie, @FormParam("_csrf") String csrf,
                                 @PathParam("id") String id, @FormParam("since") String since) {
        return pages.action(cookie, csrf, session -> webhooks.find(session.caller().scope(), PortalForms.id(id, "Webhook"))
                .chain(endpoint -> recovery.recover(endpoint, RecoveryWindow.of(PortalForms.instant(since), null, Timestamps.now()))
                        .replaceWith(PortalPages.seeOther("/portal/endpoints/" + endpoint.id() + "?notice=recovering"))));
    }
}
