package dev.tidings.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Answers a body over {@code quarkus.http.limits.max-body-size} with a 413 problem+json: bodies with a
 * declared length are refused before they are read, chunked ones when the HTTP layer gives up on them.
 */
@ApplicationScoped
public class BodyLimitProblem {

    private final long maxBodySize;
    private final String body;

    public BodyLimitProblem(@ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize maxBodySize,
                            ObjectMapper json) throws JsonProcessingException {
        this.maxBodySize = maxBodySize.asLongValue();
        this.body = json.writeValueAsString(Problem.of(413, "The request body is larger than " + maxBodySize.asLongValue() + " bytes."));
    }

    void register(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::checkDeclaredLength);
        router.route().order(Integer.MIN_VALUE).failureHandler(context -> {
            if (context.statusCode() == 413) {
                respond(context);
            } else {
                context.next();
            }
        });
    }

    private void checkDeclaredLength(RoutingContext context) {
        String length = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null && isOver(length)) {
            respond(context);
        } else {
            context.next();
        }
    }

    private boolean isOver(String length) {
        try {
            return Long.parseLong(length.trim()) > maxBodySize;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private void respond(RoutingContext context) {
        if (!context.response().headWritten()) {
            context.response().setStatusCode(413)
                    .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                    .putHeader(HttpHeaders.CONNECTION, "close")
                    .end(body);
        }
    }
}
