package dev.tidings.portal;

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
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Opening a portal link, and signing out. */
@Path("/portal")
@PermitAll
@Produces(MediaType.TEXT_HTML)
public class PortalSignInResource {

    @Inject
    PortalSessions sessions;
    @Inject
    PortalPages pages;

    @GET
    @Path("/links/{token}")
    @Operation(hidden = true)
    public Uni<Response> open(@PathParam("token") String token, @Context UriInfo uri) {
        return sessions.signIn(token).map(session -> session == null
                ? pages.messagePage(null, 410, "This link no longer works",
                        "Each portal link works once and only for a short while. This one was used already or has expired: "
                                + "ask the service you use for a new link.")
                : Response.fromResponse(PortalPages.seeOther("/portal")).cookie(PortalCookies.session(session, uri)).build());
    }

    @POST
    @Path("/sign-out")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(hidden = true)
    public Uni<Response> signOut(@CookieParam(PortalCookies.SESSION) String cookie, @FormParam("_csrf") String csrf, @Context UriInfo uri) {
        return pages.action(cookie, csrf, session -> sessions.signOut(session.token()).map(ignored -> Response
                .fromResponse(pages.messagePage(null, 200, "Signed out", "You have left the portal. Open a new portal link to come back."))
                .cookie(PortalCookies.cleared(uri)).build()));
    }
}
