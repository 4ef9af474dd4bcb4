package dev.tidings.sse;

import dev.tidings.account.Caller;
import dev.tidings.account.CurrentCaller;
import dev.tidings.account.Scope;
import dev.tidings.event.TypeFilter;
import dev.tidings.paging.PageParameters;
import dev.tidings.retention.LogFloor;
import io.smallrye.mutiny.Multi;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseHeader;

/** The Server-Sent Events stream (CONTRACT §8). */
@Path("/events/stream")
@Tag(name = "Event stream")
public class EventStreamResource {

    @Inject
    EventStream stream;
    @Inject
    StreamQuota quota;
    @Inject
    CurrentCaller caller;
    @Inject
    LogFloor floor;

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @ResponseHeader(name = "Cache-Control", value = "no-cache")
    @ResponseHeader(name = "X-Accel-Buffering", value = "no")
    @Operation(summary = "Stream events live", description = "Each event: id = sequence, event = eventType, data = envelope. "
            + "With Last-Event-ID (header or lastEventId parameter) the missed events are replayed first. "
            + "Browsers may pass the API key as access_token. An account key sees only its account's events; "
            + "operators may name one with 'account'.")
    public Multi<OutboundSseEvent> stream(@Context Sse sse, @Context HttpServerRequest request, @QueryParam("types") String types,
                                         @HeaderParam("Last-Event-ID") String lastEventIdHeader,
                                         @QueryParam("lastEventId") String lastEventIdParameter,
                                         @QueryParam("account") String account) {
        Caller who = caller.get();
        Scope scope = who.scopeNaming(PageParameters.optionalId(account, "account", "must be an account id"));
        Long lastEventId = lastEventId(lastEventIdHeader != null ? lastEventIdHeader : lastEventIdParameter);
        if (lastEventId != null) {
            // 410 before the stream starts; should the floor have moved since this instance last read it, the
            // replay's own read fails the stream instead (the client reconnects and gets the 410): never a gap
            LogFloor.requireHeld(lastEventId, floor.oldest());
        }
        TypeFilter filter = PageParameters.types(types, "types");
        String key = who.key();
        // 429 or 503 before the live feed subscription is made: a refused stream must not leave a listener behind
        quota.acquire(key);
        SharedConnectionFlushes.consolidate(request);
        return stream.open(sse, scope, filter, lastEventId, request.connection(), () -> quota.release(key));
    }

    private static Long lastEventId(String value) {
        return PageParameters.optionalSequence(value, "Last-Event-ID",
                "must be the id (a sequence number) of an event received before");
    }
}
