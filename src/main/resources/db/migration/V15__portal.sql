-- Portal links and sessions are kept as SHA-256 digests of their tokens only: a reader of these tables
-- holds nothing that opens the portal.
create table portal_link (
    digest     bytea primary key,
    account_id uuid not null references account (id) on delete cascade,
    expires_at timestamp(6) with time zone not null,
    -- Set by the one sign-in that consumed the link; the conditional update makes it single-use on every replica
    used_at    timestamp(6) with time zone
);
create index portal_link_expiry on portal_link (expires_at);

create table portal_session (
    digest     bytea primary key,
    account_id uuid not null references account (id) on delete cascade,
    created_at timestamp(6) with time zone not null,
    expires_at timestamp(6) with time zone not null
);
create index portal_session_expiry on portal_session (expires_at);
