package dev.tidings.problem;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.List;

/**
 * An RFC 9457 problem detail, the body of every error response; {@code oldestSequence} is the extension
 * member of a 410 for a cursor older than the log (CONTRACT §12).
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, List<FieldError> errors, Long oldestSequence) {

    public static final String MEDIA_TYPE = "application/problem+json";
    public static final String UNAUTHENTICATED = "A valid API key is required: Authorization: Bearer <key>.";

    @RegisterForReflection
    public record FieldError(String field, String message) {
    }

    public static Problem of(int status, String detail) {
        return new Problem("about:blank", title(status), status, detail, null, null);
    }

    public static Problem of(int status, String detail, List<FieldError> errors) {
        return new Problem("about:blank", title(status), status, detail, errors == null || errors.isEmpty() ? null : errors, null);
    }

    public Response toResponse() {
        return Response.status(status).type(MediaType.valueOf(MEDIA_TYPE)).entity(this).build();
    }

    static String title(int status) {
        Response.Status known = Response.Status.fromStatusCode(status);
        if (status == 422) {
            return "Unprocessable Content";
        }
        if (status == 413) {
            return "Content Too Large";
        }
        return known != null ? known.getReasonPhrase() : "Error";
    }
}
