-- The delivery log is read newest first by attempt time (CONTRACT §6), page after page.
drop index webhook_attempt_log;
create index webhook_attempt_log on webhook_attempt (webhook_id, attempted_at desc, id desc);

-- Statuses are query parameters now: a partial index on status = 'pending' cannot serve a prepared
-- statement's generic plan, an index that leads with the status can.
drop index webhook_delivery_due;
create index webhook_delivery_due on webhook_delivery (status, next_attempt_at);
