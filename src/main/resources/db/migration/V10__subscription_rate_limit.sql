-- The most requests sent to a subscription in any sliding second, over all replicas (null: no limit).
alter table webhook_subscription add column rate_limit integer check (rate_limit is null or rate_limit >= 1);

-- One row per request sent to a rate-limited subscription, written right before it leaves while the
-- window has room (per-subscription turns), so every replica sees the others' sends. Rows older than
-- a minute are removed.
create table webhook_send (
    webhook_id uuid not null references webhook_subscription (id) on delete cascade,
    sent_at    timestamp(6) with time zone not null
);
create index webhook_send_window on webhook_send (webhook_id, sent_at);
create index webhook_send_age on webhook_send (sent_at);
