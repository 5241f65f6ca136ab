-- no-transaction
-- The weekly newsletter: one row per sent issue, one delivery row per (issue, subscriber), the
-- outbox rows that carry an issue, and a `bounced` subscriber status.
--
-- SQLite cannot change a CHECK constraint in place, so `subscribers` is rebuilt with the
-- documented procedure (https://www.sqlite.org/lang_altertable.html#otheralter): foreign keys
-- off outside the transaction, copy, drop, rename, check, on again. That needs this migration
-- to run outside sqlx's own transaction (first line); it opens its own.
PRAGMA foreign_keys = OFF;

BEGIN IMMEDIATE;

CREATE TABLE subscribers_new (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    -- `bounced`: the mail server refused mail to this address for good on several issues.
    status TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'unsubscribed', 'bounced')),
    created_at INTEGER NOT NULL,
    confirmed_at INTEGER,
    unsubscribed_at INTEGER,
    last_confirmation_mail_at INTEGER,
    bounced_at INTEGER
) STRICT;
INSERT INTO subscribers_new (id, email, status, created_at, confirmed_at, unsubscribed_at, last_confirmation_mail_at)
SELECT id, email, status, created_at, confirmed_at, unsubscribed_at, last_confirmation_mail_at FROM subscribers;
DROP TABLE subscribers;
ALTER TABLE subscribers_new RENAME TO subscribers;
CREATE UNIQUE INDEX subscribers_email_lower ON subscribers (lower(email));
-- Queueing an issue walks the confirmed subscribers in id order.
CREATE INDEX subscribers_status_id ON subscribers (status, id);

-- One row per ISO week whose issue was sent (or is being queued): the composed issue is kept
-- as sent, so the web archive shows what readers got even after the content changes.
CREATE TABLE newsletter_issues (
    id INTEGER PRIMARY KEY,
    -- `2026-W48`: at most one issue per week.
    week TEXT NOT NULL UNIQUE,
    subject TEXT NOT NULL,
    preheader TEXT NOT NULL,
    -- The mail parts with `{{unsubscribe_url}}` where each recipient's own link goes.
    mail_html TEXT NOT NULL,
    mail_text TEXT NOT NULL,
    -- The issue as a page of the site (no per-recipient links).
    web_html TEXT NOT NULL,
    -- The sender's display name from site.toml when the issue was composed.
    sender_name TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    -- Set once every confirmed subscriber has a delivery row: sending again does nothing.
    queued_at INTEGER,
    recipients INTEGER NOT NULL DEFAULT 0
) STRICT;

-- A recipient is queued at most once per issue: this row is written in the transaction that
-- queues the mail, and its key refuses a second one.
CREATE TABLE newsletter_deliveries (
    issue_id INTEGER NOT NULL REFERENCES newsletter_issues (id),
    subscriber_id INTEGER NOT NULL REFERENCES subscribers (id),
    queued_at INTEGER NOT NULL,
    PRIMARY KEY (issue_id, subscriber_id)
) STRICT;

-- Issue mail in the outbox: `body` holds only the recipient's raw unsubscribe token until
-- delivery (the parts come from the issue row); `permanent` marks a 5xx refusal (bounces).
ALTER TABLE outbox ADD COLUMN issue_id INTEGER REFERENCES newsletter_issues (id);
ALTER TABLE outbox ADD COLUMN permanent INTEGER NOT NULL DEFAULT 0;
CREATE INDEX outbox_issue ON outbox (issue_id) WHERE issue_id IS NOT NULL;
CREATE INDEX outbox_subscriber ON outbox (subscriber_id);

COMMIT;

PRAGMA foreign_keys = ON;
