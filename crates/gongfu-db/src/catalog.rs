//! Published list versions: their taxonomy and items. A version is written once, in one
//! transaction, and never updated: there is no UPDATE on these tables anywhere.

use crate::{get, json, now, to_json, Ctx, Db, DbError};
use gongfu_domain::catalog::{Area, Category};
use gongfu_domain::{
    BaseRelation, DepartmentName, ExpenditureResponsibility, ItemCode, ItemStatus, OriginLevel,
    PopulationKind, RegionCode, ServiceItem, Taxonomy,
};
use sqlx::any::AnyRow;

/// A published version of the list.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Version {
    /// Row id (internal).
    #[serde(skip)]
    pub id: i64,
    /// Version number, 1, 2, ... as published.
    pub number: i64,
    /// Label, e.g. 2024年版.
    pub label: String,
    /// Release notes.
    pub notes: String,
    /// When (RFC 3339, UTC).
    pub published_at: String,
    /// Who approved it.
    pub published_by: String,
    /// The adjustment that produced it.
    pub adjustment_id: Option<i64>,
}

/// What is needed to publish a version.
#[derive(Debug, Clone)]
pub struct NewVersion<'a> {
    /// Label, e.g. 2025年版.
    pub label: String,
    /// Release notes.
    pub notes: String,
    /// The approver.
    pub actor: String,
    /// The adjustment being approved, marked approved in the same transaction.
    pub adjustment_id: Option<i64>,
    /// Areas and categories.
    pub taxonomy: &'a Taxonomy,
    /// Items, already validated as a list.
    pub items: &'a [ServiceItem],
    /// The national floor check the approver saw and their written justification, kept in
    /// the audit entry; `None` when no national reference was checked.
    pub floor: Option<serde_json::Value>,
}

impl Version {
    /// The publication date, YYYY-MM-DD.
    pub fn published_date(&self) -> &str {
        self.published_at.get(..10).unwrap_or(&self.published_at)
    }
}

fn version_from(r: &AnyRow) -> Result<Version, DbError> {
    Ok(Version {
        id: get(r, "id")?,
        number: get(r, "number")?,
        label: get(r, "label")?,
        notes: get(r, "notes")?,
        published_at: get(r, "published_at")?,
        published_by: get(r, "published_by")?,
        adjustment_id: get(r, "adjustment_id")?,
    })
}

/// Every version, oldest first.
pub async fn versions(db: &Db) -> Result<Vec<Version>, DbError> {
    let rows = sqlx::query("SELECT * FROM list_versions ORDER BY number")
        .fetch_all(db.pool())
        .await
        .ctx("listing versions")?;
    rows.iter().map(version_from).collect()
}

/// One version by number.
pub async fn version(db: &Db, number: i64) -> Result<Option<Version>, DbError> {
    let row = sqlx::query("SELECT * FROM list_versions WHERE number = $1")
        .bind(number)
        .fetch_optional(db.pool())
        .await
        .ctx("reading a version")?;
    row.as_ref().map(version_from).transpose()
}

/// The newest version.
pub async fn latest(db: &Db) -> Result<Option<Version>, DbError> {
    let row = sqlx::query("SELECT * FROM list_versions ORDER BY number DESC LIMIT 1")
        .fetch_optional(db.pool())
        .await
        .ctx("reading the latest version")?;
    row.as_ref().map(version_from).transpose()
}

/// The areas and categories of a version.
pub async fn taxonomy(db: &Db, version_id: i64) -> Result<Taxonomy, DbError> {
    let areas = sqlx::query("SELECT no, name FROM version_areas WHERE version_id = $1 ORDER BY no")
        .bind(version_id)
        .fetch_all(db.pool())
        .await
        .ctx("reading areas")?
        .iter()
        .map(|r| {
            Ok(Area {
                no: u32_of(get(r, "no")?)?,
                name: get(r, "name")?,
            })
        })
        .collect::<Result<Vec<_>, DbError>>()?;
    let categories = sqlx::query(
        "SELECT no, area_no, name FROM version_categories WHERE version_id = $1 ORDER BY no",
    )
    .bind(version_id)
    .fetch_all(db.pool())
    .await
    .ctx("reading categories")?
    .iter()
    .map(|r| {
        Ok(Category {
            no: u32_of(get(r, "no")?)?,
            area_no: u32_of(get(r, "area_no")?)?,
            name: get(r, "name")?,
        })
    })
    .collect::<Result<Vec<_>, DbError>>()?;
    Ok(Taxonomy { areas, categories })
}

fn u32_of(v: i64) -> Result<u32, DbError> {
    u32::try_from(v).map_err(|_| DbError::Corrupt {
        what: "number",
        detail: v.to_string(),
    })
}

