-- Several delivery workers may share one outbox (see the PostgreSQL migrations): a worker claims
-- the mail it is about to send until `claimed_until`, and nobody else takes it before then. A
-- worker that dies leaves its claims to run out, and the mail goes to the next worker. SQLite
-- has one server, but the same column keeps the store's queries the same on both engines.
ALTER TABLE outbox ADD COLUMN claimed_until INTEGER;
