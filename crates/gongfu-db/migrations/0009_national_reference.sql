-- The national standard (国家基本公共服务标准) as a reference list of its own: one row per
-- edition (2021, 2023), never changed once stored, and its items as the drafts they were
-- read as. Local lists are checked against it (不低于国家标准); they never change it.
CREATE TABLE national_editions (
    id {{id}},
    edition TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    taxonomy TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    imported_by TEXT NOT NULL
);

CREATE TABLE national_items (
    edition_id BIGINT NOT NULL REFERENCES national_editions (id),
    position BIGINT NOT NULL,
    code TEXT NOT NULL,
    item TEXT NOT NULL,
    PRIMARY KEY (edition_id, code)
);
