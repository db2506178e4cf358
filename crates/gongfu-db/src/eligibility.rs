//! Populations for the microsimulation, unit costs, payer shares, budgets, affordability
//! runs and the answers a resident chose to keep.
//!
//! Rows go in and come back as plain values: a population's columns are bytes that
//! gongfu-rules encodes and decodes, runs are JSON that gongfu-eligibility writes. Every
//! write is one transaction with its audit entry.

use crate::{get, now, opt_f64, Ctx, Db, DbError};
use sqlx::any::AnyRow;

/// A stored population table.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredPopulation {
    /// Row id.
    pub id: i64,
    /// Name shown to staff.
    pub name: String,
    /// The region it covers (the district).
    pub region_code: String,
    /// The year it describes.
    pub year: i64,
    /// `synthesized` or `imported`.
    pub source: String,
    /// Synthesis parameters or the import's file name, JSON.
    pub params: String,
    /// Persons.
    pub persons: i64,
    /// Columns (gongfu-rules' encoding); empty for a synthesized population, which is
    /// drawn again from its parameters (the draw is reproducible).
    pub data: Vec<u8>,
    /// When written (RFC 3339).
    pub created_at: String,
    /// By whom.
    pub created_by: String,
    /// Source of the figures; 示例 marks illustrative ones.
    pub provenance: String,
}

const POP_COLS: &str =
    "id, name, region_code, year, source, params, persons, created_at, created_by, provenance";

fn population(r: &AnyRow, data: Vec<u8>) -> Result<StoredPopulation, DbError> {
    Ok(StoredPopulation {
        id: get(r, "id")?,
        name: get(r, "name")?,
        region_code: get(r, "region_code")?,
        year: get(r, "year")?,
        source: get(r, "source")?,
        params: get(r, "params")?,
        persons: get(r, "persons")?,
        data,
        created_at: get(r, "created_at")?,
        created_by: get(r, "created_by")?,
        provenance: get(r, "provenance")?,
    })
}

/// Every population, newest first, without their columns.
pub async fn populations(db: &Db) -> Result<Vec<StoredPopulation>, DbError> {
    let rows = sqlx::query(&format!(
        "SELECT {POP_COLS} FROM populations ORDER BY id DESC"
    ))
    .fetch_all(db.pool())
    .await
    .ctx("listing populations")?;
    rows.iter().map(|r| population(r, Vec::new())).collect()
}

