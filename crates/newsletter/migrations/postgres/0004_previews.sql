-- Preview links for outside reviewers (`previews.rs`): the one secret every server signs links
-- with, replaced by `server preview revoke`; and the links made (never their tokens), for
-- `server preview list`.
CREATE TABLE preview_secret (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    secret TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE preview_links (
    id BIGSERIAL PRIMARY KEY,
    slug TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
