package dev.tidings.auth;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/** An API key presented by a client, waiting to be checked. */
public class ApiKeyCredential extends BaseAuthenticationRequest {

    private final String key;

    public ApiKeyCredential(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }
}
