//! The audit log: who did what, when, to which record. Written in the same transaction as
//! the change it records, so the log and the data cannot disagree.
//!
//! That makes the newest entry's id a generation number of the whole database, which
//! [`Cached`] uses to keep state read from it in memory for exactly as long as it is right.

use std::future::Future;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

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
    // Every action is shown to people by its Chinese name; a write that records an
    // unnamed one fails its tests here.
    debug_assert!(
        gongfu_domain::audit::action_label(action).is_some() || action.starts_with("test."),
        "audit action {action} has no Chinese name in gongfu_domain::audit"
    );
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
/// same transaction as the change, so this number moves exactly when the data does: state
/// kept from the data ([`Cached`]) compares it to know whether it is stale, and it is right
/// across server processes sharing one database.
pub async fn last_id(db: &Db) -> Result<i64, DbError> {
    let row = sqlx::query("SELECT COALESCE(MAX(id), 0) AS last FROM audit_log")
        .fetch_one(db.pool())
        .await
        .ctx("reading the audit log's newest entry")?;
    get(&row, "last")
}

/// State read from the database and kept in memory, stamped with the audit-log generation
/// ([`last_id`]) it was read at, and read again when the log has moved since.
///
/// This is the one mechanism behind the capabilities' in-memory state (the spatial index,
/// the standards registry, the search index); each gives [`Cached::get`] the function that
/// reads its state. The generation is read *before* the state, so a change committed
/// while the state loads leaves it stamped older than what it holds, and the next check
/// reads again: a cached value is never newer-stamped than its data. Loads are serialized,
/// so many readers arriving after a change wait for one load instead of each doing it.
///
/// `check_every` bounds how often a read asks the database for the generation. Zero asks
/// on every read (one indexed `MAX(id)`), so a write by another process is seen by the
/// next read; a longer interval spares that query for state that is read very often and
/// may lag another process's write by up to the interval; there, a write in this process
/// calls [`Cached::refresh`] after it commits, so that its own next read sees it.
pub struct Cached<T> {
    current: RwLock<Option<(i64, Arc<T>)>>,
    /// When the generation was last compared (only kept for a nonzero interval).
    checked: Mutex<Option<Instant>>,
    check_every: Duration,
    loading: tokio::sync::Mutex<()>,
}

impl<T> Cached<T> {
    /// Nothing kept yet; the first read loads.
    pub fn new(check_every: Duration) -> Self {
        Cached {
            current: RwLock::new(None),
            checked: Mutex::new(None),
            check_every,
            loading: tokio::sync::Mutex::new(()),
        }
    }

    /// The value kept and its generation, without asking the database.
    pub fn peek(&self) -> Option<(i64, Arc<T>)> {
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Whether a read should compare the generation now; marks it compared if so, so that
    /// concurrent readers within the interval do not all ask.
    fn due(&self) -> bool {
        if self.check_every.is_zero() {
            return true;
        }
        let mut checked = self.checked.lock().unwrap_or_else(|e| e.into_inner());
        let due = checked.is_none_or(|t| t.elapsed() >= self.check_every);
        if due {
            *checked = Some(Instant::now());
        }
        due
    }

    /// The value as of the database's current generation (within `check_every`): the one
    /// kept, or a new one from `load`, which is given the generation it is read at.
    pub async fn get<E, F, Fut>(&self, db: &Db, load: F) -> Result<Arc<T>, E>
    where
        E: From<DbError>,
        F: FnOnce(i64) -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        if let Some((generation, value)) = self.peek() {
            if !self.due() || last_id(db).await? == generation {
                return Ok(value);
            }
        }
        self.refresh(db, load).await
    }

    /// The value as of the database's current generation, compared now whatever the
    /// interval: what a write calls after it commits.
    pub async fn refresh<E, F, Fut>(&self, db: &Db, load: F) -> Result<Arc<T>, E>
    where
        E: From<DbError>,
        F: FnOnce(i64) -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        let _loading = self.loading.lock().await;
        // Read under the lock: another caller may have loaded while this one waited, and a
        // change may have landed meanwhile.
        let generation = last_id(db).await?;
        if !self.check_every.is_zero() {
            *self.checked.lock().unwrap_or_else(|e| e.into_inner()) = Some(Instant::now());
        }
        if let Some((kept, value)) = self.peek() {
            if kept == generation {
                return Ok(value);
            }
        }
        let value = Arc::new(load(generation).await?);
        // Loads are serialized and each reads the generation after the previous one
        // stored, so the newest load is the one stored last.
        *self.current.write().unwrap_or_else(|e| e.into_inner()) =
            Some((generation, value.clone()));
        Ok(value)
    }
}
