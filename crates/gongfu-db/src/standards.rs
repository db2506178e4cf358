//! The standard system's tables: the tree and the registry with its links.
//!
//! The registry is small (a district holds hundreds to a few thousand standards), so it is
//! read whole and written in batches, each batch in one transaction with its audit entry.

use crate::{get, now, Ctx, Db, DbError};
use gongfu_domain::standard::{
    InternalPattern, Issuer, NumberRules, Origin, Stage, Standard, StandardNumber, SystemNode,
    SystemTree,
};
use gongfu_domain::ItemCode;
use sqlx::any::AnyRow;
use std::collections::BTreeMap;

fn corrupt(what: &'static str, detail: impl Into<String>) -> DbError {
    DbError::Corrupt {
        what,
        detail: detail.into(),
    }
}

/// The system tree, parents first.
pub async fn tree(db: &Db) -> Result<SystemTree, DbError> {
    let rows = sqlx::query(
        "SELECT code, name, parent, description FROM standard_nodes ORDER BY position, code",
    )
    .fetch_all(db.pool())
    .await
    .ctx("reading the standard system tree")?;
    let nodes = rows
        .iter()
        .map(|r| {
            Ok(SystemNode {
                code: get(r, "code")?,
                name: get(r, "name")?,
                parent: get(r, "parent")?,
                description: get(r, "description")?,
            })
        })
        .collect::<Result<Vec<_>, DbError>>()?;
    SystemTree::parse(nodes).map_err(|e| {
        corrupt(
            "standard system tree",
            e.iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("; "),
        )
    })
}

/// Replaces the tree. The caller has checked that every standard's node survives.
pub async fn replace_tree(db: &Db, tree: &SystemTree, actor: &str) -> Result<(), DbError> {
    let mut tx = db.begin_write().await.ctx("starting the tree import")?;
    sqlx::query("DELETE FROM standard_nodes")
        .execute(&mut *tx)
        .await
        .ctx("clearing the tree")?;
    for (i, n) in tree.nodes.iter().enumerate() {
        sqlx::query("INSERT INTO standard_nodes (code, name, parent, position, description) VALUES ($1, $2, $3, $4, $5)")
            .bind(n.code.clone())
            .bind(n.name.clone())
            .bind(n.parent.clone())
            .bind(i as i64)
            .bind(n.description.clone())
            .execute(&mut *tx)
            .await
            .ctx("inserting a tree node")?;
    }
    crate::audit::record(
        &mut tx,
        actor,
        "standards.tree.replace",
        "standard_node",
        "*",
        &serde_json::json!({"nodes": tree.nodes.len()}),
    )
    .await?;
    tx.commit().await.ctx("committing the tree import")
}

fn date(r: &AnyRow, col: &'static str) -> Result<Option<time::Date>, DbError> {
    let s: Option<String> = get(r, col)?;
    match s.as_deref().filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => gongfu_domain::standard::parse_date(s).map_err(|e| corrupt(col, e)),
    }
}

fn number(raw: &str, pattern: &str) -> Result<StandardNumber, DbError> {
    let mut rules = NumberRules::default();
    if !pattern.is_empty() {
        let p = InternalPattern::parse(pattern)
            .map_err(|e| corrupt("standard number pattern", e.to_string()))?;
        rules = rules.with_internal(p);
    }
    StandardNumber::parse(raw, &rules).map_err(|e| corrupt("standard number", e.to_string()))
}

fn pattern_of(n: &StandardNumber) -> String {
    match n.issuer() {
        Issuer::Internal(p) => p.as_str().to_string(),
        _ => String::new(),
    }
}

/// Every standard, ordered by number.
pub async fn standards(db: &Db) -> Result<Vec<Standard>, DbError> {
    let rows = sqlx::query("SELECT * FROM standards ORDER BY number")
        .fetch_all(db.pool())
        .await
        .ctx("reading the standards")?;
    // Linked numbers are read with the same patterns as the standards themselves, so an
    // internal norm referencing another reads back.
    let mut patterns: Vec<String> = vec![];
    let mut out = Vec::with_capacity(rows.len());
    let mut index = BTreeMap::new();
    for r in &rows {
        let raw: String = get(r, "number")?;
        let pattern: String = get(r, "pattern")?;
        if !pattern.is_empty() && !patterns.contains(&pattern) {
            patterns.push(pattern.clone());
        }
        let stage: String = get(r, "stage")?;
        let origin: String = get(r, "origin")?;
        let cycle: Option<i64> = get(r, "review_cycle_years")?;
        let superseded_by: Option<String> = get(r, "superseded_by")?;
        index.insert(raw.clone(), out.len());
        out.push((
            superseded_by,
            Standard {
                number: number(&raw, &pattern)?,
                title: get(r, "title")?,
                title_en: get(r, "title_en")?,
                issued_by: get(r, "issued_by")?,
                stage: Stage::parse(&stage)
                    .ok_or_else(|| corrupt("standard stage", stage.clone()))?,
                origin: Origin::parse(&origin)
                    .ok_or_else(|| corrupt("standard origin", origin.clone()))?,
                node: get(r, "node")?,
                published_on: date(r, "published_on")?,
                effective_on: date(r, "effective_on")?,
                reviewed_on: date(r, "reviewed_on")?,
                next_review_on: date(r, "next_review_on")?,
                withdrawn_on: date(r, "withdrawn_on")?,
                review_cycle_years: cycle.and_then(|c| u8::try_from(c).ok()),
                supersedes: vec![],
                superseded_by: None,
                references: vec![],
                items: vec![],
                notes: get(r, "notes")?,
                source: get(r, "source")?,
            },
        ));
    }
    let mut rules = NumberRules::default();
    for p in &patterns {
        if let Ok(p) = InternalPattern::parse(p) {
            rules = rules.with_internal(p);
        }
    }
    let linked = |raw: &str| {
        StandardNumber::parse(raw, &rules)
            .map_err(|e| corrupt("linked standard number", e.to_string()))
    };
    for (table, col) in [
        ("standard_supersessions", "old"),
        ("standard_references", "referenced"),
        ("standard_items", "item_code"),
    ] {
        let rows = sqlx::query(&format!(
            "SELECT number, {col} AS target FROM {table} ORDER BY number, position"
        ))
        .fetch_all(db.pool())
        .await
        .ctx("reading the standards' links")?;
        for r in &rows {
            let n: String = get(r, "number")?;
            let target: String = get(r, "target")?;
            let Some(&i) = index.get(&n) else { continue };
            let s = &mut out[i].1;
            match table {
                "standard_supersessions" => s.supersedes.push(linked(&target)?),
                "standard_references" => s.references.push(linked(&target)?),
                _ => s
                    .items
                    .push(ItemCode::parse(&target).map_err(|e| corrupt("item code", e))?),
            }
        }
    }
    out.into_iter()
        .map(|(by, mut s)| {
            s.superseded_by = by.as_deref().map(linked).transpose()?;
            Ok(s)
        })
        .collect()
}

