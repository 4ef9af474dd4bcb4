-- The delivery worker takes each subscription's oldest due deliveries in (next_attempt_at, id) order. With id in
-- the index it reads just those rows, instead of sorting every delivery that fell due at the same moment (a burst
-- of events, a recovery) on each claim.
create index webhook_delivery_subscription_claim on webhook_delivery (webhook_id, status, next_attempt_at, id);
drop index webhook_delivery_subscription_due;
