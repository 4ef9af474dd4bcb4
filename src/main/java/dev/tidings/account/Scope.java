package dev.tidings.account;

import java.util.UUID;

/**
 * Which rows a query may touch: those of one account, or all of them (an operator acting for no
 * account). Every repository that reads or changes account data takes one; there is no unscoped
 * variant for a resource to reach by mistake.
 */
public record Scope(UUID account) {

    /** Every account's rows and the operators' own: only operators acting for no account hold it. */
    public static final Scope ALL = new Scope(null);

    public static Scope of(UUID account) {
        return account == null ? ALL : new Scope(account);
    }

    /** The query parameter: the account, or null for every row (SQL {@code ($n::uuid is null or account_id = $n)}). */
    public UUID filter() {
        return account;
    }

    /** Whether a row owned by {@code owner} (null: the operators') is in this scope. */
    public boolean includes(UUID owner) {
        return account == null || account.equals(owner);
    }
}
