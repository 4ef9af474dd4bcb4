-- A claimed delivery carries a lease token until its outcome is recorded: the outcome counts only
-- with the token of the claim that made the attempt (a lease that ran out and was claimed again by
-- another replica cannot be recorded twice), and the leases still running per subscription bound how
-- many attempts to one subscription are in flight over all replicas.
alter table webhook_delivery add column lease_token uuid;
create index webhook_delivery_leased on webhook_delivery (webhook_id) where lease_token is not null;
-- Per subscription, its due deliveries oldest first: the claim takes a bounded share of each.
create index webhook_delivery_subscription_due on webhook_delivery (webhook_id, status, next_attempt_at);
