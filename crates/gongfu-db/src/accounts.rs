//! Staff accounts and login sessions, as stored. Hashing and policy live in gongfu-accounts.

use crate::{get, json, now, to_json, Ctx, Db, DbError};
use gongfu_domain::Role;
use sqlx::any::AnyRow;

/// A staff account.
#[derive(Debug, Clone, serde::Serialize)]
pub struct User {
    /// Id.
    pub id: i64,
    /// Login name.
    pub username: String,
    /// Name shown on pages.
    pub display_name: String,
    /// argon2 PHC string.
    #[serde(skip)]
    pub password_hash: String,
    /// Role.
    pub role: Role,
    /// Short names of the departments an editor works for.
    pub departments: Vec<String>,
    /// Disabled accounts cannot log in.
    pub disabled: bool,
    /// Wrong passwords since the last good login.
    pub failed_logins: i64,
    /// Locked against logins until then (RFC 3339, UTC), after too many wrong passwords.
    pub locked_until: Option<String>,
    /// When created.
    pub created_at: String,
}

/// The columns an account is read from, named: a `SELECT *` prepared before a migration
/// added columns is re-prepared by SQLite with more columns than sqlx cached for it, which
/// panics inside sqlx's SQLite worker.
const USER_COLS: &str = "u.id, u.username, u.display_name, u.password_hash, u.role, \
    u.departments, u.disabled, u.failed_logins, u.locked_until, u.created_at";

fn user_from(r: &AnyRow) -> Result<User, DbError> {
    let role: String = get(r, "role")?;
    Ok(User {
        id: get(r, "id")?,
        username: get(r, "username")?,
        display_name: get(r, "display_name")?,
        password_hash: get(r, "password_hash")?,
        role: Role::parse(&role).ok_or_else(|| DbError::Corrupt {
            what: "role",
            detail: role,
        })?,
        departments: json("user departments", &get::<String>(r, "departments")?)?,
        disabled: get::<i64>(r, "disabled")? != 0,
        failed_logins: get(r, "failed_logins")?,
        locked_until: get(r, "locked_until")?,
        created_at: get(r, "created_at")?,
    })
}

