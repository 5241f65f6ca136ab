-- Addresses that differ only in letter case are one subscriber. Signups are lowercased from now
-- on; this merges the rows stored before. Addresses are ASCII (see email.rs), so SQLite's
-- lower() lowercases them exactly as the application does.
--
-- Of each group of rows with the same lowercased address, the row whose status changed last
-- (signup, confirmation or unsubscribe) survives: it carries the reader's latest decision, so
-- nobody is mailed who unsubscribed later, and nobody counts as confirmed who signed up again
-- later and has not confirmed that signup. The others' consent history, tokens and mail move
-- to it; nothing of the history is deleted.

CREATE TEMP TABLE merged_subscribers AS
WITH ranked AS (
    SELECT
        id,
        lower(email) AS address,
        ROW_NUMBER() OVER (
            PARTITION BY lower(email)
            ORDER BY max(created_at, coalesce(confirmed_at, 0), coalesce(unsubscribed_at, 0)) DESC, id DESC
        ) AS rank
    FROM subscribers
)
SELECT other.id AS merged_id, kept.id AS kept_id
FROM ranked other JOIN ranked kept ON kept.address = other.address AND kept.rank = 1
WHERE other.rank > 1;

-- At most one confirmation mail an hour still counts mail sent to any spelling.
UPDATE subscribers
SET last_confirmation_mail_at = (
    SELECT max(s.last_confirmation_mail_at) FROM subscribers s WHERE lower(s.email) = lower(subscribers.email)
)
WHERE id IN (SELECT kept_id FROM merged_subscribers);

UPDATE consent_events
SET subscriber_id = (SELECT kept_id FROM merged_subscribers WHERE merged_id = consent_events.subscriber_id)
WHERE subscriber_id IN (SELECT merged_id FROM merged_subscribers);

UPDATE tokens
SET subscriber_id = (SELECT kept_id FROM merged_subscribers WHERE merged_id = tokens.subscriber_id)
WHERE subscriber_id IN (SELECT merged_id FROM merged_subscribers);

UPDATE outbox
SET subscriber_id = (SELECT kept_id FROM merged_subscribers WHERE merged_id = outbox.subscriber_id)
WHERE subscriber_id IN (SELECT merged_id FROM merged_subscribers);

-- A reader whose latest decision is to unsubscribe gets no mail queued under another spelling.
UPDATE outbox
SET body = NULL, failed_at = CAST(strftime('%s', 'now') AS INTEGER), last_error = 'unsubscribed before delivery'
WHERE sent_at IS NULL AND failed_at IS NULL
  AND subscriber_id IN (SELECT id FROM subscribers WHERE status = 'unsubscribed');

DELETE FROM subscribers WHERE id IN (SELECT merged_id FROM merged_subscribers);

UPDATE subscribers SET email = lower(email) WHERE email <> lower(email);

DROP TABLE merged_subscribers;

-- From now on the database itself refuses two spellings of one address.
CREATE UNIQUE INDEX subscribers_email_lower ON subscribers (lower(email));