/// Inserts or replaces standards (by number) and deletes `remove`, in one transaction
/// with one audit entry naming `action`.
pub async fn save_standards(
    db: &Db,
    upserts: &[Standard],
    remove: &[StandardNumber],
    actor: &str,
    action: &str,
) -> Result<(), DbError> {
    let mut tx = db.begin_write().await.ctx("starting the registry change")?;
    let at = now();
    for n in remove.iter().chain(upserts.iter().map(|s| &s.number)) {
        for table in [
            "standard_supersessions",
            "standard_references",
            "standard_items",
        ] {
            sqlx::query(&format!("DELETE FROM {table} WHERE number = $1"))
                .bind(n.to_string())
                .execute(&mut *tx)
                .await
                .ctx("clearing a standard's links")?;
        }
        sqlx::query("DELETE FROM standards WHERE number = $1")
            .bind(n.to_string())
            .execute(&mut *tx)
            .await
            .ctx("removing a standard")?;
    }
    let d = |d: Option<time::Date>| d.map(|d| d.to_string());
    for s in upserts {
        let number = s.number.to_string();
        sqlx::query(
            "INSERT INTO standards (number, pattern, level, title, title_en, issued_by, stage, origin, node, \
             published_on, effective_on, reviewed_on, withdrawn_on, review_cycle_years, superseded_by, notes, source, \
             updated_at, updated_by, next_review_on) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)",
        )
        .bind(number.clone())
        .bind(pattern_of(&s.number))
        .bind(s.level().as_str())
        .bind(s.title.clone())
        .bind(s.title_en.clone())
        .bind(s.issued_by.clone())
        .bind(s.stage.as_str())
        .bind(s.origin.as_str())
        .bind(s.node.clone())
        .bind(d(s.published_on))
        .bind(d(s.effective_on))
        .bind(d(s.reviewed_on))
        .bind(d(s.withdrawn_on))
        .bind(s.review_cycle_years.map(i64::from))
        .bind(s.superseded_by.as_ref().map(|n| n.to_string()))
        .bind(s.notes.clone())
        .bind(s.source.clone())
        .bind(at.clone())
        .bind(actor.to_string())
        .bind(d(s.next_review_on))
        .execute(&mut *tx)
        .await
        .ctx("inserting a standard")?;
        let links: [(&str, Vec<String>); 3] = [
            (
                "standard_supersessions (number, old, position)",
                s.supersedes.iter().map(|n| n.to_string()).collect(),
            ),
            (
                "standard_references (number, referenced, position)",
                s.references.iter().map(|n| n.to_string()).collect(),
            ),
            (
                "standard_items (number, item_code, position)",
                s.items.iter().map(|c| c.as_str().to_string()).collect(),
            ),
        ];
        for (table, targets) in links {
            for (i, t) in targets.into_iter().enumerate() {
                sqlx::query(&format!("INSERT INTO {table} VALUES ($1, $2, $3)"))
                    .bind(number.clone())
                    .bind(t)
                    .bind(i as i64)
                    .execute(&mut *tx)
                    .await
                    .ctx("linking a standard")?;
            }
        }
    }
    let key = match (upserts, remove) {
        ([one], []) => one.number.to_string(),
        ([], [one]) => one.to_string(),
        _ => "*".into(),
    };
    crate::audit::record(
        &mut tx,
        actor,
        action,
        "standard",
        &key,
        &serde_json::json!({
            "saved": upserts.iter().map(|s| s.number.to_string()).collect::<Vec<_>>(),
            "removed": remove.iter().map(|n| n.to_string()).collect::<Vec<_>>(),
        }),
    )
    .await?;
    tx.commit().await.ctx("committing the registry change")
}
