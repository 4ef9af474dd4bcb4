package dev.tidings.portal;

import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.Cookie;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Set;

/**
 * Lets the portal's live view open the account's event stream with the session cookie, so that no
 * long-lived key ever reaches the page. Only on the stream: every other API endpoint keeps requiring
 * a key. Runs after the key mechanism, whose 401 challenge stays the one clients see.
 */
@ApplicationScoped
public class PortalSessionAuthenticationMechanism implements HttpAuthenticationMechanism {

    static final String STREAM_PATH = "/events/stream";

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identityProviderManager) {
        Cookie cookie = STREAM_PATH.equals(context.normalizedPath()) ? context.request().getCookie(PortalCookies.SESSION) : null;
        if (cookie == null) {
            return Uni.createFrom().nullItem();
        }
        return identityProviderManager.authenticate(HttpSecurityUtils.setRoutingContextAttribute(
                new PortalSessionCredential(cookie.getValue()), context));
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", "Bearer"));
    }

    /** Leaves the challenge to the key mechanism, which answers with problem+json. */
    @Override
    public Uni<Boolean> sendChallenge(RoutingContext context) {
        return Uni.createFrom().item(false);
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(PortalSessionCredential.class);
    }

    @Override
    public int getPriority() {
        return DEFAULT_PRIORITY - 100;
    }
}
