-- The weekly newsletter: one row per sent issue, one delivery row per (issue, subscriber), the
-- outbox rows that carry an issue, and bounces.

-- Set when the mail server refused this address for good on several issues: it is `bounced`
-- (shown so by the commands) and gets no more issues. A column rather than a new `status`
-- value: SQLite cannot change the status CHECK without rebuilding the table every other
-- table refers to.
ALTER TABLE subscribers ADD COLUMN bounced_at INTEGER;
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
