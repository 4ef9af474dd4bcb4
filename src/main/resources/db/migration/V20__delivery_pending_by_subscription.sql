-- When the oldest due deliveries all belong to subscriptions without room (a receiver that does not answer, at its
-- limit, with a long backlog), the delivery worker looks for every other subscription with due deliveries. This index
-- lets it step from one such subscription to the next, each step one lookup, instead of reading the whole backlog on
-- every claim. Pending deliveries only: it stays the size of the backlog.
-- "webhook_id is not null" (always true) keeps it to statements that name a subscription: a walk of the oldest due
-- deliveries, planned while few were pending, would otherwise read and sort all pending ones through this index
-- instead of walking webhook_delivery_due in order.
create index webhook_delivery_pending on webhook_delivery (webhook_id, next_attempt_at)
  where status = 'pending' and webhook_id is not null;
