package dev.tidings.portal;

import dev.tidings.auth.ApiKeyIdentityProvider;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.HexFormat;

/** A live portal session acts as its account, exactly as an account key would. */
@ApplicationScoped
public class PortalSessionIdentityProvider implements IdentityProvider<PortalSessionCredential> {

    @Inject
    PortalSessions sessions;

    /** Names the session by a digest prefix (stream quotas count per name); never by the token itself. */
    static String principal(String token) {
        return "portal-session-" + HexFormat.of().formatHex(PortalTokens.digest(token), 0, 8);
    }

    @Override
    public Class<PortalSessionCredential> getRequestType() {
        return PortalSessionCredential.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(PortalSessionCredential credential, AuthenticationRequestContext context) {
        return sessions.find(credential.token()).map(session -> {
            if (session == null) {
                throw new AuthenticationFailedException("No such portal session");
            }
            return QuarkusSecurityIdentity.builder().setPrincipal(new QuarkusPrincipal(principal(credential.token())))
                    .addAttribute(ApiKeyIdentityProvider.ACCOUNT, session.account()).build();
        });
    }
}
