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
    /// When created.
    pub created_at: String,
}

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
    let row = sqlx::query("SELECT * FROM users WHERE username = $1")
        .bind(username.to_string())
        .fetch_optional(db.pool())
        .await
        .ctx("reading an account")?;
    row.as_ref().map(user_from).transpose()
}

/// Every account.
pub async fn users(db: &Db) -> Result<Vec<User>, DbError> {
    let rows = sqlx::query("SELECT * FROM users ORDER BY username")
        .fetch_all(db.pool())
        .await
        .ctx("listing accounts")?;
    rows.iter().map(user_from).collect()
}

/// Stores a session; the token itself is never stored, only its hash.
pub async fn create_session(
    db: &Db,
    token_hash: &str,
    user_id: i64,
    csrf: &str,
    expires_at: &str,
) -> Result<(), DbError> {
    sqlx::query("INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(token_hash.to_string())
        .bind(user_id)
        .bind(csrf.to_string())
        .bind(now())
        .bind(expires_at.to_string())
        .execute(db.pool())
        .await
        .ctx("creating a session")?;
    Ok(())
}

/// The user and CSRF token of an unexpired session.
pub async fn session_user(db: &Db, token_hash: &str) -> Result<Option<(User, String)>, DbError> {
    let row = sqlx::query("SELECT u.*, s.csrf_token AS csrf FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled = 0")
        .bind(token_hash.to_string())
        .bind(now())
        .fetch_optional(db.pool())
        .await
        .ctx("reading a session")?;
    match row {
        Some(r) => Ok(Some((user_from(&r)?, get(&r, "csrf")?))),
        None => Ok(None),
    }
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
