-- A request to a rate-limited subscription now counts from the moment it is admitted until a second after it is
-- known to have arrived, whatever delayed it on the way. Its row's sent_at is written at admission as the latest
-- moment the request can arrive (admission plus the attempt's lease) and set to the moment its outcome came back
-- once that is known; the id lets the outcome find its row.
alter table webhook_send add column id bigint generated always as identity primary key;
