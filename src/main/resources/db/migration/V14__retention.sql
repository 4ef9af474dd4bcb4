-- Retention (CONTRACT §12). The log is the run of sequences from log_floor.oldest_sequence up: the
-- floor only rises, and rows below it leave once no pending delivery or dead letter needs them (until
-- then they stay readable by event id, but are no longer part of lists, cursors or replays).
create table log_floor (
    id              integer primary key check (id = 1),
    oldest_sequence bigint not null
);
insert into log_floor (id, oldest_sequence) values (1, 1);

-- What the removal statements look up: deliveries and dead letters by event, and rows by age.
create index webhook_delivery_event on webhook_delivery (event_id);
create index webhook_delivery_finished on webhook_delivery (created_at) where status = 'succeeded';
create index dead_letter_event on dead_letter (event_id);
create index dead_letter_dead_at on dead_letter (dead_at);
create index webhook_attempt_attempted_at on webhook_attempt (attempted_at);
