package dev.tidings.schema;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tidings.account.OperatorOnly;
import dev.tidings.paging.Page;
import dev.tidings.paging.PageParameters;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.Json;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import java.net.URI;

/** The event-type registry over HTTP (CONTRACT §3). */
@Path("/event-types")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Event types")
public class EventTypeResource {

    static final String SCHEMA_MEDIA_TYPE = "application/schema+json";

    @Inject
    EventTypeRegistry registry;

    @RegisterForReflection
    public record NewEventType(@NotBlank @Size(max = 255) String eventType, @Size(max = 1000) String description,
                               @NotNull JsonNode schema) {
    }

    @RegisterForReflection
    public record NewVersion(@NotNull JsonNode schema) {
    }

    @GET
    @Operation(summary = "The event catalogue", description = "Every type with its versions, latest and deprecated versions.")
    public Uni<Page<EventTypeView>> list(@QueryParam("limit") String limit, @QueryParam("after") String after) {
        int size = PageParameters.limit(limit);
        return registry.list(after == null || after.isBlank() ? null : after, size + 1)
                .map(rows -> Page.of(rows, size, row -> row, EventTypeView::eventType));
    }

    @GET
    @Path("/{eventType}/versions/{version}")
    @Produces({SCHEMA_MEDIA_TYPE, MediaType.APPLICATION_JSON})
    @Operation(summary = "The JSON Schema (draft 2020-12) of a version's data")
    @APIResponse(responseCode = "200", content = @Content(mediaType = SCHEMA_MEDIA_TYPE))
    public Uni<Response> schema(@PathParam("eventType") String eventType, @PathParam("version") int version) {
        return registry.schema(eventType, version)
                .map(schema -> Response.ok(schema).type(SCHEMA_MEDIA_TYPE).build());
    }

    @POST
    @OperatorOnly
    @Operation(summary = "Register a new event type (version 1)", description = "409 if it exists or lies under order. or webhook.")
    public Uni<RestResponse<EventTypeView>> register(@NotNull @Valid NewEventType request) {
        return registry.register(request.eventType(), request.description(), vertxJson(request.schema()))
                .map(view -> RestResponse.ResponseBuilder.<EventTypeView>created(URI.create("/event-types/" + view.eventType()))
                        .entity(view).build());
    }

    @POST
    @OperatorOnly
    @Path("/{eventType}/versions")
    @Operation(summary = "Register the next version of an event type", description = "The registry numbers it.")
    public Uni<RestResponse<EventTypeView>> addVersion(@PathParam("eventType") String eventType, @NotNull @Valid NewVersion request) {
        return registry.addVersion(eventType, vertxJson(request.schema()))
                .map(view -> RestResponse.ResponseBuilder.<EventTypeView>created(
                        URI.create("/event-types/" + eventType + "/versions/" + view.latestVersion())).entity(view).build());
    }

    @POST
    @OperatorOnly
    @Path("/{eventType}/versions/{version}/deprecation")
    @Operation(summary = "Deprecate a version", description = "It stays publishable and deliverable, with a Deprecation header.")
    public Uni<EventTypeView> deprecate(@PathParam("eventType") String eventType, @PathParam("version") int version) {
        return registry.deprecate(eventType, version);
    }

    /** The schema as Vert.x JSON (objects become JsonObject; anything else stays what it is and is refused). */
    private static Object vertxJson(JsonNode schema) {
        return Json.decodeValue(schema.toString());
    }
}
