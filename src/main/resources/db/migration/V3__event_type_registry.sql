-- The event-type registry: types, their numbered schema versions, and deprecations.
create table event_type (
    name        varchar(255) primary key,
    description varchar(1000) not null,
    built_in    boolean not null,
    created_at  timestamp(6) with time zone not null
);

create table event_type_version (
    event_type    varchar(255) not null references event_type (name),
    version       integer not null check (version > 0),
    schema        varchar not null,
    deprecated_at timestamp(6) with time zone,
    created_at    timestamp(6) with time zone not null,
    primary key (event_type, version)
);
