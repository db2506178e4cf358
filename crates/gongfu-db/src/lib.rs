//! Storage for gongfu: the connection pool, the choice of backend, migrations and every query.
//!
//! SQLite (embedded, the default) and PostgreSQL (the production path) are both compiled in
//! and chosen at run time from the URL, as vaultwarden does. This crate is the only one that
//! speaks SQL: the dialect differences (the auto-increment key, pragmas, `VACUUM INTO`)
//! live here and nowhere else. Queries use `$1` placeholders, which both backends accept.
//!
//! It must never decide policy: who may do what, whether a list is valid, what an import
//! means. Callers pass in parsed domain types and get domain types or plain rows back.

pub mod accounts;
pub mod adjustments;
pub mod audit;
pub mod catalog;
pub mod documents;
pub mod eligibility;
pub mod national;
pub mod places;
pub mod regions;
pub mod standards;
#[cfg(feature = "testing")]
pub mod testing;

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Row};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Which database engine a [`Db`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite file.
    Sqlite,
    /// PostgreSQL server (or a compatible one).
    Postgres,
}

/// A database error, with what was being done.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The URL is neither `sqlite://` nor `postgres://`.
    #[error("unsupported database URL '{0}'; use sqlite://PATH (e.g. sqlite://./gongfu-data/gongfu.db) or postgres://USER@HOST/DB")]
    UnsupportedUrl(String),
    /// Could not open or create the database.
    #[error("cannot connect to {url}: {source}; check the URL, that the server runs, and that the directory is writable")]
    Connect {
        /// URL without password.
        url: String,
        /// Cause.
        source: sqlx::Error,
    },
    /// Could not create the SQLite file's directory.
    #[error("cannot create directory {path}: {source}")]
    CreateDir {
        /// The directory.
        path: PathBuf,
        /// Cause.
        source: std::io::Error,
    },
    /// Could not create the SQLite file.
    #[error(
        "cannot create the database file {path}: {source}; check that the directory is writable"
    )]
    CreateFile {
        /// The file.
        path: PathBuf,
        /// Cause.
        source: std::io::Error,
    },
    /// A migration failed; the database is left at the previous migration.
    #[error("migration {version} ({name}) failed: {source}")]
    Migration {
        /// Migration number.
        version: i64,
        /// File name.
        name: &'static str,
        /// Cause.
        source: sqlx::Error,
    },
    /// A query failed.
    #[error("database query failed while {context}: {source}")]
    Query {
        /// What was being done.
        context: &'static str,
        /// Cause.
        source: sqlx::Error,
    },
    /// Stored data could not be read back (a row written by something other than gongfu).
    #[error("stored {what} is corrupt: {detail}")]
    Corrupt {
        /// What kind of record.
        what: &'static str,
        /// What is wrong.
        detail: String,
    },
    /// A backup could not be made.
    #[error("backup failed: {0}")]
    Backup(String),
}

/// Attaches a context to sqlx errors: `.ctx("loading items")?`.
pub(crate) trait Ctx<T> {
    fn ctx(self, context: &'static str) -> Result<T, DbError>;
}

impl<T> Ctx<T> for Result<T, sqlx::Error> {
    fn ctx(self, context: &'static str) -> Result<T, DbError> {
        self.map_err(|source| DbError::Query { context, source })
    }
}

/// The database: a pool and the backend behind it. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
    url: String,
}

/// Migrations, in order. Each is one file, written once for every backend.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "0001_service_list.sql",
        include_str!("../migrations/0001_service_list.sql"),
    ),
    (
        2,
        "0002_standards.sql",
        include_str!("../migrations/0002_standards.sql"),
    ),
    (
        3,
        "0003_documents.sql",
        include_str!("../migrations/0003_documents.sql"),
    ),
    (
        4,
        "0004_places.sql",
        include_str!("../migrations/0004_places.sql"),
    ),
    (
        5,
        "0005_eligibility.sql",
        include_str!("../migrations/0005_eligibility.sql"),
    ),
    (
        6,
        "0006_point_departments.sql",
        include_str!("../migrations/0006_point_departments.sql"),
    ),
    (
        7,
        "0007_account_security.sql",
        include_str!("../migrations/0007_account_security.sql"),
    ),
    (
        8,
        "0008_standard_next_review.sql",
        include_str!("../migrations/0008_standard_next_review.sql"),
    ),
    (
        9,
        "0009_national_reference.sql",
        include_str!("../migrations/0009_national_reference.sql"),
    ),
];

/// The migration text for a backend. The only dialect differences are substituted here.
pub fn migration_sql(backend: Backend, sql: &str) -> String {
    let id = match backend {
        Backend::Sqlite => "INTEGER PRIMARY KEY AUTOINCREMENT",
        Backend::Postgres => "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
    };
    sql.replace("{{id}}", id)
}

