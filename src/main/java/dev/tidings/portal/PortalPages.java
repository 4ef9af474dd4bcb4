package dev.tidings.portal;

import dev.tidings.problem.ProblemException;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;

import java.net.URI;
import java.util.function.Function;

/**
 * What every portal page shares: the session it needs, the CSRF check of every form, the headers of an
 * HTML answer, and HTML error pages in place of the API's problem+json.
 */
@ApplicationScoped
public class PortalPages {

    private static final Logger LOG = Logger.getLogger(PortalPages.class);
    /** No inline script or style, no framing, no referrer (a link's token must not leak to other sites). */
    private static final String CONTENT_SECURITY_POLICY = "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

    @Inject
    PortalSessions sessions;
    @Inject
    @Location("portal/message.html")
    Template message;

    /** A page for a signed-in browser; without a session, a page saying how to get one. */
    public Uni<Response> page(String cookie, Function<PortalSessions.Session, Uni<Response>> body) {
        return sessions.find(cookie).chain(session -> session == null ? Uni.createFrom().item(signedOut())
                        : Uni.createFrom().deferred(() -> body.apply(session)).onFailure().recoverWithItem(failure -> failure(session, failure)));
    }

    /** A state-changing form: the session's CSRF token must come with it (403 otherwise). */
    public Uni<Response> action(String cookie, String csrf, Function<PortalSessions.Session, Uni<Response>> body) {
        return page(cookie, session -> PortalTokens.sameToken(session.csrf(), csrf) ? body.apply(session)
                : Uni.createFrom().item(messagePage(session, 403, "Form expired",
                        "This form was not sent from your current portal session. Go back, reload the page and try again.")));
    }

    public Response html(int status, TemplateInstance page) {
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).entity(page.render())
                .header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .header("X-Frame-Options", "DENY")
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer")
                .header("Cache-Control", "no-store")
                .build();
    }

    public Response ok(TemplateInstance page) {
        return html(200, page);
    }

    /** Post/redirect/get: a reload does not send the form again. */
    public static Response seeOther(String path) {
        return Response.seeOther(URI.create(path)).header("Cache-Control", "no-store").build();
    }

    public Response messagePage(PortalSessions.Session session, int status, String heading, String detail) {
        TemplateInstance page = message.data("status", status).data("heading", heading).data("detail", detail);
        return html(status, session == null ? page : page.data("csrf", session.csrf()));
    }

    public Response signedOut() {
        return messagePage(null, 401, "Not signed in",
                "The portal opens with a sign-in link from the service you use. Ask it for a new link; each link works once.");
    }

    public Response failure(PortalSessions.Session session, Throwable failure) {
        if (failure instanceof ProblemException problem) {
            int status = problem.toProblem().status();
            return status == 404 ? messagePage(session, 404, "Not found", "There is nothing here, or it belongs to another account.")
                    : messagePage(session, status, problem.toProblem().title(), problem.getMessage());
        }
        LOG.error("A portal page failed", failure);
        return messagePage(session, 500, "Something went wrong", "The page could not be shown. Try again in a moment.");
    }
}
