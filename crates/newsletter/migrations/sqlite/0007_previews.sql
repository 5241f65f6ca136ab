-- Preview links for outside reviewers (`previews.rs`): the one secret every server signs links
-- with, replaced by `server preview revoke`; and the links made (never their tokens), for
-- `server preview list`.
CREATE TABLE preview_secret (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    secret TEXT NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE preview_links (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    slug TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;
