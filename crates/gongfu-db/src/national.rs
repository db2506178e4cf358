//! The national reference lists: editions of the 国家基本公共服务标准 (2021, 2023), each
//! stored once and never changed, with its items as drafts.
//!
//! Items are kept as the drafts they were read as (JSON of `ItemDraft`) with the edition's
//! taxonomy, and parsed again when read: the reference is compared with lists, never
//! edited, so it needs no columns of its own.

use crate::{get, json, now, to_json, Ctx, Db, DbError};
use gongfu_domain::{ItemDraft, Taxonomy};

/// One stored edition.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Edition {
    /// Row id.
    pub id: i64,
    /// The edition's key, e.g. `2021`.
    pub edition: String,
    /// Its title, e.g. 国家基本公共服务标准（2021年版）.
    pub label: String,
    /// Where it was read from (file name and provenance).
    pub source: String,
    /// When (RFC 3339, UTC).
    pub imported_at: String,
    /// By whom.
    pub imported_by: String,
}

/// An edition to store.
#[derive(Debug, Clone)]
pub struct NewEdition<'a> {
    /// Key, e.g. `2023`.
    pub edition: &'a str,
    /// Title.
    pub label: &'a str,
    /// Where it comes from.
    pub source: &'a str,
    /// Who stores it.
    pub actor: &'a str,
    /// Areas and categories the drafts name.
    pub taxonomy: &'a Taxonomy,
    /// The items, in the edition's order; codes unique.
    pub items: &'a [ItemDraft],
}

fn edition_from(r: &sqlx::any::AnyRow) -> Result<Edition, DbError> {
    Ok(Edition {
        id: get(r, "id")?,
        edition: get(r, "edition")?,
        label: get(r, "label")?,
        source: get(r, "source")?,
        imported_at: get(r, "imported_at")?,
        imported_by: get(r, "imported_by")?,
    })
}

/// Stores an edition with its items and the audit entry, in one transaction.
pub async fn store(db: &Db, e: NewEdition<'_>) -> Result<Edition, DbError> {
    let mut tx = db
        .begin_write()
        .await
        .ctx("starting to store a national edition")?;
    let row = sqlx::query("INSERT INTO national_editions (edition, label, source, taxonomy, imported_at, imported_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *")
        .bind(e.edition.to_string())
        .bind(e.label.to_string())
        .bind(e.source.to_string())
        .bind(to_json(e.taxonomy))
        .bind(now())
        .bind(e.actor.to_string())
        .fetch_one(&mut *tx)
        .await
        .ctx("inserting a national edition")?;
    let edition = edition_from(&row)?;
    for (i, d) in e.items.iter().enumerate() {
        sqlx::query(
            "INSERT INTO national_items (edition_id, position, code, item) VALUES ($1, $2, $3, $4)",
        )
        .bind(edition.id)
        .bind(i as i64)
        .bind(d.code.clone())
        .bind(to_json(d))
        .execute(&mut *tx)
        .await
        .ctx("inserting a national item")?;
    }
    crate::audit::record(
        &mut tx,
        e.actor,
        "national.import",
        "national_edition",
        e.edition,
        &serde_json::json!({"label": e.label, "source": e.source, "items": e.items.len()}),
    )
    .await?;
    tx.commit().await.ctx("committing a national edition")?;
    Ok(edition)
}

/// Every edition, oldest first.
pub async fn editions(db: &Db) -> Result<Vec<Edition>, DbError> {
    sqlx::query("SELECT * FROM national_editions ORDER BY edition")
        .fetch_all(db.pool())
        .await
        .ctx("reading national editions")?
        .iter()
        .map(edition_from)
        .collect()
}

/// An edition's taxonomy and items, in order; `None` when there is no such edition.
pub async fn items(
    db: &Db,
    edition: &str,
) -> Result<Option<(Edition, Taxonomy, Vec<ItemDraft>)>, DbError> {
    let Some(row) = sqlx::query("SELECT * FROM national_editions WHERE edition = $1")
        .bind(edition.to_string())
        .fetch_optional(db.pool())
        .await
        .ctx("reading a national edition")?
    else {
        return Ok(None);
    };
    let e = edition_from(&row)?;
    let taxonomy: String = get(&row, "taxonomy")?;
    let taxonomy: Taxonomy = json("national edition taxonomy", &taxonomy)?;
    let rows =
        sqlx::query("SELECT item FROM national_items WHERE edition_id = $1 ORDER BY position")
            .bind(e.id)
            .fetch_all(db.pool())
            .await
            .ctx("reading national items")?;
    let items = rows
        .iter()
        .map(|r| {
            let s: String = get(r, "item")?;
            json("national item", &s)
        })
        .collect::<Result<Vec<ItemDraft>, _>>()?;
    Ok(Some((e, taxonomy, items)))
}
