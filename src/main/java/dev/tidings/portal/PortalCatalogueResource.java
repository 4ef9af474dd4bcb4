package dev.tidings.portal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tidings.schema.EventTypeRegistry;
import dev.tidings.schema.EventTypeView;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.util.List;

/** The event catalogue: every type, its versions and each version's schema; and the live view of the account's events. */
@Path("/portal")
@PermitAll
@Produces(MediaType.TEXT_HTML)
public class PortalCatalogueResource {

    /** More types than any catalogue here holds; the page is one list. */
    private static final int MAX_TYPES = 1000;

    @Inject
    PortalPages pages;
    @Inject
    EventTypeRegistry registry;
    @Inject
    ObjectMapper json;
    @Inject
    @Location("portal/catalogue.html")
    Template catalogue;
    @Inject
    @Location("portal/live.html")
    Template live;

    /** One version of a type with its schema, indented for reading. */
    @RegisterForReflection
    public record Version(int version, boolean deprecated, String schema) {
    }

    /** A type as the page shows it. */
    @RegisterForReflection
    public record Entry(String eventType, String description, List<Version> versions) {
    }

    @GET
    @Path("/catalogue")
    @Operation(hidden = true)
    public Uni<Response> catalogue(@CookieParam(PortalCookies.SESSION) String cookie) {
        return pages.page(cookie, session -> registry.list(null, MAX_TYPES)
                .chain(types -> Multi.createFrom().iterable(types).onItem().transformToUniAndConcatenate(this::entry).collect().asList())
                .map(entries -> pages.ok(catalogue.data("csrf", session.csrf()).data("types", entries))));
    }

    @GET
    @Path("/live")
    @Operation(hidden = true)
    public Uni<Response> live(@CookieParam(PortalCookies.SESSION) String cookie) {
        // The page listens for every type it knows by name: a named SSE event reaches only listeners of that name
        return pages.page(cookie, session -> registry.list(null, MAX_TYPES).map(types -> pages.ok(live.data("csrf", session.csrf())
                .data("types", String.join(" ", types.stream().map(EventTypeView::eventType).toList())))));
    }

    private Uni<Entry> entry(EventTypeView type) {
        return Multi.createFrom().iterable(type.versions())
                .onItem().transformToUniAndConcatenate(version -> registry.schema(type.eventType(), version)
                        .map(schema -> new Version(version, type.deprecatedVersions().contains(version), indented(schema))))
                .collect().asList()
                .map(versions -> new Entry(type.eventType(), type.description(), versions));
    }

    private String indented(String schema) {
        try {
            return json.writerWithDefaultPrettyPrinter().writeValueAsString(json.readTree(schema));
        } catch (JsonProcessingException e) {
            return schema;
        }
    }
}
