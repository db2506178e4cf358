//! Standard texts and service guides: one row per document, the parsed document as JSON.
//!
//! This module does not know the document's structure; gongfu-texts parses and
//! gongfu-standards serializes it. Keeping the body opaque here keeps gongfu-db free of the
//! parsers.

use crate::{get, now, Ctx, Db, DbError};
use sqlx::any::AnyRow;

/// A stored document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDocument {
    /// `standard` or `guide`.
    pub kind: String,
    /// The canonical standard number or the item code.
    pub key: String,
    /// Title shown in lists.
    pub title: String,
    /// File name it was imported from.
    pub source_name: String,
    /// `markdown` or `docx`.
    pub source_format: String,
    /// The parsed document, JSON.
    pub body: String,
    /// Its text without structure, for search.
    pub plain_text: String,
    /// Illustrative (示例) demo content.
    pub demo: bool,
    /// When it was last written (RFC 3339, UTC); set on save.
    pub updated_at: String,
    /// Who wrote it; set on save.
    pub updated_by: String,
}

/// A document without its body, for lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentSummary {
    /// `standard` or `guide`.
    pub kind: String,
    /// The canonical standard number or the item code.
    pub key: String,
    /// Title.
    pub title: String,
    /// `markdown` or `docx`.
    pub source_format: String,
    /// Illustrative demo content.
    pub demo: bool,
    /// Last written.
    pub updated_at: String,
}

fn summary(r: &AnyRow) -> Result<DocumentSummary, DbError> {
    Ok(DocumentSummary {
        kind: get(r, "kind")?,
        key: get(r, "doc_key")?,
        title: get(r, "title")?,
        source_format: get(r, "source_format")?,
        demo: get::<i64>(r, "demo")? != 0,
        updated_at: get(r, "updated_at")?,
    })
}

/// Every document of a kind (or all), ordered by kind and key; bodies left out.
pub async fn list(db: &Db, kind: Option<&str>) -> Result<Vec<DocumentSummary>, DbError> {
    let rows = sqlx::query(
        "SELECT kind, doc_key, title, source_format, demo, updated_at FROM documents \
         WHERE $1 = '' OR kind = $1 ORDER BY kind, doc_key",
    )
    .bind(kind.unwrap_or("").to_string())
    .fetch_all(db.pool())
    .await
    .ctx("listing documents")?;
    rows.iter().map(summary).collect()
}

fn stored(r: &AnyRow) -> Result<StoredDocument, DbError> {
    Ok(StoredDocument {
        kind: get(r, "kind")?,
        key: get(r, "doc_key")?,
        title: get(r, "title")?,
        source_name: get(r, "source_name")?,
        source_format: get(r, "source_format")?,
        body: get(r, "body")?,
        plain_text: get(r, "plain_text")?,
        demo: get::<i64>(r, "demo")? != 0,
        updated_at: get(r, "updated_at")?,
        updated_by: get(r, "updated_by")?,
    })
}

/// One document.
pub async fn get_document(
    db: &Db,
    kind: &str,
    key: &str,
) -> Result<Option<StoredDocument>, DbError> {
    let row = sqlx::query("SELECT * FROM documents WHERE kind = $1 AND doc_key = $2")
        .bind(kind.to_string())
        .bind(key.to_string())
        .fetch_optional(db.pool())
        .await
        .ctx("reading a document")?;
    row.as_ref().map(stored).transpose()
}

/// Every document with its body (for the search index, which reads them all at start).
pub async fn all(db: &Db) -> Result<Vec<StoredDocument>, DbError> {
    let rows = sqlx::query("SELECT * FROM documents ORDER BY kind, doc_key")
        .fetch_all(db.pool())
        .await
        .ctx("reading the documents")?;
    rows.iter().map(stored).collect()
}

/// Inserts or replaces documents (by kind and key) and deletes `remove` (kind, key), in one
/// transaction with one audit entry naming `action`.
pub async fn save(
    db: &Db,
    docs: &[StoredDocument],
    remove: &[(String, String)],
    actor: &str,
    action: &str,
) -> Result<(), DbError> {
    let mut tx = db.begin_write().await.ctx("starting the document change")?;
    let at = now();
    let keys = remove
        .iter()
        .cloned()
        .chain(docs.iter().map(|d| (d.kind.clone(), d.key.clone())));
    for (kind, key) in keys {
        sqlx::query("DELETE FROM documents WHERE kind = $1 AND doc_key = $2")
            .bind(kind)
            .bind(key)
            .execute(&mut *tx)
            .await
            .ctx("removing a document")?;
    }
    for d in docs {
        sqlx::query(
            "INSERT INTO documents (kind, doc_key, title, source_name, source_format, body, plain_text, demo, updated_at, updated_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(d.kind.clone())
        .bind(d.key.clone())
        .bind(d.title.clone())
        .bind(d.source_name.clone())
        .bind(d.source_format.clone())
        .bind(d.body.clone())
        .bind(d.plain_text.clone())
        .bind(i64::from(d.demo))
        .bind(at.clone())
        .bind(actor.to_string())
        .execute(&mut *tx)
        .await
        .ctx("inserting a document")?;
    }
    let key = match (docs, remove) {
        ([one], []) => format!("{}:{}", one.kind, one.key),
        ([], [(kind, key)]) => format!("{kind}:{key}"),
        _ => "*".into(),
    };
    crate::audit::record(
        &mut tx,
        actor,
        action,
        "document",
        &key,
        &serde_json::json!({
            "saved": docs.iter().map(|d| format!("{}:{}", d.kind, d.key)).collect::<Vec<_>>(),
            "removed": remove.iter().map(|(k, v)| format!("{k}:{v}")).collect::<Vec<_>>(),
        }),
    )
    .await?;
    tx.commit().await.ctx("committing the document change")
}
