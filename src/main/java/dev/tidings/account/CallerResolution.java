package dev.tidings.account;

import dev.tidings.auth.ApiKeyIdentityProvider;
import dev.tidings.problem.Forbidden;
import dev.tidings.problem.InvalidRequest;
import dev.tidings.problem.ResourceNotFound;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.UUID;

/**
 * Turns the authenticated key and the {@code Tidings-Account} header into the request's {@link Caller}:
 * an operator key with the header acts as that account (which must exist: 404), an account key may
 * name only its own account there (another: 403). Endpoints marked {@link OperatorOnly} are 403 to
 * everyone else, before their body is read.
 */
public class CallerResolution {

    @Inject
    SecurityIdentity identity;
    @Inject
    CurrentCaller current;
    @Inject
    AccountRepository accounts;

    @ServerRequestFilter
    public Uni<Void> resolve(ContainerRequestContext request, ResourceInfo resource) {
        if (resource.getResourceClass() != null && resource.getResourceClass().isAnnotationPresent(PermitAll.class)) {
            return Uni.createFrom().voidItem(); // pages that need no key (the portal's) have no API caller
        }
        if (identity.isAnonymous()) {
            return Uni.createFrom().voidItem(); // only paths that need no key get here
        }
        String key = identity.getPrincipal().getName();
        UUID named = named(request.getHeaderString(Caller.ACCOUNT_HEADER));
        UUID own = identity.getAttribute(ApiKeyIdentityProvider.ACCOUNT);
        if (own != null) {
            if (named != null && !named.equals(own)) {
                throw new Forbidden("An account key acts for its own account only; " + Caller.ACCOUNT_HEADER + " names another.");
            }
            return settle(Caller.ofAccount(key, own), resource);
        }
        if (named == null) {
            return settle(Caller.operator(key, null), resource);
        }
        return accounts.exists(named).chain(exists -> {
            if (!exists) {
                throw new ResourceNotFound("Account", named);
            }
            return settle(Caller.operator(key, named), resource);
        });
    }

    private Uni<Void> settle(Caller caller, ResourceInfo resource) {
        if (resource.getResourceMethod() != null && resource.getResourceMethod().isAnnotationPresent(OperatorOnly.class)) {
            caller.requireOperator();
        }
        current.set(caller);
        return Uni.createFrom().voidItem();
    }

    private static UUID named(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        try {
            return UUID.fromString(header.trim());
        } catch (IllegalArgumentException e) {
            throw new InvalidRequest(Caller.ACCOUNT_HEADER, "must be an account id");
        }
    }
}
