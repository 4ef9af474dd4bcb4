package dev.tidings.portal;

import dev.tidings.account.CurrentCaller;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;

import java.util.UUID;

/** Issues portal links (CONTRACT §15): an operator for any account, an account key for its own. */
@Path("/accounts/{id}/portal-links")
@Consumes(MediaType.WILDCARD)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Accounts")
public class PortalLinkResource {

    @Inject
    PortalSessions sessions;
    @Inject
    CurrentCaller caller;

    @POST
    @ResponseStatus(201)
    @Operation(summary = "Issue a portal link", description = "A single-use link that signs a browser in to the account's portal; "
            + "valid for events.portal.link-ttl.")
    public Uni<PortalSessions.Link> issue(@PathParam("id") UUID id, @Context UriInfo uri) {
        return sessions.issueLink(caller.get(), id, uri.getBaseUri());
    }
}
