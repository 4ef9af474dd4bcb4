package dev.tidings.account;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.tidings.event.Timestamps;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import java.util.UUID;

/** The request and response bodies of the accounts API (CONTRACT §11). */
public final class AccountViews {

    private AccountViews() {
    }

    @RegisterForReflection
    public record CreateAccount(@NotBlank @Size(max = 200) String name) {
    }

    @RegisterForReflection
    public record CreateKey(@Size(max = 1000) String description) {
    }

    @RegisterForReflection
    @JsonPropertyOrder({"id", "name", "createdAt"})
    public record AccountView(UUID id, String name, String createdAt) {
        static AccountView of(AccountRepository.Account account) {
            return new AccountView(account.id(), account.name(), Timestamps.format(account.createdAt()));
        }
    }

    /** A key as lists show it: never the key, only the first characters after {@code tdk_}. */
    @RegisterForReflection
    @JsonPropertyOrder({"id", "description", "prefix", "createdAt"})
    public record KeyView(UUID id, String description, String prefix, String createdAt) {
        static KeyView of(AccountRepository.KeyInfo key) {
            return new KeyView(key.id(), key.description(), key.prefix(), Timestamps.format(key.createdAt()));
        }
    }

    /** The answer that issues a key: the only place the key is ever shown. */
    @RegisterForReflection
    @JsonPropertyOrder({"id", "key", "description", "createdAt"})
    public record IssuedKey(UUID id, String key, String description, String createdAt) {
    }
}
