//! Service points, boundaries and residential sites.
//!
//! Rows go in as parsed domain types and come back as them; what a row means (which
//! community a position lies in, whether a polygon is valid) was decided before it got
//! here. Every write is one transaction with its audit entry, so the audit log's newest id
//! tells another process that its spatial index is stale.

use std::collections::BTreeSet;

use crate::{get, json, now, to_json, Ctx, Db, DbError};
use gongfu_domain::hours::OpeningHours;
use gongfu_domain::place::{Boundary, PointStatus, Polygon, ResidentialSite, ServicePoint};
use gongfu_domain::{geo::LatLng, DepartmentName, ItemCode, RegionCode};
use sqlx::any::AnyRow;

/// A stored service point: its number and the point.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredPoint {
    /// Stable number, used in URLs.
    pub id: i64,
    /// The point.
    pub point: ServicePoint,
    /// Last written (RFC 3339, UTC).
    pub updated_at: String,
}

/// What a save did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct SaveCounts {
    /// New rows.
    pub inserted: usize,
    /// Rows replaced (same code).
    pub updated: usize,
    /// Rows removed.
    pub removed: usize,
}

fn corrupt(what: &'static str, detail: impl Into<String>) -> DbError {
    DbError::Corrupt {
        what,
        detail: detail.into(),
    }
}

fn position(r: &AnyRow, what: &'static str) -> Result<LatLng, DbError> {
    let (lat, lng): (f64, f64) = (get(r, "lat")?, get(r, "lng")?);
    LatLng::new(lat, lng).map_err(|e| corrupt(what, e.to_string()))
}

fn community(r: &AnyRow, what: &'static str) -> Result<Option<RegionCode>, DbError> {
    get::<Option<String>>(r, "community_code")?
        .map(|c| RegionCode::parse(&c).map_err(|e| corrupt(what, e.to_string())))
        .transpose()
}

fn point(r: &AnyRow) -> Result<StoredPoint, DbError> {
    let hours: String = get(r, "opening_hours")?;
    let hours = (!hours.is_empty())
        .then(|| OpeningHours::parse(&hours).map_err(|e| corrupt("service point", e.to_string())))
        .transpose()?;
    let items: Vec<String> = json("service point items", &get::<String>(r, "items")?)?;
    let items = items
        .iter()
        .map(|c| ItemCode::parse(c).map_err(|e| corrupt("service point", e)))
        .collect::<Result<_, _>>()?;
    let status = PointStatus::parse(&get::<String>(r, "status")?)
        .map_err(|e| corrupt("service point", e))?;
    Ok(StoredPoint {
        id: get(r, "id")?,
        updated_at: get(r, "updated_at")?,
        point: ServicePoint {
            code: get(r, "code")?,
            name: get(r, "name")?,
            facility_type: get(r, "facility_type")?,
            address: get(r, "address")?,
            position: position(r, "service point")?,
            phone: get(r, "phone")?,
            hours,
            capacity: get::<Option<i64>>(r, "capacity")?
                .map(|c| c.clamp(0, u32::MAX.into()) as u32),
            floor_area_m2: get(r, "floor_area")?,
            items,
            department: get::<Option<String>>(r, "department")?
                .filter(|d| !d.is_empty())
                .map(|d| DepartmentName::parse(&d).map_err(|e| corrupt("service point", e)))
                .transpose()?,
            community: community(r, "service point")?,
            status,
            demo: get::<i64>(r, "demo")? != 0,
        },
    })
}

const POINT_COLS: &str = "id, code, name, facility_type, address, lat, lng, phone, opening_hours, \
    capacity, floor_area, items, department, community_code, status, demo, updated_at";

/// Every service point, by id.
pub async fn points(db: &Db) -> Result<Vec<StoredPoint>, DbError> {
    let rows = sqlx::query(&format!(
        "SELECT {POINT_COLS} FROM service_points ORDER BY id"
    ))
    .fetch_all(db.pool())
    .await
    .ctx("loading service points")?;
    rows.iter().map(point).collect()
}

