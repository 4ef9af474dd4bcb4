-- When the oldest due deliveries all belong to subscriptions without room (a receiver that does not answer, at its
-- limit, with a long backlog), the delivery worker looks for every other subscription with due deliveries. This index
-- lets it step from one such subscription to the next, each step one lookup, instead of reading the whole backlog on
-- every claim. Pending deliveries only: it stays the size of the backlog.
create index webhook_delivery_pending on webhook_delivery (webhook_id, next_attempt_at) where status = 'pending';