/// One population with its columns.
pub async fn population_by_id(db: &Db, id: i64) -> Result<Option<StoredPopulation>, DbError> {
    let row = sqlx::query(&format!(
        "SELECT {POP_COLS}, data FROM populations WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(db.pool())
    .await
    .ctx("reading a population")?;
    row.map(|r| population(&r, get(&r, "data")?)).transpose()
}

/// Stores a population; returns its id.
pub async fn insert_population(db: &Db, p: &StoredPopulation) -> Result<i64, DbError> {
    let mut tx = db
        .begin_write()
        .await
        .ctx("starting the population write")?;
    let row = sqlx::query(
        "INSERT INTO populations (name, region_code, year, source, params, persons, data, created_at, created_by, provenance) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(p.name.clone())
    .bind(p.region_code.clone())
    .bind(p.year)
    .bind(p.source.clone())
    .bind(p.params.clone())
    .bind(p.persons)
    .bind(p.data.clone())
    .bind(now())
    .bind(p.created_by.clone())
    .bind(p.provenance.clone())
    .fetch_one(&mut *tx)
    .await
    .ctx("writing a population")?;
    let id: i64 = get(&row, "id")?;
    crate::audit::record(
        &mut tx,
        &p.created_by,
        "population.create",
        "population",
        &id.to_string(),
        &serde_json::json!({"name": p.name, "year": p.year, "source": p.source, "persons": p.persons}),
    )
    .await?;
    tx.commit().await.ctx("committing the population")?;
    Ok(id)
}

/// Removes a population; false when there was none.
pub async fn delete_population(db: &Db, id: i64, actor: &str) -> Result<bool, DbError> {
    let mut tx = db
        .begin_write()
        .await
        .ctx("starting the population removal")?;
    let n = sqlx::query("DELETE FROM populations WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await
        .ctx("removing a population")?
        .rows_affected();
    if n > 0 {
        crate::audit::record(
            &mut tx,
            actor,
            "population.delete",
            "population",
            &id.to_string(),
            &serde_json::json!({}),
        )
        .await?;
    }
    tx.commit().await.ctx("committing the population removal")?;
    Ok(n > 0)
}

/// A unit cost row: item, year, yuan per beneficiary, optional shares (central,
/// provincial, municipal, district), provenance.
#[derive(Debug, Clone, PartialEq)]
pub struct CostRow {
    /// Item code.
    pub item_code: String,
    /// Year.
    pub year: i64,
    /// Yuan per beneficiary per year.
    pub unit_cost: f64,
    /// Share of the eligible who use it (受益比例); `None` is all.
    pub take_up: Option<f64>,
    /// Shares, when the item's own split is given.
    pub shares: Option<[f64; 4]>,
    /// Source.
    pub provenance: String,
}

/// Default shares of one kind of 支出责任.
#[derive(Debug, Clone, PartialEq)]
pub struct ShareRow {
    /// `central`, `local`, `shared` or another split's text.
    pub responsibility: String,
    /// Central, provincial, municipal, district.
    pub shares: [f64; 4],
    /// Source.
    pub provenance: String,
}

/// A general budget expenditure figure.
#[derive(Debug, Clone, PartialEq)]
pub struct BudgetRow {
    /// Region code (the district).
    pub region_code: String,
    /// Year.
    pub year: i64,
    /// Yuan.
    pub general_expenditure: f64,
    /// Source.
    pub provenance: String,
}

/// Every unit cost.
pub async fn costs(db: &Db) -> Result<Vec<CostRow>, DbError> {
    let rows = sqlx::query(
        "SELECT item_code, year, unit_cost, take_up, central_share, provincial_share, municipal_share, district_share, provenance \
         FROM item_costs ORDER BY item_code, year",
    )
    .fetch_all(db.pool())
    .await
    .ctx("reading unit costs")?;
    rows.iter()
        .map(|r| {
            let s: [Option<f64>; 4] = [
                get(r, "central_share")?,
                get(r, "provincial_share")?,
                get(r, "municipal_share")?,
                get(r, "district_share")?,
            ];
            Ok(CostRow {
                item_code: get(r, "item_code")?,
                year: get(r, "year")?,
                unit_cost: get(r, "unit_cost")?,
                take_up: get(r, "take_up")?,
                shares: match s {
                    [Some(a), Some(b), Some(c), Some(d)] => Some([a, b, c, d]),
                    _ => None,
                },
                provenance: get(r, "provenance")?,
            })
        })
        .collect()
}

/// Every default share.
pub async fn payer_shares(db: &Db) -> Result<Vec<ShareRow>, DbError> {
    let rows = sqlx::query(
        "SELECT responsibility, central_share, provincial_share, municipal_share, district_share, provenance \
         FROM payer_shares ORDER BY responsibility",
    )
    .fetch_all(db.pool())
    .await
    .ctx("reading payer shares")?;
    rows.iter()
        .map(|r| {
            Ok(ShareRow {
                responsibility: get(r, "responsibility")?,
                shares: [
                    get(r, "central_share")?,
                    get(r, "provincial_share")?,
                    get(r, "municipal_share")?,
                    get(r, "district_share")?,
                ],
                provenance: get(r, "provenance")?,
            })
        })
        .collect()
}

/// Every budget figure.
pub async fn budgets(db: &Db) -> Result<Vec<BudgetRow>, DbError> {
    let rows = sqlx::query(
        "SELECT region_code, year, general_expenditure, provenance FROM budgets ORDER BY region_code, year",
    )
    .fetch_all(db.pool())
    .await
    .ctx("reading budgets")?;
    rows.iter()
        .map(|r| {
            Ok(BudgetRow {
                region_code: get(r, "region_code")?,
                year: get(r, "year")?,
                general_expenditure: get(r, "general_expenditure")?,
                provenance: get(r, "provenance")?,
            })
        })
        .collect()
}

/// Writes unit costs, payer shares and budgets (rows with the same key replace the stored
/// ones), in one transaction with its audit entry.
pub async fn save_finance(
    db: &Db,
    costs: &[CostRow],
    shares: &[ShareRow],
    budgets: &[BudgetRow],
    actor: &str,
) -> Result<(), DbError> {
    let mut tx = db.begin_write().await.ctx("starting the finance write")?;
    for c in costs {
        // Optional numbers through `opt_f64` and NULLIF (see there); shares and take-up
        // are never negative.
        let s = c.shares.map_or([None; 4], |s| s.map(Some)).map(opt_f64);
        sqlx::query(
            "INSERT INTO item_costs (item_code, year, unit_cost, central_share, provincial_share, municipal_share, district_share, provenance, take_up) \
             VALUES ($1, $2, $3, NULLIF($4, -1), NULLIF($5, -1), NULLIF($6, -1), NULLIF($7, -1), $8, NULLIF($9, -1)) \
             ON CONFLICT (item_code, year) DO UPDATE SET unit_cost = excluded.unit_cost, take_up = excluded.take_up, \
             central_share = excluded.central_share, provincial_share = excluded.provincial_share, \
             municipal_share = excluded.municipal_share, district_share = excluded.district_share, \
             provenance = excluded.provenance",
        )
        .bind(c.item_code.clone())
        .bind(c.year)
        .bind(c.unit_cost)
        .bind(s[0])
        .bind(s[1])
        .bind(s[2])
        .bind(s[3])
        .bind(c.provenance.clone())
        .bind(opt_f64(c.take_up))
        .execute(&mut *tx)
        .await
        .ctx("writing a unit cost")?;
    }
    for s in shares {
        sqlx::query(
            "INSERT INTO payer_shares (responsibility, central_share, provincial_share, municipal_share, district_share, provenance) \
             VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (responsibility) DO UPDATE SET central_share = excluded.central_share, \
             provincial_share = excluded.provincial_share, municipal_share = excluded.municipal_share, \
             district_share = excluded.district_share, provenance = excluded.provenance",
        )
        .bind(s.responsibility.clone())
        .bind(s.shares[0])
        .bind(s.shares[1])
        .bind(s.shares[2])
        .bind(s.shares[3])
        .bind(s.provenance.clone())
        .execute(&mut *tx)
        .await
        .ctx("writing payer shares")?;
    }
    for b in budgets {
        sqlx::query(
            "INSERT INTO budgets (region_code, year, general_expenditure, provenance) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (region_code, year) DO UPDATE SET general_expenditure = excluded.general_expenditure, \
             provenance = excluded.provenance",
        )
        .bind(b.region_code.clone())
        .bind(b.year)
        .bind(b.general_expenditure)
        .bind(b.provenance.clone())
        .execute(&mut *tx)
        .await
        .ctx("writing a budget")?;
    }
    crate::audit::record(
        &mut tx,
        actor,
        "finance.save",
        "finance",
        "*",
        &serde_json::json!({"unit_costs": costs.len(), "payer_shares": shares.len(), "budgets": budgets.len()}),
    )
    .await?;
    tx.commit().await.ctx("committing the finance write")?;
    Ok(())
}

/// A stored affordability run.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredRun {
    /// Row id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// The request, JSON.
    pub request: String,
    /// The result, JSON (empty in listings).
    pub result: String,
    /// The adjustment it assesses, if any.
    pub adjustment_id: Option<i64>,
    /// When.
    pub created_at: String,
    /// By whom.
    pub created_by: String,
}

fn run_row(r: &AnyRow, with_result: bool) -> Result<StoredRun, DbError> {
    Ok(StoredRun {
        id: get(r, "id")?,
        title: get(r, "title")?,
        request: get(r, "request")?,
        result: if with_result {
            get(r, "result")?
        } else {
            String::new()
        },
        adjustment_id: get(r, "adjustment_id")?,
        created_at: get(r, "created_at")?,
        created_by: get(r, "created_by")?,
    })
}

/// Stores a run; returns its id.
pub async fn insert_run(db: &Db, r: &StoredRun) -> Result<i64, DbError> {
    let mut tx = db.begin_write().await.ctx("starting the run write")?;
    let row = sqlx::query(
        "INSERT INTO affordability_runs (title, request, result, adjustment_id, created_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(r.title.clone())
    .bind(r.request.clone())
    .bind(r.result.clone())
    .bind(r.adjustment_id)
    .bind(now())
    .bind(r.created_by.clone())
    .fetch_one(&mut *tx)
    .await
    .ctx("writing an affordability run")?;
    let id: i64 = get(&row, "id")?;
    crate::audit::record(
        &mut tx,
        &r.created_by,
        "affordability.run",
        "affordability_run",
        &id.to_string(),
        &serde_json::json!({"title": r.title, "adjustment_id": r.adjustment_id}),
    )
    .await?;
    tx.commit().await.ctx("committing the run")?;
    Ok(id)
}

/// Runs, newest first, without results; only those of an adjustment when given.
pub async fn runs(db: &Db, adjustment: Option<i64>) -> Result<Vec<StoredRun>, DbError> {
    let cols = "id, title, request, adjustment_id, created_at, created_by";
    let rows = match adjustment {
        Some(a) => {
            sqlx::query(&format!(
                "SELECT {cols} FROM affordability_runs WHERE adjustment_id = $1 ORDER BY id DESC"
            ))
            .bind(a)
            .fetch_all(db.pool())
            .await
        }
        None => {
            sqlx::query(&format!(
                "SELECT {cols} FROM affordability_runs ORDER BY id DESC"
            ))
            .fetch_all(db.pool())
            .await
        }
    }
    .ctx("listing affordability runs")?;
    rows.iter().map(|r| run_row(r, false)).collect()
}

/// One run with its result.
pub async fn run_by_id(db: &Db, id: i64) -> Result<Option<StoredRun>, DbError> {
    let row = sqlx::query(
        "SELECT id, title, request, result, adjustment_id, created_at, created_by FROM affordability_runs WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await
    .ctx("reading an affordability run")?;
    row.map(|r| run_row(&r, true)).transpose()
}

/// Keeps a resident's answers behind a token (its hash is the key); not audited, as it
/// is the resident's own data, and it expires.
pub async fn save_answers(
    db: &Db,
    token_hash: &str,
    profile: &str,
    expires_at: &str,
) -> Result<(), DbError> {
    // Expired answers go whenever new ones are kept.
    sqlx::query("DELETE FROM saved_answers WHERE expires_at < $1")
        .bind(now())
        .execute(db.pool())
        .await
        .ctx("removing expired answers")?;
    sqlx::query(
        "INSERT INTO saved_answers (token_hash, profile, created_at, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(token_hash.to_string())
    .bind(profile.to_string())
    .bind(now())
    .bind(expires_at.to_string())
    .execute(db.pool())
    .await
    .ctx("keeping answers")?;
    Ok(())
}

/// Answers kept behind a token hash, unless expired.
pub async fn saved_answers(db: &Db, token_hash: &str) -> Result<Option<String>, DbError> {
    let row =
        sqlx::query("SELECT profile FROM saved_answers WHERE token_hash = $1 AND expires_at >= $2")
            .bind(token_hash.to_string())
            .bind(now())
            .fetch_optional(db.pool())
            .await
            .ctx("reading kept answers")?;
    row.map(|r| get(&r, "profile")).transpose()
}

/// Forgets answers kept behind a token hash.
pub async fn forget_answers(db: &Db, token_hash: &str) -> Result<bool, DbError> {
    let n = sqlx::query("DELETE FROM saved_answers WHERE token_hash = $1")
        .bind(token_hash.to_string())
        .execute(db.pool())
        .await
        .ctx("forgetting answers")?
        .rows_affected();
    Ok(n > 0)
}
