-- What readers searched for and did not find: the query in normal form (lower case, single
-- spaces), how often, and when. No address, no cookie, nothing that tells readers apart. At most
-- a fixed number of rows: the least frequent are dropped (`search_misses.rs`).
CREATE TABLE search_misses (
    query TEXT PRIMARY KEY,
    count BIGINT NOT NULL,
    first_seen BIGINT NOT NULL,
    last_seen BIGINT NOT NULL
);
