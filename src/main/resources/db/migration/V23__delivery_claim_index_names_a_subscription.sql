-- The index by subscription, status, due time and id serves a claim's look-up of one subscription's due deliveries.
-- It holds every delivery, finished ones too, and it could also serve the walk of the oldest due deliveries, which
-- names no subscription: planned on statistics that counted few pending deliveries, the walk read the whole index for
-- the due ones and sorted them (9.5 ms a claim against 2.2 through the due index, in a benchmark run after other scenarios' deliveries).
-- "webhook_id is not null" (always true) keeps it to statements that name a subscription, as V20 does for the index
-- of pending deliveries by subscription.
drop index webhook_delivery_subscription_claim;
create index webhook_delivery_subscription_claim on webhook_delivery (webhook_id, status, next_attempt_at, id)
  where webhook_id is not null;
