-- An order's account is no longer a foreign key. The key made every insert of an account's order lock that
-- account's row (FOR KEY SHARE) until commit, so all concurrent writers of one account shared one row lock, which
-- PostgreSQL keeps as a MultiXact rewritten by each writer that joins it: measured with 16 writers of one account,
-- transactions of an order and a second row ran 16-22 % slower than without the key and wrote multixact member
-- pages all along (none without), and that space, once used up, forces vacuums and in the end stops writes.
-- The account is resolved before any write (an account key's own account; an operator's Tidings-Account header is
-- checked to exist), and accounts are never deleted, so the key guarded nothing the service does not.
alter table orders drop constraint orders_account_id_fkey;