/// Writes points (a point with a code already stored replaces it) and removes the points
/// with the codes in `remove`, in one transaction with its audit entry.
pub async fn save_points(
    db: &Db,
    save: &[ServicePoint],
    remove: &[String],
    actor: &str,
    action: &str,
) -> Result<SaveCounts, DbError> {
    let mut tx = db.begin_write().await.ctx("starting the point change")?;
    let existing: BTreeSet<String> = sqlx::query("SELECT code FROM service_points")
        .fetch_all(&mut *tx)
        .await
        .ctx("reading point codes")?
        .iter()
        .map(|r| get::<String>(r, "code"))
        .collect::<Result<_, _>>()?;
    let at = now();
    let mut counts = SaveCounts::default();
    for code in remove {
        let n = sqlx::query("DELETE FROM service_points WHERE code = $1")
            .bind(code.clone())
            .execute(&mut *tx)
            .await
            .ctx("removing a service point")?
            .rows_affected();
        counts.removed += n as usize;
    }
    for p in save {
        if existing.contains(&p.code) {
            counts.updated += 1;
        } else {
            counts.inserted += 1;
        }
        sqlx::query(
            "INSERT INTO service_points (code, name, facility_type, address, lat, lng, phone, opening_hours, \
             capacity, floor_area, items, community_code, status, demo, updated_at, updated_by, department) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULLIF($10, -1), $11, $12, $13, $14, $15, $16, $17) \
             ON CONFLICT (code) DO UPDATE SET name = excluded.name, facility_type = excluded.facility_type, \
             address = excluded.address, lat = excluded.lat, lng = excluded.lng, phone = excluded.phone, \
             opening_hours = excluded.opening_hours, capacity = excluded.capacity, \
             floor_area = excluded.floor_area, items = excluded.items, \
             community_code = excluded.community_code, status = excluded.status, demo = excluded.demo, \
             updated_at = excluded.updated_at, updated_by = excluded.updated_by, \
             department = excluded.department",
        )
        .bind(p.code.clone())
        .bind(p.name.clone())
        .bind(p.facility_type.clone())
        .bind(p.address.clone())
        .bind(p.position.lat)
        .bind(p.position.lng)
        .bind(p.phone.clone())
        .bind(p.hours.as_ref().map(ToString::to_string).unwrap_or_default())
        .bind(p.capacity.map(i64::from))
        .bind(crate::opt_f64(p.floor_area_m2))
        .bind(to_json(&p.items.iter().map(ItemCode::as_str).collect::<Vec<_>>()))
        .bind(p.community.as_ref().map(|c| c.as_str().to_string()))
        .bind(p.status.as_str())
        .bind(i64::from(p.demo))
        .bind(at.clone())
        .bind(actor.to_string())
        .bind(p.department.as_ref().map(|d| d.as_str().to_string()))
        .execute(&mut *tx)
        .await
        .ctx("writing a service point")?;
    }
    let key = match (save, remove) {
        ([one], []) => one.code.clone(),
        ([], [one]) => one.clone(),
        _ => "*".into(),
    };
    crate::audit::record(
        &mut tx,
        actor,
        action,
        "service_point",
        &key,
        &serde_json::json!({
            "inserted": counts.inserted, "updated": counts.updated, "removed": counts.removed,
        }),
    )
    .await?;
    tx.commit().await.ctx("committing the point change")?;
    Ok(counts)
}

/// A boundary as GeoJSON geometry (a MultiPolygon, RFC 7946 winding).
pub fn boundary_geometry(b: &Boundary) -> serde_json::Value {
    serde_json::json!({
        "type": "MultiPolygon",
        "coordinates": b.polygons.iter().map(Polygon::to_geojson_rings).collect::<Vec<_>>(),
    })
}

fn boundary(r: &AnyRow) -> Result<Boundary, DbError> {
    let code: String = get(r, "region_code")?;
    let region = RegionCode::parse(&code).map_err(|e| corrupt("boundary", e.to_string()))?;
    let g: serde_json::Value = json("boundary geometry", &get::<String>(r, "geometry")?)?;
    let parts: Vec<Vec<Vec<[f64; 2]>>> = serde_json::from_value(g["coordinates"].clone())
        .map_err(|e| corrupt("boundary", format!("{code}: {e}")))?;
    let polygons = parts
        .iter()
        .map(|rings| {
            Polygon::from_rings(rings).map_err(|e| corrupt("boundary", format!("{code}: {e}")))
        })
        .collect::<Result<_, _>>()?;
    Ok(Boundary {
        region,
        name: get(r, "name")?,
        polygons,
        demo: get::<i64>(r, "demo")? != 0,
    })
}

/// Every stored boundary, by region code.
pub async fn boundaries(db: &Db) -> Result<Vec<Boundary>, DbError> {
    let rows = sqlx::query(
        "SELECT region_code, name, geometry, demo FROM boundaries ORDER BY region_code",
    )
    .fetch_all(db.pool())
    .await
    .ctx("loading boundaries")?;
    rows.iter().map(boundary).collect()
}

