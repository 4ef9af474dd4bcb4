package dev.tidings.eventlog;

import dev.tidings.account.CurrentCaller;
import dev.tidings.account.Scope;
import dev.tidings.event.EventEnvelope;
import dev.tidings.outbox.EventWrites;
import dev.tidings.paging.Page;
import dev.tidings.paging.PageParameters;
import dev.tidings.problem.ResourceNotFound;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import java.util.UUID;

/** The event log over HTTP (CONTRACT §4): pages by sequence, filtered by type and subject. */
@Path("/events")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Event log")
public class EventLogResource {

    @Inject
    EventLog log;
    @Inject
    EventPublishing publishing;
    @Inject
    EventWrites writes;
    @Inject
    CurrentCaller caller;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Publish a custom event of a registered type", description = "202 with the envelope; 422 for an unknown "
            + "type or data that fails the schema; a deprecated version is accepted with a Deprecation header (RFC 9745).")
    @APIResponse(responseCode = "202", content = @Content(schema = @Schema(implementation = EventEnvelope.class)))
    public Uni<RestResponse<EventEnvelope>> publish(@NotNull EventPublishing.PublishEvent request) {
        return writes.run(publishing.publish(caller.get().owner(), request)).map(published -> {
            RestResponse.ResponseBuilder<EventEnvelope> response = RestResponse.ResponseBuilder
                    .<EventEnvelope>create(RestResponse.Status.ACCEPTED).entity(published.envelope());
            published.deprecatedAt().ifPresent(at -> response.header("Deprecation", "@" + at.getEpochSecond()));
            return response.build();
        });
    }

    @GET
    @Operation(summary = "Read the event log", description = "Ordered by sequence; 'after' takes any sequence, 'next' is the last item's. "
            + "An account key reads its account's events only; operators may name one with 'account'.")
    public Uni<Page<LogEntry>> list(@QueryParam("types") String types, @QueryParam("subject") String subject,
                                    @QueryParam("after") String after, @QueryParam("limit") String limit,
                                    @QueryParam("account") String account) {
        Scope scope = caller.get().scopeNaming(PageParameters.optionalId(account, "account", "must be an account id"));
        return log.page(scope, PageParameters.types(types, "types"), subject == null || subject.isBlank() ? null : subject,
                PageParameters.afterSequence(after), PageParameters.limit(limit));
    }

    @GET
    @Path("/{eventId}")
    @Operation(summary = "Get one event of the log")
    public Uni<LogEntry> get(@PathParam("eventId") UUID eventId) {
        return log.find(caller.get().scope(), eventId).onItem().ifNull().failWith(() -> new ResourceNotFound("Event", eventId));
    }
}
