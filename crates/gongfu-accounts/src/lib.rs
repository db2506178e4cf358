//! Staff accounts: password hashing, login, sessions and CSRF tokens.
//!
//! Passwords are stored as argon2id PHC strings. A session is a random 256-bit token in
//! an HttpOnly, SameSite=Lax cookie; the database holds only its SHA-256, so a leaked
//! database cannot be replayed as logins. Each session carries its own CSRF token, which
//! every state-changing form and API call must echo.
//!
//! It must never know about HTTP framing (cookies are set by gongfu-http and gongfu-web)
//! or about what a role may do to the list (that is gongfu-catalog's policy).

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use gongfu_db::accounts::{self, User};
use gongfu_db::{Db, DbError};
use gongfu_domain::{Role, Username};
use sha2::{Digest, Sha256};

/// How long a login lasts.
pub const SESSION_HOURS: i64 = 12;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "gongfu_session";

/// Account errors.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// Wrong user name or password (deliberately not saying which).
    #[error("wrong user name or password")]
    BadCredentials,
    /// The input is not acceptable.
    #[error("{0}")]
    Invalid(String),
    /// Hashing failed.
    #[error("password hashing failed: {0}")]
    Hash(String),
    /// Storage failed.
    #[error(transparent)]
    Db(#[from] DbError),
}

/// A logged-in session: the user and the CSRF token to expect.
#[derive(Debug, Clone)]
pub struct Session {
    /// The user.
    pub user: User,
    /// The CSRF token of this session.
    pub csrf: String,
}

/// Fills `buf` from the operating system's random source.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], AccountError> {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf)
        .map_err(|e| AccountError::Hash(format!("no randomness from the operating system: {e}")))?;
    Ok(buf)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 of a session token, as stored.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Hashes a password with argon2id and a random salt.
pub fn hash_password(password: &str) -> Result<String, AccountError> {
    if password.chars().count() < 8 {
        return Err(AccountError::Invalid(
            "password must be at least 8 characters long".into(),
        ));
    }
    let salt_bytes = random_bytes::<16>()?;
    let salt =
        SaltString::encode_b64(&salt_bytes).map_err(|e| AccountError::Hash(e.to_string()))?;
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| AccountError::Hash(e.to_string()))?
        .to_string())
}

/// Checks a password against a stored hash.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// Creates or updates an account (`gongfu user add`, the admin page).
pub async fn save_user(
    db: &Db,
    username: &str,
    display_name: &str,
    password: &str,
    role: Role,
    departments: &[String],
    actor: &str,
) -> Result<i64, AccountError> {
    let name = Username::parse(username).map_err(AccountError::Invalid)?;
    if role == Role::DepartmentEditor && departments.is_empty() {
        return Err(AccountError::Invalid(format!("a department editor needs at least one department; pass the short names the list uses, e.g. 区卫生健康局 (user {})", name.as_str())));
    }
    let hash = hash_password(password)?;
    let display = if display_name.trim().is_empty() {
        name.as_str()
    } else {
        display_name.trim()
    };
    Ok(accounts::upsert_user(db, name.as_str(), display, &hash, role, departments, actor).await?)
}

/// Checks credentials and opens a session. Returns the cookie token (to send once) and
/// the session.
pub async fn login(
    db: &Db,
    username: &str,
    password: &str,
) -> Result<(String, Session), AccountError> {
    let name = Username::parse(username).map_err(|_| AccountError::BadCredentials)?;
    let user = accounts::user_by_name(db, name.as_str()).await?;
    // Verify against a fixed hash when the user is unknown, so timing does not reveal
    // which user names exist.
    const DUMMY: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$1qz8z7bS3m1Dv0o8r0cDqH2u3i+8w2b8mQ3xJ0F5r0E";
    let ok = match &user {
        Some(u) if !u.disabled => verify_password(password, &u.password_hash),
        _ => {
            let _ = verify_password(password, DUMMY);
            false
        }
    };
    let Some(user) = user.filter(|_| ok) else {
        return Err(AccountError::BadCredentials);
    };
    let token = hex(&random_bytes::<32>()?);
    let csrf = hex(&random_bytes::<16>()?);
    let expires = time::OffsetDateTime::now_utc() + time::Duration::hours(SESSION_HOURS);
    let expires = expires
        .format(&time::format_description::well_known::Rfc3339)
        .map_err(|e| AccountError::Hash(e.to_string()))?;
    accounts::create_session(db, &token_hash(&token), user.id, &csrf, &expires).await?;
    gongfu_db::audit::log(
        db,
        &user.username,
        "user.login",
        "user",
        &user.username,
        &serde_json::Value::Null,
    )
    .await?;
    Ok((token, Session { user, csrf }))
}

/// The session behind a cookie token, if it is valid and unexpired.
pub async fn session(db: &Db, token: &str) -> Result<Option<Session>, AccountError> {
    Ok(accounts::session_user(db, &token_hash(token))
        .await?
        .map(|(user, csrf)| Session { user, csrf }))
}

/// Ends the session behind a cookie token.
pub async fn logout(db: &Db, token: &str) -> Result<(), AccountError> {
    Ok(accounts::delete_session(db, &token_hash(token)).await?)
}

/// Compares a submitted CSRF token with the session's in constant time.
pub fn csrf_matches(session: &Session, submitted: &str) -> bool {
    let (a, b) = (session.csrf.as_bytes(), submitted.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_differ() {
        let a = hash_password("correct horse").unwrap();
        let b = hash_password("correct horse").unwrap();
        assert_ne!(a, b, "salted");
        assert!(verify_password("correct horse", &a));
        assert!(!verify_password("wrong horse", &a));
        assert!(!verify_password("x", "not a hash"));
        assert!(hash_password("short").is_err());
    }
}
