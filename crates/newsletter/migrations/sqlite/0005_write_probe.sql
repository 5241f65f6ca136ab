-- One row that `/readyz` rewrites while the database refuses writes (a full disk), to find out
-- when it takes them again without waiting for a reader's signup.
CREATE TABLE write_probe (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL
) STRICT;