/// Writes boundaries (replacing those of the same regions) and re-derives the community of
/// every point and site from them, in one transaction: a point never names a community its
/// position is not in.
pub async fn save_boundaries(
    db: &Db,
    save: &[Boundary],
    points: &[(String, Option<RegionCode>)],
    sites: &[(String, Option<RegionCode>)],
    actor: &str,
) -> Result<SaveCounts, DbError> {
    let mut tx = db.begin_write().await.ctx("starting the boundary change")?;
    let existing: BTreeSet<String> = sqlx::query("SELECT region_code FROM boundaries")
        .fetch_all(&mut *tx)
        .await
        .ctx("reading boundaries")?
        .iter()
        .map(|r| get::<String>(r, "region_code"))
        .collect::<Result<_, _>>()?;
    let at = now();
    let mut counts = SaveCounts::default();
    for b in save {
        if existing.contains(b.region.as_str()) {
            counts.updated += 1;
        } else {
            counts.inserted += 1;
        }
        sqlx::query(
            "INSERT INTO boundaries (region_code, name, geometry, demo, updated_at, updated_by) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (region_code) DO UPDATE SET \
             name = excluded.name, geometry = excluded.geometry, demo = excluded.demo, \
             updated_at = excluded.updated_at, updated_by = excluded.updated_by",
        )
        .bind(b.region.as_str().to_string())
        .bind(b.name.clone())
        .bind(boundary_geometry(b).to_string())
        .bind(i64::from(b.demo))
        .bind(at.clone())
        .bind(actor.to_string())
        .execute(&mut *tx)
        .await
        .ctx("writing a boundary")?;
    }
    for (table, rows) in [("service_points", points), ("residential_sites", sites)] {
        for (code, community) in rows {
            sqlx::query(&format!(
                "UPDATE {table} SET community_code = $1 WHERE code = $2"
            ))
            .bind(community.as_ref().map(|c| c.as_str().to_string()))
            .bind(code.clone())
            .execute(&mut *tx)
            .await
            .ctx("re-deriving communities")?;
        }
    }
    crate::audit::record(
        &mut tx,
        actor,
        "boundaries.import",
        "boundary",
        "*",
        &serde_json::json!({
            "inserted": counts.inserted, "updated": counts.updated,
            "points_relocated": points.len(), "sites_relocated": sites.len(),
        }),
    )
    .await?;
    tx.commit().await.ctx("committing the boundary change")?;
    Ok(counts)
}

fn site(r: &AnyRow) -> Result<ResidentialSite, DbError> {
    let population: i64 = get(r, "population")?;
    Ok(ResidentialSite {
        code: get(r, "code")?,
        name: get(r, "name")?,
        position: position(r, "residential site")?,
        population: u32::try_from(population)
            .map_err(|_| corrupt("residential site", format!("population {population}")))?,
        community: community(r, "residential site")?,
        demo: get::<i64>(r, "demo")? != 0,
    })
}

/// Every residential site, by code.
pub async fn sites(db: &Db) -> Result<Vec<ResidentialSite>, DbError> {
    let rows = sqlx::query(
        "SELECT code, name, lat, lng, population, community_code, demo FROM residential_sites ORDER BY code",
    )
    .fetch_all(db.pool())
    .await
    .ctx("loading residential sites")?;
    rows.iter().map(site).collect()
}

/// Writes residential sites (a site with a stored code replaces it), in one transaction.
pub async fn save_sites(
    db: &Db,
    save: &[ResidentialSite],
    actor: &str,
) -> Result<SaveCounts, DbError> {
    let mut tx = db.begin_write().await.ctx("starting the site change")?;
    let existing: BTreeSet<String> = sqlx::query("SELECT code FROM residential_sites")
        .fetch_all(&mut *tx)
        .await
        .ctx("reading site codes")?
        .iter()
        .map(|r| get::<String>(r, "code"))
        .collect::<Result<_, _>>()?;
    let at = now();
    let mut counts = SaveCounts::default();
    for s in save {
        if existing.contains(&s.code) {
            counts.updated += 1;
        } else {
            counts.inserted += 1;
        }
        sqlx::query(
            "INSERT INTO residential_sites (code, name, lat, lng, population, community_code, demo, updated_at, updated_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (code) DO UPDATE SET \
             name = excluded.name, lat = excluded.lat, lng = excluded.lng, population = excluded.population, \
             community_code = excluded.community_code, demo = excluded.demo, \
             updated_at = excluded.updated_at, updated_by = excluded.updated_by",
        )
        .bind(s.code.clone())
        .bind(s.name.clone())
        .bind(s.position.lat)
        .bind(s.position.lng)
        .bind(i64::from(s.population))
        .bind(s.community.as_ref().map(|c| c.as_str().to_string()))
        .bind(i64::from(s.demo))
        .bind(at.clone())
        .bind(actor.to_string())
        .execute(&mut *tx)
        .await
        .ctx("writing a residential site")?;
    }
    crate::audit::record(
        &mut tx,
        actor,
        "sites.import",
        "residential_site",
        "*",
        &serde_json::json!({ "inserted": counts.inserted, "updated": counts.updated }),
    )
    .await?;
    tx.commit().await.ctx("committing the site change")?;
    Ok(counts)
}