fn bad(what: &'static str, v: impl ToString) -> DbError {
    DbError::Corrupt {
        what,
        detail: v.to_string(),
    }
}

fn item_from(r: &AnyRow) -> Result<ServiceItem, DbError> {
    let code: String = get(r, "code")?;
    let er: String = get(r, "expenditure_responsibility")?;
    let depts: Vec<String> = json("lead departments", &get::<String>(r, "lead_departments")?)?;
    let origin: String = get(r, "origin_level")?;
    let base: Option<String> = get(r, "base_code")?;
    let relation: Option<String> = get(r, "base_relation")?;
    let scope: String = get(r, "population_scope")?;
    let status: String = get(r, "status")?;
    let regions: Vec<String> = json("item regions", &get::<String>(r, "regions")?)?;
    Ok(ServiceItem {
        code: ItemCode::parse(&code).map_err(|e| bad("item code", e))?,
        name: get(r, "name")?,
        area_no: u32_of(get(r, "area_no")?)?,
        category_no: u32_of(get(r, "category_no")?)?,
        seq: u32_of(get(r, "seq")?)?,
        target_population: get(r, "target_population")?,
        content: get(r, "content")?,
        standard: get(r, "standard")?,
        expenditure_responsibility: ExpenditureResponsibility::parse(&er)
            .ok_or_else(|| bad("expenditure responsibility", &er))?,
        lead_departments: depts
            .iter()
            .map(|d| DepartmentName::parse(d).map_err(|e| bad("department", e)))
            .collect::<Result<_, _>>()?,
        origin_level: OriginLevel::parse(&origin).ok_or_else(|| bad("origin level", &origin))?,
        featured: get::<i64>(r, "featured")? != 0,
        base_code: base
            .map(|b| ItemCode::parse(&b).map_err(|e| bad("base code", e)))
            .transpose()?,
        base_relation: relation
            .map(|b| BaseRelation::parse(&b).ok_or_else(|| bad("base relation", b)))
            .transpose()?,
        population_scope: PopulationKind::parse(&scope)
            .ok_or_else(|| bad("population scope", &scope))?,
        delivery_channels: json("delivery channels", &get::<String>(r, "delivery_channels")?)?,
        policy_basis: get(r, "policy_basis")?,
        process: get(r, "process")?,
        status: ItemStatus::parse(&status).ok_or_else(|| bad("status", &status))?,
        regions: regions
            .iter()
            .map(|c| RegionCode::parse(c).map_err(|e| bad("item region", e)))
            .collect::<Result<_, _>>()?,
        eligibility_rule: get(r, "eligibility_rule")?,
        eligibility_examples: get(r, "eligibility_examples")?,
        provenance: get(r, "provenance")?,
    })
}

/// The items of a version, in list order (category, sequence, code).
pub async fn items(db: &Db, version_id: i64) -> Result<Vec<ServiceItem>, DbError> {
    let rows =
        sqlx::query("SELECT * FROM items WHERE version_id = $1 ORDER BY category_no, seq, code")
            .bind(version_id)
            .fetch_all(db.pool())
            .await
            .ctx("reading items")?;
    rows.iter().map(item_from).collect()
}

const ITEM_COLS: &str = "version_id, code, name, area_no, category_no, seq, target_population, content, standard, expenditure_responsibility, lead_departments, origin_level, featured, base_code, base_relation, population_scope, delivery_channels, policy_basis, process, status, regions, provenance, eligibility_rule, eligibility_examples";
const ITEM_COL_COUNT: usize = 24;
/// Rows per INSERT: well under SQLite's 32,766 and PostgreSQL's 65,535 parameters.
const ITEM_BATCH: usize = 400;

