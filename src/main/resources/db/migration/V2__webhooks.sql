-- Webhook subscriptions; event_types holds exact types and wildcards (order.*, *).
create table webhook_subscription (
    id                   uuid primary key,
    url                  varchar(2048) not null,
    event_types          varchar(255)[] not null,
    description          varchar(1000),
    versions             jsonb not null default '{}',
    status               varchar(16) not null,
    consecutive_failures integer not null default 0,
    created_at           timestamp(6) with time zone not null,
    updated_at           timestamp(6) with time zone not null
);

-- Signing secrets; during a rotation the old one keeps signing until expires_at.
create table webhook_secret (
    webhook_id uuid not null references webhook_subscription (id) on delete cascade,
    secret     varchar(200) not null,
    created_at timestamp(6) with time zone not null,
    expires_at timestamp(6) with time zone,
    primary key (webhook_id, secret)
);

-- One delivery per (subscription, event): the unique key makes the Kafka fan-out idempotent.
create table webhook_delivery (
    id                   uuid primary key,
    webhook_id           uuid not null references webhook_subscription (id) on delete cascade,
    event_id             uuid not null,
    event_type           varchar(255) not null,
    status               varchar(16) not null,
    attempts             integer not null default 0,
    next_attempt_at      timestamp(6) with time zone,
    last_response_status integer,
    last_error           varchar(1000),
    created_at           timestamp(6) with time zone not null,
    unique (webhook_id, event_id)
);
create index webhook_delivery_due on webhook_delivery (next_attempt_at) where status = 'pending';

-- The delivery log: one row per attempt made (test pings included).
create table webhook_attempt (
    id              uuid primary key,
    webhook_id      uuid not null references webhook_subscription (id) on delete cascade,
    delivery_id     uuid not null,
    event_id        uuid not null,
    event_type      varchar(255) not null,
    attempt         integer not null,
    status          varchar(16) not null,
    response_status integer,
    duration_ms     integer not null,
    error           varchar(1000),
    attempted_at    timestamp(6) with time zone not null,
    next_attempt_at timestamp(6) with time zone
);
create index webhook_attempt_log on webhook_attempt (webhook_id, id);
create index webhook_attempt_delivery on webhook_attempt (delivery_id, attempted_at);

-- The dead-letter queue: a parked delivery, keyed by the delivery's id.
create table dead_letter (
    id                   uuid primary key references webhook_delivery (id) on delete cascade,
    webhook_id           uuid not null references webhook_subscription (id) on delete cascade,
    event_id             uuid not null,
    event_type           varchar(255) not null,
    reason               varchar(32) not null,
    attempts             integer not null,
    last_response_status integer,
    last_error           varchar(1000),
    dead_at              timestamp(6) with time zone not null
);
create index dead_letter_webhook on dead_letter (webhook_id, id);
