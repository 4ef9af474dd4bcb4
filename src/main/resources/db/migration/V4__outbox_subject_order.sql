-- Per-subject commit order, kept by the database for every writer: before a row is inserted, the
-- writer takes a transaction-scoped advisory lock on its subject and only then draws the row's id. A
-- second writer of the same subject waits until the first commits, so a subject's ids follow its
-- commit order, and the relay, which publishes in id order, keeps that order on Kafka.
-- (The id drawn for the column default before this trigger runs is simply skipped.)
create function outbox_order_by_subject() returns trigger language plpgsql as $$
begin
    perform pg_advisory_xact_lock(hashtext(new.subject));
    new.id := nextval(pg_get_serial_sequence('outbox', 'id'));
    return new;
end
$$;
create trigger outbox_order_by_subject before insert on outbox
    for each row execute function outbox_order_by_subject();
