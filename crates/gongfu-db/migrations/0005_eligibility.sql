-- Eligibility rules, populations for microsimulation, costs, budgets and affordability
-- runs. Same rules as 0001: portable types, times as RFC 3339 text, money in yuan as
-- DOUBLE PRECISION (estimates, never accounts), shares as fractions 0..1.
--
-- A rule and its examples are columns of the item, so they are versioned with the list:
-- a published version's rules never change, and an adjustment changes them like any
-- other column.
ALTER TABLE items ADD COLUMN eligibility_rule TEXT NOT NULL DEFAULT '';
ALTER TABLE items ADD COLUMN eligibility_examples TEXT NOT NULL DEFAULT '';

-- What one beneficiary of an item costs in a year, the share of the eligible who use it
-- (take_up, 受益比例; NULL is all of them), and who pays. Shares left NULL come from
-- `payer_shares` for the item's 支出责任.
CREATE TABLE item_costs (
    item_code TEXT NOT NULL,
    year BIGINT NOT NULL,
    unit_cost DOUBLE PRECISION NOT NULL,
    take_up DOUBLE PRECISION,
    central_share DOUBLE PRECISION,
    provincial_share DOUBLE PRECISION,
    municipal_share DOUBLE PRECISION,
    district_share DOUBLE PRECISION,
    provenance TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (item_code, year)
);

-- The default split of cost per kind of 支出责任 (central, local, shared, other).
CREATE TABLE payer_shares (
    responsibility TEXT PRIMARY KEY,
    central_share DOUBLE PRECISION NOT NULL,
    provincial_share DOUBLE PRECISION NOT NULL,
    municipal_share DOUBLE PRECISION NOT NULL,
    district_share DOUBLE PRECISION NOT NULL,
    provenance TEXT NOT NULL DEFAULT ''
);

-- A region's general public budget expenditure (一般公共预算支出) per year.
CREATE TABLE budgets (
    region_code TEXT NOT NULL,
    year BIGINT NOT NULL,
    general_expenditure DOUBLE PRECISION NOT NULL,
    provenance TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (region_code, year)
);

-- A population table: imported (one row per person) or synthesized from marginals and a
-- seed. `data` holds the columns in gongfu's own encoding (gongfu-eligibility::store),
-- `params` the synthesis parameters or the import's file name, as JSON.
CREATE TABLE populations (
    id {{id}},
    name TEXT NOT NULL,
    region_code TEXT NOT NULL,
    year BIGINT NOT NULL,
    source TEXT NOT NULL,
    params TEXT NOT NULL,
    persons BIGINT NOT NULL,
    data BYTEA NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    provenance TEXT NOT NULL DEFAULT ''
);

-- Affordability runs: the request (version, population, years, scenario) and the result,
-- both JSON, kept so a report can be reopened and a proposal can show its run.
CREATE TABLE affordability_runs (
    id {{id}},
    title TEXT NOT NULL,
    request TEXT NOT NULL,
    result TEXT NOT NULL,
    adjustment_id BIGINT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX affordability_runs_adjustment ON affordability_runs (adjustment_id);

-- Answers a resident chose to keep behind a link (nothing is stored otherwise).
CREATE TABLE saved_answers (
    token_hash TEXT PRIMARY KEY,
    profile TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
