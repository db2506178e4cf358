//! Regions (the 12-digit tree), their populations per year, and departments.

use crate::{get, Ctx, Db, DbError};
use gongfu_domain::{PopulationKind, RegionCode, RegionLevel};
use sqlx::any::AnyRow;

/// A region as stored: one row per code and validity start, so a split keeps history.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Region {
    /// 12-digit code.
    pub code: RegionCode,
    /// Name, e.g. 莲花街道.
    pub name: String,
    /// Level read off the code.
    pub level: RegionLevel,
    /// Enclosing region.
    pub parent_code: Option<RegionCode>,
    /// First year the region exists with this code.
    pub valid_from: i64,
    /// Last year, or `None` while current.
    pub valid_to: Option<i64>,
    /// Where the row comes from; illustrative rows say 示例.
    pub provenance: String,
}

/// Population of one region in one year, by kind.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Population {
    /// Region code.
    pub region_code: RegionCode,
    /// Year.
    pub year: i64,
    /// 户籍 / 常住 / 服务人口.
    pub kind: PopulationKind,
    /// Head count.
    pub count: i64,
    /// Source.
    pub provenance: String,
}

/// A department (部门).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Department {
    /// Row id.
    pub id: i64,
    /// Full name, e.g. 深圳市示例区卫生健康局.
    pub name: String,
    /// Short name as the list writes it, e.g. 区卫生健康局.
    pub short_name: String,
    /// Source.
    pub provenance: String,
}

fn corrupt(what: &'static str, e: impl ToString) -> DbError {
    DbError::Corrupt {
        what,
        detail: e.to_string(),
    }
}

fn region_from(r: &AnyRow) -> Result<Region, DbError> {
    let code: String = get(r, "code")?;
    let code = RegionCode::parse(&code).map_err(|e| corrupt("region code", e))?;
    let parent: Option<String> = get(r, "parent_code")?;
    Ok(Region {
        level: code.level(),
        code,
        name: get(r, "name")?,
        parent_code: parent
            .map(|p| RegionCode::parse(&p))
            .transpose()
            .map_err(|e| corrupt("region parent", e))?,
        valid_from: get(r, "valid_from")?,
        valid_to: get(r, "valid_to")?,
        provenance: get(r, "provenance")?,
    })
}

