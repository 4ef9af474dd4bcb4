package dev.tidings.portal;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/** A portal session cookie presented on the event stream, waiting to be checked. */
class PortalSessionCredential extends BaseAuthenticationRequest {

    private final String token;

    PortalSessionCredential(String token) {
        this.token = token;
    }

    String token() {
        return token;
    }
}