/// Creates an account, or replaces the password, role and departments of an existing one.
pub async fn upsert_user(
    db: &Db,
    username: &str,
    display_name: &str,
    password_hash: &str,
    role: Role,
    departments: &[String],
    actor: &str,
) -> Result<i64, DbError> {
    let mut tx = db.begin_write().await.ctx("saving an account")?;
    let existing = sqlx::query("SELECT id FROM users WHERE username = $1")
        .bind(username.to_string())
        .fetch_optional(&mut *tx)
        .await
        .ctx("reading an account")?;
    let id: i64 = match existing {
        Some(r) => {
            let id = get(&r, "id")?;
            sqlx::query("UPDATE users SET display_name = $1, password_hash = $2, role = $3, departments = $4, disabled = 0 WHERE id = $5")
                .bind(display_name.to_string())
                .bind(password_hash.to_string())
                .bind(role.as_str())
                .bind(to_json(&departments))
                .bind(id)
                .execute(&mut *tx)
                .await
                .ctx("updating an account")?;
            // A new password ends every session opened with the old one.
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await
                .ctx("ending an account's sessions")?;
            id
        }
        None => {
            let r = sqlx::query("INSERT INTO users (username, display_name, password_hash, role, departments, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
                .bind(username.to_string())
                .bind(display_name.to_string())
                .bind(password_hash.to_string())
                .bind(role.as_str())
                .bind(to_json(&departments))
                .bind(now())
                .fetch_one(&mut *tx)
                .await
                .ctx("inserting an account")?;
            get(&r, "id")?
        }
    };
    crate::audit::record(
        &mut tx,
        actor,
        "user.save",
        "user",
        username,
        &serde_json::json!({"role": role.as_str(), "departments": departments}),
    )
    .await?;
    tx.commit().await.ctx("committing an account")?;
    Ok(id)
}

/// An account by login name.
pub async fn user_by_name(db: &Db, username: &str) -> Result<Option<User>, DbError> {
    let row = sqlx::query(&format!(
        "SELECT {USER_COLS} FROM users u WHERE u.username = $1"
    ))
    .bind(username.to_string())
    .fetch_optional(db.pool())
    .await
    .ctx("reading an account")?;
    row.as_ref().map(user_from).transpose()
}

/// Every account.
pub async fn users(db: &Db) -> Result<Vec<User>, DbError> {
    let rows = sqlx::query(&format!(
        "SELECT {USER_COLS} FROM users u ORDER BY u.username"
    ))
    .fetch_all(db.pool())
    .await
    .ctx("listing accounts")?;
    rows.iter().map(user_from).collect()
}

/// Stores a session opened `at`; the token itself is never stored, only its hash.
pub async fn create_session(
    db: &Db,
    token_hash: &str,
    user_id: i64,
    csrf: &str,
    at: &str,
    expires_at: &str,
) -> Result<(), DbError> {
    sqlx::query("INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at, last_seen_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(token_hash.to_string())
        .bind(user_id)
        .bind(csrf.to_string())
        .bind(at.to_string())
        .bind(expires_at.to_string())
        .bind(at.to_string())
        .execute(db.pool())
        .await
        .ctx("creating a session")?;
    Ok(())
}

/// A live session as stored: its user, CSRF token and when it was last used.
#[derive(Debug, Clone)]
pub struct LiveSession {
    /// The user.
    pub user: User,
    /// The session's CSRF token.
    pub csrf: String,
    /// Last used (RFC 3339, UTC).
    pub last_seen_at: String,
}

/// The session behind a token hash if it has not expired by `now`, was used after
/// `idle_since`, and its account is enabled.
pub async fn session_user(
    db: &Db,
    token_hash: &str,
    now: &str,
    idle_since: &str,
) -> Result<Option<LiveSession>, DbError> {
    let row = sqlx::query(&format!("SELECT {USER_COLS}, s.csrf_token AS csrf, COALESCE(s.last_seen_at, s.created_at) AS seen FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > $2 AND COALESCE(s.last_seen_at, s.created_at) > $3 AND u.disabled = 0"))
        .bind(token_hash.to_string())
        .bind(now.to_string())
        .bind(idle_since.to_string())
        .fetch_optional(db.pool())
        .await
        .ctx("reading a session")?;
    match row {
        Some(r) => Ok(Some(LiveSession {
            user: user_from(&r)?,
            csrf: get(&r, "csrf")?,
            last_seen_at: get(&r, "seen")?,
        })),
        None => Ok(None),
    }
}

/// Marks a session used at `at`.
pub async fn touch_session(db: &Db, token_hash: &str, at: &str) -> Result<(), DbError> {
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
        .bind(at.to_string())
        .bind(token_hash.to_string())
        .execute(db.pool())
        .await
        .ctx("marking a session used")?;
    Ok(())
}

/// Removes the sessions that expired by `now` or were idle since `idle_since`; how many.
pub async fn purge_sessions(db: &Db, now: &str, idle_since: &str) -> Result<u64, DbError> {
    Ok(sqlx::query(
        "DELETE FROM sessions WHERE expires_at <= $1 OR COALESCE(last_seen_at, created_at) <= $2",
    )
    .bind(now.to_string())
    .bind(idle_since.to_string())
    .execute(db.pool())
    .await
    .ctx("removing ended sessions")?
    .rows_affected())
}

/// Counts a wrong password for an account, and locks it until `lock_until` when that makes
/// `lock_after` in a row (with an audit entry). Returns the count and whether it locked now.
pub async fn login_failed(
    db: &Db,
    user_id: i64,
    lock_after: i64,
    lock_until: &str,
) -> Result<(i64, bool), DbError> {
    let mut tx = db.begin_write().await.ctx("counting a failed login")?;
    // UPDATE … RETURNING panics inside sqlx's SQLite worker through the Any driver; a
    // separate read in the same (immediate) transaction sees the same row.
    sqlx::query("UPDATE users SET failed_logins = failed_logins + 1 WHERE id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await
        .ctx("counting a failed login")?;
    let r = sqlx::query("SELECT failed_logins, username FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(&mut *tx)
        .await
        .ctx("counting a failed login")?;
    let count: i64 = get(&r, "failed_logins")?;
    let username: String = get(&r, "username")?;
    let lock = count >= lock_after;
    if lock {
        sqlx::query("UPDATE users SET locked_until = $1, failed_logins = 0 WHERE id = $2")
            .bind(lock_until.to_string())
            .bind(user_id)
            .execute(&mut *tx)
            .await
            .ctx("locking an account")?;
        crate::audit::record(
            &mut tx,
            "system",
            "user.lock",
            "user",
            &username,
            &serde_json::json!({"failed_logins": count, "locked_until": lock_until}),
        )
        .await?;
    }
    tx.commit().await.ctx("committing a failed login")?;
    Ok((count, lock))
}

/// Clears the wrong-password count after a good login.
pub async fn login_succeeded(db: &Db, user_id: i64) -> Result<(), DbError> {
    sqlx::query("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1 AND (failed_logins <> 0 OR locked_until IS NOT NULL)")
        .bind(user_id)
        .execute(db.pool())
        .await
        .ctx("clearing failed logins")?;
    Ok(())
}

/// What an administrator does to an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountChange<'a> {
    /// Disable it: it cannot log in, and its sessions end.
    Disable,
    /// Enable it again (and lift any lock).
    Enable,
    /// Set a new password hash: its sessions end, any lock is lifted.
    ResetPassword(&'a str),
    /// End all its sessions.
    LogoutAll,
    /// Lift a lock after wrong passwords.
    Unlock,
}

impl AccountChange<'_> {
    fn action(self) -> &'static str {
        match self {
            Self::Disable => "user.disable",
            Self::Enable => "user.enable",
            Self::ResetPassword(_) => "user.reset_password",
            Self::LogoutAll => "user.logout_all",
            Self::Unlock => "user.unlock",
        }
    }
}

/// Applies a change to an account, with its audit entry, in one transaction. Returns the
/// number of sessions ended, or `None` when there is no such account.
pub async fn change_account(
    db: &Db,
    username: &str,
    change: AccountChange<'_>,
    actor: &str,
) -> Result<Option<u64>, DbError> {
    let mut tx = db.begin_write().await.ctx("changing an account")?;
    let Some(r) = sqlx::query("SELECT id FROM users WHERE username = $1")
        .bind(username.to_string())
        .fetch_optional(&mut *tx)
        .await
        .ctx("reading an account")?
    else {
        return Ok(None);
    };
    let id: i64 = get(&r, "id")?;
    let update = match change {
        AccountChange::Disable => Some("UPDATE users SET disabled = 1 WHERE id = $1"),
        AccountChange::Enable => Some(
            "UPDATE users SET disabled = 0, failed_logins = 0, locked_until = NULL WHERE id = $1",
        ),
        AccountChange::Unlock => {
            Some("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1")
        }
        AccountChange::ResetPassword(_) | AccountChange::LogoutAll => None,
    };
    if let Some(sql) = update {
        sqlx::query(sql)
            .bind(id)
            .execute(&mut *tx)
            .await
            .ctx("changing an account")?;
    }
    if let AccountChange::ResetPassword(hash) = change {
        sqlx::query("UPDATE users SET password_hash = $1, failed_logins = 0, locked_until = NULL WHERE id = $2")
            .bind(hash.to_string())
            .bind(id)
            .execute(&mut *tx)
            .await
            .ctx("setting a password")?;
    }
    let ended = if matches!(
        change,
        AccountChange::Disable | AccountChange::ResetPassword(_) | AccountChange::LogoutAll
    ) {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await
            .ctx("ending an account's sessions")?
            .rows_affected()
    } else {
        0
    };
    crate::audit::record(
        &mut tx,
        actor,
        change.action(),
        "user",
        username,
        &serde_json::json!({"sessions_ended": ended}),
    )
    .await?;
    tx.commit().await.ctx("committing an account change")?;
    Ok(Some(ended))
}

/// Ends a session.
pub async fn delete_session(db: &Db, token_hash: &str) -> Result<(), DbError> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash.to_string())
        .execute(db.pool())
        .await
        .ctx("ending a session")?;
    Ok(())
}
