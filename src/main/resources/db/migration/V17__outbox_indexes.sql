-- Every outbox row is written twice (inserted, then numbered by the relay), and numbering changes an indexed
-- column, so each write touches every index the row belongs to. Two of them did not earn that:
-- outbox_type_sequence served no query (type filters are LIKE patterns, which a btree on event_type cannot
-- use), and the unique index on sequence also held an entry for every row not yet numbered.
drop index outbox_type_sequence;
alter table outbox drop constraint outbox_sequence_key;
create unique index outbox_sequence on outbox (sequence) where sequence is not null;
