-- Events Kafka refuses for good (a topic name it cannot accept, a record too large) are set aside
-- here by the relay instead of holding back the events behind them (CONTRACT §14).
--
-- A table of its own, not flags on the outbox: the outbox is also the event log, and everything that
-- reads it takes "sequence is null" to mean "about to be published" (the relay's claim and its partial
-- index, the backlog gauges, operators' queries). A quarantined row moved out of it keeps all of those
-- true without a second condition each one could forget, and the log's sequences stay gap-free because
-- a quarantined row never gets one. The row keeps its outbox id and every column, so it can be inspected
-- and, once the cause is fixed, put back into the outbox by hand.
create table outbox_quarantine (
    id                bigint primary key,
    event_id          uuid not null unique,
    event_type        varchar(255) not null,
    version           integer not null,
    source            varchar(255) not null,
    subject           varchar(255) not null,
    occurred_at       timestamp(6) with time zone not null,
    envelope          varchar not null,
    quarantined_at    timestamp(6) with time zone not null,
    quarantine_reason varchar(1000) not null
);
