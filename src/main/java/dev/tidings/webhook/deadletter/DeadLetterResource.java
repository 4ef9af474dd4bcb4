package dev.tidings.webhook.deadletter;

import dev.tidings.account.CurrentCaller;
import dev.tidings.paging.Page;
import dev.tidings.paging.PageParameters;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;

import java.util.UUID;

/** The dead-letter queue over HTTP (CONTRACT §7). */
@Path("/dead-letters")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Dead letters")
public class DeadLetterResource {

    @Inject
    DeadLetterQueue queue;
    @Inject
    CurrentCaller caller;

    @RegisterForReflection
    public record ReplayFilter(UUID webhookId, String eventType) {
    }

    @RegisterForReflection
    public record Replayed(int replayed) {
    }

    @GET
    @Operation(summary = "List dead letters", description = "Oldest first; filters by subscription and event type (wildcards allowed).")
    public Uni<Page<DeadLetterView>> list(@QueryParam("webhookId") String webhookId, @QueryParam("eventType") String eventType,
                                          @QueryParam("limit") String limit, @QueryParam("after") String after) {
        int size = PageParameters.limit(limit);
        UUID subscription = PageParameters.optionalId(webhookId, "webhookId", "must be a subscription id");
        return queue.list(caller.get().scope(), subscription, PageParameters.types(eventType, "eventType"), PageParameters.afterId(after), size + 1)
                .map(rows -> Page.of(rows, size, row -> row, row -> row.id().toString()));
    }

    @POST
    @Path("/{id}/replay")
    @ResponseStatus(202)
    @Operation(summary = "Replay one dead letter", description = "Attempted again with a fresh schedule; 409 while its subscription is disabled.")
    public Uni<Void> replay(@PathParam("id") UUID id) {
        return queue.replay(caller.get().scope(), id);
    }

    @POST
    @Path("/replay")
    @ResponseStatus(202)
    @Operation(summary = "Replay every matching dead letter", description = "Entries of disabled subscriptions are skipped and not counted.")
    public Uni<Replayed> replayMatching(ReplayFilter filter) {
        ReplayFilter f = filter == null ? new ReplayFilter(null, null) : filter;
        return queue.replayMatching(caller.get().scope(), f.webhookId(), PageParameters.types(f.eventType(), "eventType")).map(Replayed::new);
    }
}
