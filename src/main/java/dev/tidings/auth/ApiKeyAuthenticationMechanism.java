package dev.tidings.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tidings.problem.Problem;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Set;

/**
 * Reads the API key from {@code Authorization: Bearer <key>}; on the SSE endpoint only, also from the
 * {@code access_token} query parameter, since browsers' EventSource cannot set headers.
 */
@ApplicationScoped
public class ApiKeyAuthenticationMechanism implements HttpAuthenticationMechanism {

    static final String STREAM_PATH = "/events/stream";
    private static final String BEARER = "bearer ";

    private final String unauthenticated;

    public ApiKeyAuthenticationMechanism(ObjectMapper json) throws JsonProcessingException {
        this.unauthenticated = json.writeValueAsString(Problem.of(401, Problem.UNAUTHENTICATED));
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identityProviderManager) {
        String key = presentedKey(context);
        if (key == null) {
            return Uni.createFrom().nullItem();
        }
        return identityProviderManager.authenticate(HttpSecurityUtils.setRoutingContextAttribute(new ApiKeyCredential(key), context));
    }

    private static String presentedKey(RoutingContext context) {
        String header = context.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return header.substring(BEARER.length()).trim();
        }
        if (STREAM_PATH.equals(context.normalizedPath())) {
            return context.request().getParam("access_token");
        }
        return null;
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", "Bearer"));
    }

    /** The 401 of the HTTP layer, which answers before any resource is matched: a problem+json like every error. */
    @Override
    public Uni<Boolean> sendChallenge(RoutingContext context) {
        if (!context.response().headWritten()) {
            context.response().setStatusCode(401)
                    .putHeader("WWW-Authenticate", "Bearer")
                    .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                    .end(unauthenticated);
        }
        return Uni.createFrom().item(true);
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(ApiKeyCredential.class);
    }
}
