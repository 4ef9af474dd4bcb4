package dev.tidings.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Collectors;

/** Maps every error family to RFC 9457 problem+json; 5xx are logged here and never leak details. */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response typed(ProblemException e) {
        return e.toResponse();
    }

    @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
    public Response unauthenticated(RuntimeException e) {
        return Response.fromResponse(Problem.of(401, Problem.UNAUTHENTICATED).toResponse())
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return Problem.of(403, "This API key may not do that.").toResponse();
    }

    @ServerExceptionMapper
    public Response wrongShape(MismatchedInputException e) {
        return Problem.of(400, "The request body does not have the expected shape.",
                List.of(new Problem.FieldError(path(e), "has the wrong type or shape"))).toResponse();
    }

    @ServerExceptionMapper
    public Response invalidJson(JsonProcessingException e) {
        if (e instanceof MismatchedInputException mismatch) {
            return wrongShape(mismatch);
        }
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            return Problem.of(400, "The request body does not have the expected shape.",
                    List.of(new Problem.FieldError(path(mapping), "is invalid"))).toResponse();
        }
        return Problem.of(400, "The request body is not valid JSON.").toResponse();
    }

    @ServerExceptionMapper
    public Response invalid(ConstraintViolationException e) {
        List<Problem.FieldError> errors = e.getConstraintViolations().stream()
                .map(v -> new Problem.FieldError(field(v), v.getMessage()))
                .sorted(Comparator.comparing(Problem.FieldError::field))
                .collect(Collectors.toCollection(ArrayList::new));
        return Problem.of(400, "The request is invalid.", errors).toResponse();
    }

    @ServerExceptionMapper
    public Response http(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        if (e.getCause() instanceof JsonProcessingException json) {
            return invalidJson(json);
        }
        if (status >= 500) {
            LOG.error("Request failed", e);
            return Problem.of(status, "The service could not handle the request.").toResponse();
        }
        String detail = switch (status) {
            case 404 -> "No such resource.";
            case 405 -> "This method is not allowed here.";
            case 406 -> "None of the accepted media types can be produced.";
            case 413 -> "The request body is too large.";
            case 415 -> "Unsupported media type: send application/json.";
            case 400 -> "The request is invalid.";
            default -> "The request could not be handled.";
        };
        Response.ResponseBuilder response = Response.fromResponse(Problem.of(status, detail).toResponse());
        if (e.getResponse().getHeaderString(HttpHeaders.ALLOW) != null) {
            response.header(HttpHeaders.ALLOW, e.getResponse().getHeaderString(HttpHeaders.ALLOW));
        }
        return response.build();
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        if (DatabaseUnavailable.isCause(e)) {
            LOG.warnf("Answered 503, the database is unavailable: %s", e.toString());
            return Response.fromResponse(Problem.of(503, "The database is unavailable for a moment; try again.").toResponse())
                    .header(HttpHeaders.RETRY_AFTER, DatabaseUnavailable.RETRY_AFTER.toSeconds()).build();
        }
        if (DatabaseBusy.isCause(e)) {
            LOG.debugf("Answered 503, the database pool is full: %s", e.toString());
            return Response.fromResponse(Problem.of(503, "This instance is busy; try again.").toResponse())
                    .header(HttpHeaders.RETRY_AFTER, DatabaseBusy.RETRY_AFTER.toSeconds()).build();
        }
        LOG.error("Unexpected failure", e);
        return Problem.of(500, "The service could not handle the request.").toResponse();
    }

    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.isEmpty() ? "body" : path.toString();
    }

    /** "placeOrder.request.items[0].unitPrice" becomes "items[0].unitPrice". */
    private static String field(ConstraintViolation<?> violation) {
        Iterator<Path.Node> nodes = violation.getPropertyPath().iterator();
        StringBuilder field = new StringBuilder();
        int depth = 0;
        while (nodes.hasNext()) {
            Path.Node node = nodes.next();
            if (depth++ < 2 && (node.getKind() == ElementKind.METHOD
                    || node.getKind() == ElementKind.PARAMETER)) {
                continue;
            }
            if (node.getIndex() != null) {
                field.append('[').append(node.getIndex()).append(']');
            }
            if (node.getName() != null) {
                field.append(field.isEmpty() ? "" : ".").append(node.getName());
            }
        }
        return field.isEmpty() ? "body" : field.toString();
    }
}
