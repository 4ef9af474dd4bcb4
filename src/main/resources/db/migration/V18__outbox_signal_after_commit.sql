-- The relays are told of new events by the service after the writing transaction commits (a NOTIFY of its
-- own), no longer by a trigger inside it: PostgreSQL makes the commits of transactions that NOTIFY take turns,
-- WAL flush included, so the trigger serialised every event-writing commit.
drop trigger outbox_appended on outbox;
drop function notify_outbox_appended();
