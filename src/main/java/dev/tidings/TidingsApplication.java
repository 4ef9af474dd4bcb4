package dev.tidings;

import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;

/** The HTTP API as a whole: every endpoint outside /q/* needs a bearer API key. */
@OpenAPIDefinition(
        info = @Info(title = "Tidings", version = "1",
                description = "Event-emitting API: transactional outbox, Kafka relay, webhooks and Server-Sent Events."),
        security = @SecurityRequirement(name = "apiKey"))
@SecurityScheme(securitySchemeName = "apiKey", type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "An operator key (one of events.auth.api-keys) or an account key (tdk_...)")
public class TidingsApplication extends Application {
}