/// A URL with its password replaced, for messages and logs.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let userinfo = &url[s + 3..at];
            match userinfo.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &userinfo[..c], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// Creates an empty file only its owner may read or write (0600 on Unix).
fn create_private(path: &Path) -> std::io::Result<()> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path).map(drop)
}

impl Db {
    /// Connects to `sqlite://PATH` (creating the file and its directory) or `postgres://...`.
    pub async fn connect(url: &str) -> Result<Self, DbError> {
        sqlx::any::install_default_drivers();
        let (backend, connect_url) = if let Some(rest) = url.strip_prefix("sqlite:") {
            let path = rest.trim_start_matches("//");
            let path = path.split('?').next().unwrap_or(path);
            if path.is_empty() {
                return Err(DbError::UnsupportedUrl(url.to_string()));
            }
            if path != ":memory:" {
                if let Some(dir) = Path::new(path)
                    .parent()
                    .filter(|d| !d.as_os_str().is_empty())
                {
                    std::fs::create_dir_all(dir).map_err(|source| DbError::CreateDir {
                        path: dir.to_path_buf(),
                        source,
                    })?;
                }
                // The file holds password hashes and residents' kept answers: owner only.
                // SQLite gives the WAL and shared-memory files the database file's mode.
                if !Path::new(path).exists() {
                    create_private(Path::new(path)).map_err(|source| DbError::CreateFile {
                        path: Path::new(path).to_path_buf(),
                        source,
                    })?;
                }
            }
            (Backend::Sqlite, format!("sqlite://{path}?mode=rwc"))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            (Backend::Postgres, url.to_string())
        } else {
            return Err(DbError::UnsupportedUrl(url.to_string()));
        };
        let options = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 8 } else { 16 })
            .acquire_timeout(Duration::from_secs(30));
        let options = if backend == Backend::Sqlite {
            options.after_connect(|conn, _meta| {
                Box::pin(async move {
                    // WAL lets readers run beside the one writer; busy_timeout makes a second
                    // writer wait (long enough for a large import ahead of it) instead of
                    // failing; NORMAL is durable enough under WAL.
                    for pragma in [
                        "PRAGMA journal_mode = WAL",
                        "PRAGMA synchronous = NORMAL",
                        "PRAGMA foreign_keys = ON",
                        "PRAGMA busy_timeout = 30000",
                    ] {
                        sqlx::query(pragma).execute(&mut *conn).await?;
                    }
                    Ok(())
                })
            })
        } else {
            options
        };
        let pool = options
            .connect(&connect_url)
            .await
            .map_err(|source| DbError::Connect {
                url: redact_url(url),
                source,
            })?;
        Ok(Self {
            pool,
            backend,
            url: url.to_string(),
        })
    }

    /// Starts a transaction that writes. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`): a deferred transaction that reads and then writes cannot wait
    /// for the lock when another writer committed in between (its snapshot is stale), and
    /// fails at once with "database is locked", which two clerks importing at the same
    /// moment saw as a 500. An immediate one waits its turn under `busy_timeout`.
    pub async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }

    /// The backend in use.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The URL this database was opened with, password redacted.
    pub fn display_url(&self) -> String {
        redact_url(&self.url)
    }

    /// The pool, for the query modules of this crate.
    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Applies every migration not yet applied, each in its own transaction. Safe to run at
    /// every start.
    pub async fn migrate(&self) -> Result<Vec<i64>, DbError> {
        sqlx::query(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
        )
        .execute(&self.pool)
        .await
        .ctx("creating the migrations table")?;
        let rows = sqlx::query("SELECT version FROM schema_migrations")
            .fetch_all(&self.pool)
            .await
            .ctx("reading applied migrations")?;
        let applied: Vec<i64> = rows
            .iter()
            .map(|r| r.try_get::<i64, _>(0))
            .collect::<Result<_, _>>()
            .ctx("reading applied migrations")?;
        let mut ran = Vec::new();
        for &(version, name, sql) in MIGRATIONS {
            if applied.contains(&version) {
                continue;
            }
            let fail = |source| DbError::Migration {
                version,
                name,
                source,
            };
            let mut tx = self.begin_write().await.map_err(fail)?;
            sqlx::raw_sql(&migration_sql(self.backend, sql))
                .execute(&mut *tx)
                .await
                .map_err(fail)?;
            sqlx::query(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
            )
            .bind(version)
            .bind(name)
            .bind(now())
            .execute(&mut *tx)
            .await
            .map_err(fail)?;
            tx.commit().await.map_err(fail)?;
            tracing::info!(version, name, "applied migration");
            ran.push(version);
        }
        Ok(ran)
    }

    /// Writes a consistent copy of a SQLite database to `to` while it is in use
    /// (`VACUUM INTO` reads one snapshot). PostgreSQL is backed up with `pg_dump`, which
    /// the error says.
    pub async fn backup(&self, to: &Path) -> Result<(), DbError> {
        match self.backend {
            Backend::Sqlite => {
                if to.exists() {
                    return Err(DbError::Backup(format!("{} already exists; choose a new file name so no backup is overwritten", to.display())));
                }
                let target = to.to_str().ok_or_else(|| DbError::Backup(format!("path {} is not valid UTF-8", to.display())))?;
                // VACUUM INTO fills an empty file it is given: create it owner-only first,
                // so the copy of password hashes is never readable by others.
                create_private(to).map_err(|e| DbError::Backup(format!("cannot create {}: {e}", to.display())))?;
                sqlx::query("VACUUM INTO $1").bind(target.to_string()).execute(&self.pool).await.map_err(|e| DbError::Backup(format!("VACUUM INTO {}: {e}", to.display())))?;
                Ok(())
            }
            Backend::Postgres => Err(DbError::Backup(
                "gongfu does not copy PostgreSQL itself; run `pg_dump --format=custom --file=FILE DATABASE_URL` (consistent while the server runs), see README".into(),
            )),
        }
    }

    /// Runs one statement outside any transaction, for administrative commands such as
    /// `CREATE DATABASE` in test and benchmark set-up.
    pub async fn execute_raw(&self, sql: &str) -> Result<(), DbError> {
        sqlx::raw_sql(sql)
            .execute(&self.pool)
            .await
            .ctx("running an administrative statement")?;
        Ok(())
    }

    /// True when this PostgreSQL connection is TLS-encrypted (`pg_stat_ssl`); false for
    /// SQLite, which has no network connection.
    pub async fn connection_is_encrypted(&self) -> Result<bool, DbError> {
        if self.backend == Backend::Sqlite {
            return Ok(false);
        }
        let row = sqlx::query("SELECT CAST(CASE WHEN ssl THEN 1 ELSE 0 END AS BIGINT) AS ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
            .fetch_one(&self.pool)
            .await
            .ctx("reading pg_stat_ssl")?;
        Ok(get::<i64>(&row, "ssl")? == 1)
    }

    /// Closes the pool, waiting for connections to be returned.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Current time as RFC 3339 text in UTC, the form every timestamp column holds.
pub fn now() -> String {
    stamp(time::OffsetDateTime::now_utc())
}

/// A moment as stored: RFC 3339 in UTC, whole seconds. One form everywhere, so that stored
/// moments compare as text (`expires_at > $1`) on both backends.
pub fn stamp(t: time::OffsetDateTime) -> String {
    // Whole seconds: enough for an audit trail, and readable where it is shown.
    let t = t.to_offset(time::UtcOffset::UTC);
    let t = t.replace_nanosecond(0).unwrap_or(t);
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// An optional number that is never negative, bound as this and turned back into NULL by
/// `NULLIF($n, -1)` in the statement. Why: through sqlx's Any driver a parameter first
/// bound as a NULL float fixes its type, so a number bound later in the same statement
/// fails on PostgreSQL ("incorrect binary data format"); a real number every time does not.
pub(crate) fn opt_f64(v: Option<f64>) -> f64 {
    v.unwrap_or(-1.0)
}

/// Reads a column, naming it in the error.
pub(crate) fn get<'r, T>(row: &'r AnyRow, col: &'static str) -> Result<T, DbError>
where
    T: sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any>,
{
    row.try_get(col).map_err(|source| DbError::Query {
        context: col,
        source,
    })
}

/// Decodes a JSON text column.
pub(crate) fn json<T: serde::de::DeserializeOwned>(
    what: &'static str,
    s: &str,
) -> Result<T, DbError> {
    serde_json::from_str(s).map_err(|e| DbError::Corrupt {
        what,
        detail: e.to_string(),
    })
}

/// Encodes a value as JSON text for a column.
pub(crate) fn to_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords() {
        assert_eq!(
            redact_url("postgres://u:secret@h:5/db"),
            "postgres://u:***@h:5/db"
        );
        assert_eq!(redact_url("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact_url("sqlite://x.db"), "sqlite://x.db");
    }

    #[test]
    fn dialects_differ_only_in_the_key() {
        for (_, _, sql) in MIGRATIONS {
            let a = migration_sql(Backend::Sqlite, sql);
            let b = migration_sql(Backend::Postgres, sql);
            assert!(
                !a.contains("{{") && !b.contains("{{"),
                "unsubstituted token"
            );
            assert_eq!(
                a.replace("INTEGER PRIMARY KEY AUTOINCREMENT", "ID"),
                b.replace("BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", "ID")
            );
        }
    }
}
