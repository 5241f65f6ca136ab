-- One row that `/readyz` rewrites while the database refuses writes, to find out when it takes
-- them again without waiting for a reader's signup.
CREATE TABLE write_probe (
    id BIGINT PRIMARY KEY,
    at BIGINT NOT NULL
);
