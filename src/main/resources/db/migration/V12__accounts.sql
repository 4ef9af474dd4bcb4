-- Accounts: the API's customers. What an account key creates belongs to its account; rows without an
-- account belong to the operators (a subscription without one receives every account's events).
create table account (
    id         uuid primary key,
    name       varchar(200) not null,
    created_at timestamp(6) with time zone not null
);

-- Account keys are stored as SHA-256 digests only; prefix is what lists show to tell keys apart.
create table account_key (
    id          uuid primary key,
    account_id  uuid not null references account (id) on delete cascade,
    description varchar(1000),
    prefix      varchar(8) not null,
    digest      bytea not null unique,
    created_at  timestamp(6) with time zone not null
);
create index account_key_account on account_key (account_id, id);

alter table orders add column account_id uuid references account (id);
create index orders_account on orders (account_id, id);

-- The log keeps the owner of each event: an account reads a sparse but still gap-free sequence.
alter table outbox add column account_id uuid;
create index outbox_account_sequence on outbox (account_id, sequence) where sequence is not null;
alter table outbox_quarantine add column account_id uuid;

alter table webhook_subscription add column account_id uuid references account (id);
create index webhook_subscription_account on webhook_subscription (account_id, id);

-- Revoking a key tells every replica to forget what it cached.
create function notify_account_key_revoked() returns trigger language plpgsql as $$
begin
    perform pg_notify('account_key_revoked', '');
    return null;
end
$$;
create trigger account_key_revoked after delete on account_key
    for each statement execute function notify_account_key_revoked();
