package dev.tidings.auth;

import dev.tidings.account.AccountKeyLookup;
import dev.tidings.account.AccountKeys;
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

/**
 * Accepts an operator key (one of {@code events.auth.api-keys}, compared in constant time) or an
 * account key ({@code tdk_…}, found by its digest). The identity says which: {@link #OPERATOR} or the
 * {@link #ACCOUNT} it belongs to.
 */
@ApplicationScoped
public class ApiKeyIdentityProvider implements IdentityProvider<ApiKeyCredential> {

    /** Attribute set (to true) on an operator key's identity. */
    public static final String OPERATOR = "tidings.operator";
    /** Attribute holding an account key's account id. */
    public static final String ACCOUNT = "tidings.account";

    private final List<byte[]> operatorKeys;
    private final AccountKeyLookup accountKeys;

    public ApiKeyIdentityProvider(EventsConfig config, AccountKeyLookup accountKeys) {
        this.operatorKeys = config.auth().apiKeys().stream().map(String::trim).filter(k -> !k.isEmpty())
                .map(k -> k.getBytes(StandardCharsets.UTF_8)).toList();
        this.accountKeys = accountKeys;
    }

    @Override
    public Class<ApiKeyCredential> getRequestType() {
        return ApiKeyCredential.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(ApiKeyCredential credential, AuthenticationRequestContext context) {
        if (AccountKeys.looksLikeAccountKey(credential.key())) {
            return accountKeys.ownerOf(credential.key()).map(owner -> owner
                    .map(o -> (SecurityIdentity) QuarkusSecurityIdentity.builder()
                            .setPrincipal(new QuarkusPrincipal("account-key-" + o.keyId()))
                            .addAttribute(ACCOUNT, o.account()).build())
                    .orElseThrow(() -> new AuthenticationFailedException("Unknown account key")));
        }
        byte[] presented = credential.key().getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < operatorKeys.size(); i++) {
            if (MessageDigest.isEqual(operatorKeys.get(i), presented)) {
                return Uni.createFrom().item(QuarkusSecurityIdentity.builder()
                        .setPrincipal(new QuarkusPrincipal("api-key-" + (i + 1))).addAttribute(OPERATOR, true).build());
            }
        }
        return Uni.createFrom().failure(new AuthenticationFailedException("Unknown API key"));
    }
}
