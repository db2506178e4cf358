-- Service points (服务点), boundaries of sub-districts and communities, residential sites
-- (小区). Same rules as 0001: portable types, times as RFC 3339 text. Positions are WGS84
-- decimal degrees (conversion to GCJ-02 and BD-09 happens at the edge, never in storage).
--
-- A point is keyed by its district code (`code`, what imports match on); `id` is the stable
-- number URLs use. Item codes are a JSON array: the list's items are versioned elsewhere and
-- a point names codes, not rows.
CREATE TABLE service_points (
    id {{id}},
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    facility_type TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    lat DOUBLE PRECISION NOT NULL,
    lng DOUBLE PRECISION NOT NULL,
    phone TEXT NOT NULL DEFAULT '',
    opening_hours TEXT NOT NULL DEFAULT '',
    capacity BIGINT,
    floor_area DOUBLE PRECISION,
    items TEXT NOT NULL DEFAULT '[]',
    community_code TEXT,
    status TEXT NOT NULL,
    demo BIGINT NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE INDEX service_points_type ON service_points (facility_type);
CREATE INDEX service_points_community ON service_points (community_code);

-- One row per region with a known boundary: the GeoJSON geometry (Polygon or
-- MultiPolygon), already checked for validity when it was imported.
CREATE TABLE boundaries (
    region_code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    geometry TEXT NOT NULL,
    demo BIGINT NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);

CREATE TABLE residential_sites (
    id {{id}},
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    lat DOUBLE PRECISION NOT NULL,
    lng DOUBLE PRECISION NOT NULL,
    population BIGINT NOT NULL,
    community_code TEXT,
    demo BIGINT NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
