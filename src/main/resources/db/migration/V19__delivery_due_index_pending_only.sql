-- The claim writes its statuses into the statement again, so its plan can use a partial index: the due
-- index holds pending deliveries only. Recording a success (or a dead letter) no longer adds an entry
-- to it, and it stays the size of the backlog instead of growing with every delivery ever made.
drop index webhook_delivery_due;
create index webhook_delivery_due on webhook_delivery (next_attempt_at) where status = 'pending';
