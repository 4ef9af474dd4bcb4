package dev.tidings.account;

import dev.tidings.problem.Forbidden;

import java.util.UUID;

/**
 * Who is asking: an operator key (acting for no account, or for the account named by
 * {@code Tidings-Account}) or an account key. {@code key} identifies the key itself (stream quotas).
 */
public record Caller(String key, boolean operatorKey, UUID account) {

    public static final String ACCOUNT_HEADER = "Tidings-Account";

    public static Caller operator(String key, UUID actingAs) {
        return new Caller(key, true, actingAs);
    }

    public static Caller ofAccount(String key, UUID account) {
        return new Caller(key, false, account);
    }

    /** An operator acting for no account; one acting as an account is treated exactly as that account's key. */
    public boolean isOperator() {
        return operatorKey && account == null;
    }

    /** What this caller may read and change. */
    public Scope scope() {
        return Scope.of(account);
    }

    /** The owner of what this caller creates: its account, or none (the operators'). */
    public UUID owner() {
        return account;
    }

    public void requireOperator() {
        if (!isOperator()) {
            throw new Forbidden("Only an operator key (events.auth.api-keys) may do this, and not on behalf of an account.");
        }
    }

    /**
     * The scope of a list that takes {@code account=<id>}: an operator may name any account, an account only
     * itself (another id: 403).
     */
    public Scope scopeNaming(UUID named) {
        if (named == null) {
            return scope();
        }
        if (account != null && !account.equals(named)) {
            throw new Forbidden("This key may read its own account only (account " + account + ").");
        }
        return Scope.of(named);
    }
}
