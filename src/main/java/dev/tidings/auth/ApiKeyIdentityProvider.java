package dev.tidings.auth;

import dev.tidings.config.EventsConfig;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/** Accepts a key that equals one of {@code events.auth.api-keys}, compared in constant time. */
@ApplicationScoped
public class ApiKeyIdentityProvider implements IdentityProvider<ApiKeyCredential> {

    private final List<byte[]> keys;

    public ApiKeyIdentityProvider(EventsConfig config) {
        this.keys = config.auth().apiKeys().stream().map(String::trim).filter(k -> !k.isEmpty())
                .map(k -> k.getBytes(StandardCharsets.UTF_8)).toList();
    }

    @Override
    public Class<ApiKeyCredential> getRequestType() {
        return ApiKeyCredential.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(ApiKeyCredential credential, AuthenticationRequestContext context) {
        byte[] presented = credential.key().getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < keys.size(); i++) {
            if (MessageDigest.isEqual(keys.get(i), presented)) {
                return Uni.createFrom().item(QuarkusSecurityIdentity.builder()
                        .setPrincipal(new QuarkusPrincipal("api-key-" + (i + 1))).build());
            }
        }
        return Uni.createFrom().failure(new AuthenticationFailedException("Unknown API key"));
    }
}
