package dev.tidings.account;

import dev.tidings.event.TimeOrderedIds;
import dev.tidings.event.Timestamps;
import dev.tidings.problem.ResourceNotFound;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The accounts use cases. Operators create and list accounts; an account's own key may read it and
 * manage its keys; any other account is 404 to it, exactly as if it did not exist.
 */
@ApplicationScoped
public class AccountService {

    @Inject
    AccountRepository accounts;
    @Inject
    AccountKeyLookup keyLookup;

    public Uni<AccountRepository.Account> create(String name) {
        AccountRepository.Account account = new AccountRepository.Account(TimeOrderedIds.next(), name.trim(), Timestamps.now());
        return accounts.insert(account).replaceWith(account);
    }

    public Uni<List<AccountRepository.Account>> list(UUID after, int limit) {
        return accounts.list(after, limit);
    }

    public Uni<AccountRepository.Account> find(Caller caller, UUID id) {
        if (!caller.scope().includes(id)) {
            return Uni.createFrom().failure(new ResourceNotFound("Account", id));
        }
        return accounts.find(id).onItem().ifNull().failWith(() -> new ResourceNotFound("Account", id));
    }

    public Uni<AccountViews.IssuedKey> issueKey(Caller caller, UUID accountId, String description) {
        String key = AccountKeys.newKey();
        Instant now = Timestamps.now();
        AccountRepository.KeyInfo info = new AccountRepository.KeyInfo(TimeOrderedIds.next(), description, AccountKeys.prefix(key), now);
        return find(caller, accountId)
                .chain(account -> accounts.insertKey(accountId, info, AccountKeys.digest(key)))
                .replaceWith(() -> new AccountViews.IssuedKey(info.id(), key, description, Timestamps.format(now)));
    }

    public Uni<List<AccountRepository.KeyInfo>> keys(Caller caller, UUID accountId, UUID after, int limit) {
        return find(caller, accountId).chain(account -> accounts.keys(accountId, after, limit));
    }

    /** From the answer on, the key is 401 here; other replicas hear of it through the deletion's notification. */
    public Uni<Void> revokeKey(Caller caller, UUID accountId, UUID keyId) {
        return find(caller, accountId)
                .chain(account -> accounts.deleteKey(accountId, keyId))
                .invoke(deleted -> {
                    if (!deleted) {
                        throw new ResourceNotFound("Key", keyId);
                    }
                    keyLookup.forgetAll();
                })
                .replaceWithVoid();
    }
}
