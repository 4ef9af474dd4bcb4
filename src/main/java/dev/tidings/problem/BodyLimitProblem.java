package dev.tidings.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Answers a body over {@code quarkus.http.limits.max-body-size} with a 413 problem+json: bodies with a
 * declared length are refused before they are read, chunked ones when the HTTP layer gives up on them.
 * A declared length is checked once the request is authorised (a request without a valid key is 401 whatever
 * else is wrong with it) and before Quarkus' own check of it, which would answer without a problem body.
 */
@ApplicationScoped
public class BodyLimitProblem {

    /** After Quarkus' authentication (-200) and authorisation (-100) filters, before its upload limit (-2). */
    static final int AFTER_AUTHORISATION = RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1;

    private final long maxBodySize;
    private final String body;

    public BodyLimitProblem(@ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize maxBodySize,
                            ObjectMapper json) throws JsonProcessingException {
        this.maxBodySize = maxBodySize.asLongValue();
        this.body = json.writeValueAsString(Problem.of(413, "The request body is larger than " + maxBodySize.asLongValue() + " bytes."));
    }

    void register(@Observes Router router) {
        router.route().order(AFTER_AUTHORISATION).handler(this::checkDeclaredLength);
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
