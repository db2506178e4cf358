-- The service list, its versions and adjustments, regions, departments, accounts, audit.
-- One source for every backend: gongfu-db replaces {{id}} with the dialect's
-- auto-increment primary key and runs the rest as written, so the dialects cannot drift.
-- Portable types only: BIGINT, TEXT, DOUBLE PRECISION. Flags are BIGINT 0/1 and times
-- are RFC 3339 text in UTC, which sorts and compares the same on every backend.

CREATE TABLE regions (
    id {{id}},
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    level TEXT NOT NULL,
    parent_code TEXT,
    valid_from BIGINT NOT NULL,
    valid_to BIGINT,
    provenance TEXT NOT NULL DEFAULT '',
    UNIQUE (code, valid_from)
);
CREATE INDEX regions_parent ON regions (parent_code);

CREATE TABLE region_populations (
    region_code TEXT NOT NULL,
    year BIGINT NOT NULL,
    kind TEXT NOT NULL,
    count BIGINT NOT NULL,
    provenance TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (region_code, year, kind)
);

CREATE TABLE departments (
    id {{id}},
    name TEXT NOT NULL UNIQUE,
    short_name TEXT NOT NULL UNIQUE,
    provenance TEXT NOT NULL DEFAULT ''
);

CREATE TABLE list_versions (
    id {{id}},
    number BIGINT NOT NULL UNIQUE,
    label TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT '',
    published_at TEXT NOT NULL,
    published_by TEXT NOT NULL,
    adjustment_id BIGINT
);

CREATE TABLE version_areas (
    version_id BIGINT NOT NULL REFERENCES list_versions (id),
    no BIGINT NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (version_id, no)
);

CREATE TABLE version_categories (
    version_id BIGINT NOT NULL REFERENCES list_versions (id),
    no BIGINT NOT NULL,
    area_no BIGINT NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (version_id, no)
);

CREATE TABLE items (
    version_id BIGINT NOT NULL REFERENCES list_versions (id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    area_no BIGINT NOT NULL,
    category_no BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    target_population TEXT NOT NULL,
    content TEXT NOT NULL,
    standard TEXT NOT NULL,
    expenditure_responsibility TEXT NOT NULL,
    lead_departments TEXT NOT NULL,
    origin_level TEXT NOT NULL,
    featured BIGINT NOT NULL,
    base_code TEXT,
    base_relation TEXT,
    population_scope TEXT NOT NULL,
    delivery_channels TEXT NOT NULL,
    policy_basis TEXT NOT NULL,
    process TEXT NOT NULL,
    status TEXT NOT NULL,
    regions TEXT NOT NULL,
    provenance TEXT NOT NULL,
    PRIMARY KEY (version_id, code)
);

CREATE TABLE adjustments (
    id {{id}},
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    base_version_id BIGINT REFERENCES list_versions (id),
    status TEXT NOT NULL,
    taxonomy TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    decided_by TEXT,
    decided_at TEXT,
    result_version_id BIGINT REFERENCES list_versions (id)
);

CREATE TABLE proposals (
    id {{id}},
    adjustment_id BIGINT NOT NULL REFERENCES adjustments (id),
    kind TEXT NOT NULL,
    target_codes TEXT NOT NULL,
    item TEXT,
    rationale TEXT NOT NULL,
    evidence TEXT NOT NULL,
    decision TEXT NOT NULL,
    decision_note TEXT NOT NULL DEFAULT '',
    decided_by TEXT,
    decided_at TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX proposals_adjustment ON proposals (adjustment_id);

CREATE TABLE users (
    id {{id}},
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    departments TEXT NOT NULL,
    disabled BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

CREATE TABLE audit_log (
    id {{id}},
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_key TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_key);
