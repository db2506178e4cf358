//! A fresh, migrated database per test, on the backend the environment selects.
//!
//! `GONGFU_TEST_DATABASE_URL` unset: a SQLite file in a temporary directory.
//! Set to `postgres://USER@HOST:PORT/DB`: a new database named `gongfu_test_<random>` is
//! created on that server for each test (zero2prod's approach) and left for the throwaway
//! cluster to take with it. `GONGFU_REQUIRE_POSTGRES=1` makes a run without the variable
//! fail instead of quietly testing SQLite only; CI sets it for the PostgreSQL pass.

use crate::{Backend, Db};

/// A test database and what keeps it alive.
pub struct TestDb {
    /// The database.
    pub db: Db,
    /// Its URL.
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

/// Name of the variable that selects the backend for tests.
pub const TEST_URL_VAR: &str = "GONGFU_TEST_DATABASE_URL";

/// Creates a fresh, migrated database.
///
/// # Panics
/// When the database cannot be created: tests should fail loudly then.
#[allow(clippy::unwrap_used)]
pub async fn fresh() -> TestDb {
    let require_pg = std::env::var("GONGFU_REQUIRE_POSTGRES").is_ok_and(|v| v == "1");
    match std::env::var(TEST_URL_VAR).ok().filter(|s| !s.is_empty()) {
        Some(base) => {
            let admin = Db::connect(&base).await.unwrap();
            assert_eq!(
                admin.backend(),
                Backend::Postgres,
                "{TEST_URL_VAR} must be a postgres:// URL"
            );
            let mut bytes = [0u8; 8];
            getrandom_fill(&mut bytes);
            let name = format!(
                "gongfu_test_{}",
                bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
            );
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(admin.pool())
                .await
                .unwrap();
            admin.close().await;
            let url = match base.rfind('/') {
                Some(i) if i > base.find("://").map(|j| j + 2).unwrap_or(0) => {
                    format!("{}/{name}", &base[..i])
                }
                _ => format!("{base}/{name}"),
            };
            let db = Db::connect(&url).await.unwrap();
            db.migrate().await.unwrap();
            TestDb {
                db,
                url,
                _dir: None,
            }
        }
        None => {
            assert!(!require_pg, "GONGFU_REQUIRE_POSTGRES=1 but {TEST_URL_VAR} is not set: the PostgreSQL suite would be skipped");
            static NOTICE: std::sync::Once = std::sync::Once::new();
            // Straight to stderr, once per test binary: libtest captures eprintln!.
            NOTICE.call_once(|| {
                let _ = std::io::Write::write_all(
                    &mut std::io::stderr(),
                    format!("note: database tests run on SQLite; PostgreSQL is skipped (set {TEST_URL_VAR}=postgres://... to run them there)\n").as_bytes(),
                );
            });
            let dir = tempfile::tempdir().unwrap();
            let url = format!("sqlite://{}", dir.path().join("test.db").display());
            let db = Db::connect(&url).await.unwrap();
            db.migrate().await.unwrap();
            TestDb {
                db,
                url,
                _dir: Some(dir),
            }
        }
    }
}

fn getrandom_fill(buf: &mut [u8]) {
    // Time and address entropy are enough to keep parallel test databases apart.
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    let v = h.finish().to_le_bytes();
    for (i, b) in buf.iter_mut().enumerate() {
        *b = v[i % 8];
    }
}