/// Inserts or updates regions and populations in one transaction: all or nothing.
pub async fn upsert(
    db: &Db,
    regions: &[Region],
    populations: &[Population],
    actor: &str,
) -> Result<(), DbError> {
    let mut tx = db.begin_write().await.ctx("starting the region import")?;
    for r in regions {
        sqlx::query("DELETE FROM regions WHERE code = $1 AND valid_from = $2")
            .bind(r.code.as_str().to_string())
            .bind(r.valid_from)
            .execute(&mut *tx)
            .await
            .ctx("replacing a region")?;
        sqlx::query("INSERT INTO regions (code, name, level, parent_code, valid_from, valid_to, provenance) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(r.code.as_str().to_string())
            .bind(r.name.clone())
            .bind(r.level.as_str())
            .bind(r.parent_code.as_ref().map(|p| p.as_str().to_string()))
            .bind(r.valid_from)
            .bind(r.valid_to)
            .bind(r.provenance.clone())
            .execute(&mut *tx)
            .await
            .ctx("inserting a region")?;
    }
    for p in populations {
        sqlx::query(
            "DELETE FROM region_populations WHERE region_code = $1 AND year = $2 AND kind = $3",
        )
        .bind(p.region_code.as_str().to_string())
        .bind(p.year)
        .bind(p.kind.as_str())
        .execute(&mut *tx)
        .await
        .ctx("replacing a population")?;
        sqlx::query("INSERT INTO region_populations (region_code, year, kind, count, provenance) VALUES ($1, $2, $3, $4, $5)")
            .bind(p.region_code.as_str().to_string())
            .bind(p.year)
            .bind(p.kind.as_str())
            .bind(p.count)
            .bind(p.provenance.clone())
            .execute(&mut *tx)
            .await
            .ctx("inserting a population")?;
    }
    crate::audit::record(
        &mut tx,
        actor,
        "regions.import",
        "region",
        "*",
        &serde_json::json!({"regions": regions.len(), "populations": populations.len()}),
    )
    .await?;
    tx.commit().await.ctx("committing the region import")?;
    Ok(())
}

/// Every region row, ordered by code and validity.
pub async fn list(db: &Db) -> Result<Vec<Region>, DbError> {
    let rows = sqlx::query("SELECT * FROM regions ORDER BY code, valid_from")
        .fetch_all(db.pool())
        .await
        .ctx("listing regions")?;
    rows.iter().map(region_from).collect()
}

/// The current row for a code (the one with the latest `valid_from`).
pub async fn get_region(db: &Db, code: &RegionCode) -> Result<Option<Region>, DbError> {
    let row = sqlx::query("SELECT * FROM regions WHERE code = $1 ORDER BY valid_from DESC LIMIT 1")
        .bind(code.as_str().to_string())
        .fetch_optional(db.pool())
        .await
        .ctx("reading a region")?;
    row.as_ref().map(region_from).transpose()
}

/// Populations of a region, newest year first.
pub async fn populations(db: &Db, code: &RegionCode) -> Result<Vec<Population>, DbError> {
    let rows = sqlx::query(
        "SELECT * FROM region_populations WHERE region_code = $1 ORDER BY year DESC, kind",
    )
    .bind(code.as_str().to_string())
    .fetch_all(db.pool())
    .await
    .ctx("reading populations")?;
    rows.iter().map(population_from).collect()
}

/// Every population row of every region, by region, newest year first.
pub async fn all_populations(db: &Db) -> Result<Vec<Population>, DbError> {
    let rows =
        sqlx::query("SELECT * FROM region_populations ORDER BY region_code, year DESC, kind")
            .fetch_all(db.pool())
            .await
            .ctx("reading populations")?;
    rows.iter().map(population_from).collect()
}

fn population_from(r: &AnyRow) -> Result<Population, DbError> {
    let code: String = get(r, "region_code")?;
    let kind: String = get(r, "kind")?;
    Ok(Population {
        region_code: RegionCode::parse(&code).map_err(|e| corrupt("population region", e))?,
        year: get(r, "year")?,
        kind: PopulationKind::parse(&kind).ok_or_else(|| corrupt("population kind", kind))?,
        count: get(r, "count")?,
        provenance: get(r, "provenance")?,
    })
}

/// Every department, by short name.
pub async fn departments(db: &Db) -> Result<Vec<Department>, DbError> {
    let rows = sqlx::query("SELECT * FROM departments ORDER BY short_name")
        .fetch_all(db.pool())
        .await
        .ctx("listing departments")?;
    rows.iter()
        .map(|r| {
            Ok(Department {
                id: get(r, "id")?,
                name: get(r, "name")?,
                short_name: get(r, "short_name")?,
                provenance: get(r, "provenance")?,
            })
        })
        .collect()
}

/// Inserts departments, updating the full name of those whose short name exists.
pub async fn upsert_departments(
    db: &Db,
    list: &[(String, String, String)],
    actor: &str,
) -> Result<(), DbError> {
    let mut tx = db
        .begin_write()
        .await
        .ctx("starting the department import")?;
    for (name, short, provenance) in list {
        let n =
            sqlx::query("UPDATE departments SET name = $1, provenance = $2 WHERE short_name = $3")
                .bind(name.clone())
                .bind(provenance.clone())
                .bind(short.clone())
                .execute(&mut *tx)
                .await
                .ctx("updating a department")?;
        if n.rows_affected() == 0 {
            sqlx::query(
                "INSERT INTO departments (name, short_name, provenance) VALUES ($1, $2, $3)",
            )
            .bind(name.clone())
            .bind(short.clone())
            .bind(provenance.clone())
            .execute(&mut *tx)
            .await
            .ctx("inserting a department")?;
        }
    }
    crate::audit::record(
        &mut tx,
        actor,
        "departments.import",
        "department",
        "*",
        &serde_json::json!({"count": list.len()}),
    )
    .await?;
    tx.commit().await.ctx("committing the department import")
}
