package dev.tidings.portal;

import dev.tidings.account.AccountService;
import dev.tidings.account.Caller;
import dev.tidings.config.EventsConfig;
import dev.tidings.event.Timestamps;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * Portal links and the sessions they open (CONTRACT §15): a link works once, within
 * {@code events.portal.link-ttl}; a session lasts {@link #SESSION_LIFETIME} or until its sign-out.
 */
@ApplicationScoped
public class PortalSessions {

    /** The portal's session cookie lives this long at most (CONTRACT §15). */
    static final Duration SESSION_LIFETIME = Duration.ofHours(12);

    private final PortalRepository repository;
    private final AccountService accounts;
    private final Duration linkTtl;

    public PortalSessions(PortalRepository repository, AccountService accounts, EventsConfig config) {
        this.repository = repository;
        this.accounts = accounts;
        this.linkTtl = config.portal().linkTtl();
    }

    /** A link issued for the portal; the token is in {@code url} only. */
    @RegisterForReflection
    public record Link(String url, String expiresAt) {
    }

    /** A signed-in browser: its account, and the CSRF token its forms carry. */
    public record Session(UUID account, String csrf, String token) {

        /** Acts exactly as the account's key would: every page goes through the API's own rules. */
        public Caller caller() {
            return Caller.ofAccount(PortalSessionIdentityProvider.principal(token), account);
        }
    }

    /** Issued by an operator or the account's own key; any other account is 404, as on every account endpoint. */
    public Uni<Link> issueLink(Caller caller, UUID accountId, URI base) {
        String token = PortalTokens.newLink();
        Instant expiresAt = Timestamps.now().plus(linkTtl);
        return accounts.find(caller, accountId)
                .chain(account -> repository.insertLink(PortalTokens.digest(token), accountId, expiresAt))
                .replaceWith(() -> new Link(base.resolve("/portal/links/" + token).toString(), Timestamps.format(expiresAt)));
    }

    /** A new session's token for a link that was unused and unexpired; null for any other. */
    public Uni<String> signIn(String linkToken) {
        if (linkToken == null || !linkToken.startsWith(PortalTokens.LINK_MARK)) {
            return Uni.createFrom().nullItem();
        }
        return repository.consumeLink(PortalTokens.digest(linkToken)).chain(account -> {
            if (account == null) {
                return Uni.createFrom().nullItem();
            }
            String session = PortalTokens.newSession();
            Instant now = Timestamps.now();
            return repository.purgeExpired()
                    .chain(() -> repository.insertSession(PortalTokens.digest(session), account, now, now.plus(SESSION_LIFETIME)))
                    .replaceWith(session);
        });
    }

    /** The session a cookie names while it lasts; null for none. */
    public Uni<Session> find(String sessionToken) {
        if (sessionToken == null || !sessionToken.startsWith(PortalTokens.SESSION_MARK)) {
            return Uni.createFrom().nullItem();
        }
        return repository.sessionAccount(PortalTokens.digest(sessionToken))
                .map(account -> account == null ? null : new Session(account, PortalTokens.csrf(sessionToken), sessionToken));
    }

    public Uni<Void> signOut(String sessionToken) {
        return sessionToken == null ? Uni.createFrom().voidItem() : repository.deleteSession(PortalTokens.digest(sessionToken));
    }
}
