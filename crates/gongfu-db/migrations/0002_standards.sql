-- The standard system: the tree, the registry and its links.
-- Same rules as 0001: one source for every backend, portable types, dates as
-- 'YYYY-MM-DD' text and times as RFC 3339 text in UTC.

-- The system tree (标准体系), as data. `position` keeps the file's order among siblings.
CREATE TABLE standard_nodes (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    parent TEXT,
    position BIGINT NOT NULL,
    description TEXT NOT NULL DEFAULT ''
);

-- One row per standard edition, keyed by its canonical number (GB/T 1.1-2020).
-- `pattern` is the internal-norm pattern an internal norm's number was read with, so the
-- number reads back even after the configured patterns change.
CREATE TABLE standards (
    number TEXT PRIMARY KEY,
    pattern TEXT NOT NULL DEFAULT '',
    level TEXT NOT NULL,
    title TEXT NOT NULL,
    title_en TEXT NOT NULL DEFAULT '',
    issued_by TEXT NOT NULL DEFAULT '',
    stage TEXT NOT NULL,
    origin TEXT NOT NULL,
    node TEXT,
    published_on TEXT,
    effective_on TEXT,
    reviewed_on TEXT,
    withdrawn_on TEXT,
    review_cycle_years BIGINT,
    superseded_by TEXT,
    notes TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE INDEX standards_node ON standards (node);

-- Standards a standard replaces (代替). `old` need not be registered.
CREATE TABLE standard_supersessions (
    number TEXT NOT NULL REFERENCES standards (number) ON DELETE CASCADE,
    old TEXT NOT NULL,
    position BIGINT NOT NULL,
    PRIMARY KEY (number, old)
);

-- Normative references (规范性引用文件), dated or undated; need not be registered.
CREATE TABLE standard_references (
    number TEXT NOT NULL REFERENCES standards (number) ON DELETE CASCADE,
    referenced TEXT NOT NULL,
    position BIGINT NOT NULL,
    PRIMARY KEY (number, referenced)
);
CREATE INDEX standard_references_target ON standard_references (referenced);

-- Which list items a standard serves, by item code (stable across list versions).
CREATE TABLE standard_items (
    number TEXT NOT NULL REFERENCES standards (number) ON DELETE CASCADE,
    item_code TEXT NOT NULL,
    position BIGINT NOT NULL,
    PRIMARY KEY (number, item_code)
);
CREATE INDEX standard_items_item ON standard_items (item_code);
