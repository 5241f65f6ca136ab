-- Newsletter: subscribers, their tokens (hashes only), the consent history and the mail outbox.

CREATE TABLE subscribers (
    id INTEGER PRIMARY KEY,
    -- Normalised: trimmed, domain lowercased ASCII (IDN converted).
    email TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'unsubscribed')),
    created_at INTEGER NOT NULL,
    confirmed_at INTEGER,
    unsubscribed_at INTEGER,
    -- When the last confirmation mail was queued: at most one an hour per address.
    last_confirmation_mail_at INTEGER
) STRICT;

-- SHA-256 of each token given out; the tokens themselves are never stored here.
CREATE TABLE tokens (
    hash BLOB PRIMARY KEY,
    subscriber_id INTEGER NOT NULL REFERENCES subscribers (id),
    purpose TEXT NOT NULL CHECK (purpose IN ('confirm', 'unsubscribe')),
    created_at INTEGER NOT NULL,
    expires_at INTEGER
) STRICT, WITHOUT ROWID;

-- What the reader agreed to, when and where; kept after unsubscribing.
CREATE TABLE consent_events (
    id INTEGER PRIMARY KEY,
    subscriber_id INTEGER NOT NULL REFERENCES subscribers (id),
    event TEXT NOT NULL CHECK (event IN ('signup', 'confirm', 'unsubscribe')),
    at INTEGER NOT NULL,
    source TEXT NOT NULL,
    privacy_version TEXT
) STRICT;
CREATE INDEX consent_events_subscriber ON consent_events (subscriber_id);

-- Mail queued in the same transaction as the change that needs it, delivered by a worker.
-- `body` holds the links with raw tokens until delivery, then it is cleared.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    subscriber_id INTEGER NOT NULL REFERENCES subscribers (id),
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT,
    list_unsubscribe TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    sent_at INTEGER,
    failed_at INTEGER,
    last_error TEXT
) STRICT;
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;