/// Publishes a new version in one transaction: the version row, its taxonomy, its items,
/// any department the items name that is not registered yet, the adjustment's approval
/// and the audit entry. Returns the new version.
pub async fn publish(db: &Db, v: NewVersion<'_>) -> Result<Version, DbError> {
    let mut tx = db.begin_write().await.ctx("starting publication")?;
    let next: i64 = {
        let row = sqlx::query("SELECT COALESCE(MAX(number), 0) + 1 AS next FROM list_versions")
            .fetch_one(&mut *tx)
            .await
            .ctx("numbering the version")?;
        get(&row, "next")?
    };
    let at = now();
    let row = sqlx::query("INSERT INTO list_versions (number, label, notes, published_at, published_by, adjustment_id) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *")
        .bind(next)
        .bind(v.label.clone())
        .bind(v.notes.clone())
        .bind(at.clone())
        .bind(v.actor.clone())
        .bind(v.adjustment_id)
        .fetch_one(&mut *tx)
        .await
        .ctx("inserting the version")?;
    let version = version_from(&row)?;
    for a in &v.taxonomy.areas {
        sqlx::query("INSERT INTO version_areas (version_id, no, name) VALUES ($1, $2, $3)")
            .bind(version.id)
            .bind(i64::from(a.no))
            .bind(a.name.clone())
            .execute(&mut *tx)
            .await
            .ctx("inserting an area")?;
    }
    for c in &v.taxonomy.categories {
        sqlx::query("INSERT INTO version_categories (version_id, no, area_no, name) VALUES ($1, $2, $3, $4)")
            .bind(version.id)
            .bind(i64::from(c.no))
            .bind(i64::from(c.area_no))
            .bind(c.name.clone())
            .execute(&mut *tx)
            .await
            .ctx("inserting a category")?;
    }
    for chunk in v.items.chunks(ITEM_BATCH) {
        let mut sql = format!("INSERT INTO items ({ITEM_COLS}) VALUES ");
        for i in 0..chunk.len() {
            if i > 0 {
                sql.push(',');
            }
            sql.push('(');
            for j in 0..ITEM_COL_COUNT {
                if j > 0 {
                    sql.push(',');
                }
                sql.push_str(&format!("${}", i * ITEM_COL_COUNT + j + 1));
            }
            sql.push(')');
        }
        let mut q = sqlx::query(&sql);
        for it in chunk {
            let depts: Vec<&str> = it.lead_departments.iter().map(|d| d.as_str()).collect();
            let regions: Vec<&str> = it.regions.iter().map(|r| r.as_str()).collect();
            q = q
                .bind(version.id)
                .bind(it.code.to_string())
                .bind(it.name.clone())
                .bind(i64::from(it.area_no))
                .bind(i64::from(it.category_no))
                .bind(i64::from(it.seq))
                .bind(it.target_population.clone())
                .bind(it.content.clone())
                .bind(it.standard.clone())
                .bind(it.expenditure_responsibility.text().to_string())
                .bind(to_json(&depts))
                .bind(it.origin_level.as_str())
                .bind(i64::from(it.featured))
                .bind(it.base_code.as_ref().map(|c| c.to_string()))
                .bind(it.base_relation.map(|r| r.as_str()))
                .bind(it.population_scope.as_str())
                .bind(to_json(&it.delivery_channels))
                .bind(it.policy_basis.clone())
                .bind(it.process.clone())
                .bind(it.status.as_str())
                .bind(to_json(&regions))
                .bind(it.provenance.clone())
                .bind(it.eligibility_rule.clone())
                .bind(it.eligibility_examples.clone());
        }
        q.execute(&mut *tx).await.ctx("inserting items")?;
    }
    // Departments the list names but the registry lacks are registered by short name, so
    // every lead department can be looked up; their full names can be filled in later.
    let known: Vec<String> = sqlx::query("SELECT short_name FROM departments")
        .fetch_all(&mut *tx)
        .await
        .ctx("reading departments")?
        .iter()
        .map(|r| get::<String>(r, "short_name"))
        .collect::<Result<_, _>>()?;
    let mut new_depts: Vec<&str> = v
        .items
        .iter()
        .flat_map(|i| i.lead_departments.iter().map(|d| d.as_str()))
        .filter(|d| !known.iter().any(|k| k == d))
        .collect();
    new_depts.sort_unstable();
    new_depts.dedup();
    for d in &new_depts {
        sqlx::query("INSERT INTO departments (name, short_name, provenance) VALUES ($1, $1, $2)")
            .bind(d.to_string())
            .bind(format!("由清单第{next}版的牵头负责单位自动登记"))
            .execute(&mut *tx)
            .await
            .ctx("registering a department")?;
    }
    if let Some(adj) = v.adjustment_id {
        sqlx::query("UPDATE adjustments SET status = 'approved', decided_by = $1, decided_at = $2, result_version_id = $3 WHERE id = $4")
            .bind(v.actor.clone())
            .bind(at)
            .bind(version.id)
            .bind(adj)
            .execute(&mut *tx)
            .await
            .ctx("approving the adjustment")?;
    }
    crate::audit::record(
        &mut tx,
        &v.actor,
        "version.publish",
        "version",
        &next.to_string(),
        &serde_json::json!({"label": v.label, "items": v.items.len(), "adjustment_id": v.adjustment_id, "new_departments": new_depts, "floor": v.floor}),
    )
    .await?;
    tx.commit().await.ctx("committing publication")?;
    Ok(version)
}
