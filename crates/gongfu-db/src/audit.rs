//! The audit log: who did what, when, to which record. Written in the same transaction as
//! the change it records, so the log and the data cannot disagree.

use crate::{get, now, Ctx, Db, DbError};
use sqlx::AnyConnection;

/// One audit entry.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AuditEntry {
    /// Sequence number.
    pub id: i64,
    /// When (RFC 3339, UTC).
    pub at: String,
    /// Who: a user name, or `cli` / `demo` for commands run on the server.
    pub actor: String,
    /// What was done, e.g. `version.publish`.
    pub action: String,
    /// The kind of record, e.g. `version`.
    pub entity: String,
    /// Its key, e.g. the version number.
    pub entity_key: String,
    /// Details as JSON.
    pub detail: serde_json::Value,
}

/// Records an entry on an open connection or transaction.
pub async fn record(
    conn: &mut AnyConnection,
    actor: &str,
    action: &str,
    entity: &str,
    entity_key: &str,
    detail: &serde_json::Value,
) -> Result<(), DbError> {
    sqlx::query("INSERT INTO audit_log (at, actor, action, entity, entity_key, detail) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(now())
        .bind(actor.to_string())
        .bind(action.to_string())
        .bind(entity.to_string())
        .bind(entity_key.to_string())
        .bind(detail.to_string())
        .execute(conn)
        .await
        .ctx("writing the audit log")?;
    Ok(())
}

/// Records an entry in its own transaction.
pub async fn log(
    db: &Db,
    actor: &str,
    action: &str,
    entity: &str,
    entity_key: &str,
    detail: &serde_json::Value,
) -> Result<(), DbError> {
    let mut conn = db.pool().acquire().await.ctx("writing the audit log")?;
    record(&mut conn, actor, action, entity, entity_key, detail).await
}

/// The newest entries first, optionally for one entity kind.
pub async fn list(db: &Db, entity: Option<&str>, limit: i64) -> Result<Vec<AuditEntry>, DbError> {
    let rows = match entity {
        Some(e) => {
            sqlx::query("SELECT * FROM audit_log WHERE entity = $1 ORDER BY id DESC LIMIT $2")
                .bind(e.to_string())
                .bind(limit)
                .fetch_all(db.pool())
                .await
        }
        None => {
            sqlx::query("SELECT * FROM audit_log ORDER BY id DESC LIMIT $1")
                .bind(limit)
                .fetch_all(db.pool())
                .await
        }
    }
    .ctx("reading the audit log")?;
    rows.iter()
        .map(|r| {
            let detail: String = get(r, "detail")?;
            Ok(AuditEntry {
                id: get(r, "id")?,
                at: get(r, "at")?,
                actor: get(r, "actor")?,
                action: get(r, "action")?,
                entity: get(r, "entity")?,
                entity_key: get(r, "entity_key")?,
                detail: serde_json::from_str(&detail).unwrap_or(serde_json::Value::String(detail)),
            })
        })
        .collect()
}

/// The newest entry's id (0 when the log is empty). Every change writes its entry in the
/// same transaction as the change, so this number moves exactly when the data does: caches
/// built from the data (the search index) compare it to know whether they are stale, and
/// it is right across server processes sharing one database.
pub async fn last_id(db: &Db) -> Result<i64, DbError> {
    let row = sqlx::query("SELECT COALESCE(MAX(id), 0) AS last FROM audit_log")
        .fetch_one(db.pool())
        .await
        .ctx("reading the audit log's newest entry")?;
    get(&row, "last")
}
