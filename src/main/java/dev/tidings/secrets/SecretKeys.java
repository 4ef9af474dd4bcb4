package dev.tidings.secrets;

import dev.tidings.config.EventsConfig;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The service's one {@link SecretCipher}, built from {@code events.secrets.keys}. */
@Singleton
public class SecretKeys {

    @Produces
    @Singleton
    SecretCipher cipher(EventsConfig config) {
        return SecretCipher.of(config.secrets().keys());
    }
}
