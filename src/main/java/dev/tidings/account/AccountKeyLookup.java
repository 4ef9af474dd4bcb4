package dev.tidings.account;

import dev.tidings.background.PgNotifications;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Finds the account of a presented key by its digest, remembering answers briefly so that a busy
 * client does not cost a query per request. A revoked key stops working at once on the replica that
 * deleted it and, through the deletion's notification, on every other replica; should a notification
 * be lost (the listening connection was down), {@link #REMEMBER} bounds how long a revoked key lives on.
 */
@ApplicationScoped
public class AccountKeyLookup {

    /**
     * Counted from the start of the query that found the key, so before any revocation it missed: inside the 5 seconds
     * within which a revocation must reach every replica (CONTRACT §11), however long that query took.
     */
    static final Duration REMEMBER = Duration.ofSeconds(4);
    /** Raised by the account_key delete trigger (see the migrations). */
    static final String REVOKED_CHANNEL = "account_key_revoked";
    /** Bounds the memory that clients presenting many different valid keys can take. */
    private static final int MAX_REMEMBERED = 10_000;

    @Inject
    AccountRepository accounts;
    @Inject
    PgNotifications notifications;

    private record Remembered(AccountRepository.KeyOwner owner, long until) {
    }

    private final Map<String, Remembered> remembered = new ConcurrentHashMap<>();
    /** Bumped by every revocation: an answer read before one is not remembered after it. */
    private final AtomicLong revocations = new AtomicLong();

    void start(@Observes StartupEvent startup) {
        notifications.listen(REVOKED_CHANNEL, this::forgetAll);
    }

    /** The key's owner, or empty for a key that does not exist (or no longer does). */
    public Uni<Optional<AccountRepository.KeyOwner>> ownerOf(String key) {
        byte[] digest = AccountKeys.digest(key);
        String id = HexFormat.of().formatHex(digest);
        Remembered known = remembered.get(id);
        if (known != null && System.nanoTime() - known.until() < 0) {
            return Uni.createFrom().item(Optional.of(known.owner()));
        }
        long revocationsBefore = revocations.get();
        long asked = System.nanoTime();
        return accounts.ownerOf(digest).invoke(owner -> {
            if (owner.isEmpty() || revocations.get() != revocationsBefore) {
                remembered.remove(id);
            } else {
                if (remembered.size() >= MAX_REMEMBERED) {
                    remembered.clear();
                }
                remembered.put(id, new Remembered(owner.get(), asked + REMEMBER.toNanos()));
            }
        });
    }

    void forgetAll() {
        revocations.incrementAndGet();
        remembered.clear();
    }
}
