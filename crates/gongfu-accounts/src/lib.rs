//! Staff accounts: password hashing, login, sessions and CSRF tokens.
//!
//! Passwords are stored as argon2id PHC strings. A session is a random 256-bit token in
//! an HttpOnly, SameSite=Lax cookie; the database holds only its SHA-256, so a leaked
//! database cannot be replayed as logins. Each session carries its own CSRF token, which
//! every state-changing form and API call must echo.
//!
//! Logins are throttled: wrong passwords are counted per account, which locks for
//! [`LOCK_MINUTES`] after [`LOCK_AFTER`] in a row (an administrator can lift it), and per
//! client address, which is refused for a while after [`CLIENT_FAILURES`] in
//! [`CLIENT_WINDOW_SECS`]. Password hashing runs on the blocking pool, never on the async
//! workers that serve pages. A session ends after [`SESSION_HOURS`], after [`IDLE_MINUTES`]
//! unused, when its password is reset, and when its account is disabled.
//!
//! It must never know about HTTP framing (cookies are set by gongfu-http and gongfu-web)
//! or about what a role may do (that is `gongfu_domain::Actor`'s check).

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use gongfu_db::accounts::{self, AccountChange, User};
use gongfu_db::{stamp, Db, DbError};
use gongfu_domain::{Action, Actor, Clock, Denied, Role, Username};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use time::{Duration, OffsetDateTime};

/// How long a login lasts.
pub const SESSION_HOURS: i64 = 12;

/// How long a session may go unused before it ends.
pub const IDLE_MINUTES: i64 = 60;

/// Wrong passwords in a row that lock an account.
pub const LOCK_AFTER: i64 = 5;

/// How long a locked account stays locked.
pub const LOCK_MINUTES: i64 = 15;

/// Wrong passwords from one client address that make it wait. Generous: a district office
/// often reaches the server from one address for all its clerks.
pub const CLIENT_FAILURES: u32 = 30;

/// The window those are counted in, and how long the client then waits at most.
pub const CLIENT_WINDOW_SECS: i64 = 600;

/// A used session is marked at most this often, so reading it is not a write per request.
const TOUCH_EVERY_SECS: i64 = 60;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "gongfu_session";

/// Account errors.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// Wrong user name or password (deliberately not saying which).
    #[error("{}", gongfu_domain::msg!("login-bad-credentials"))]
    BadCredentials,
    /// Too many wrong passwords from this client address lately.
    #[error("{}", gongfu_domain::msg!("login-throttled", minutes = retry_after.div_ceil(60)))]
    Throttled {
        /// Seconds to wait.
        retry_after: u64,
    },
    /// The account is locked after wrong passwords.
    #[error("{}", gongfu_domain::msg!("login-locked", minutes = retry_after.div_ceil(60)))]
    Locked {
        /// Seconds until it unlocks.
        retry_after: u64,
    },
    /// No account has that name.
    #[error("{}", gongfu_domain::msg!("account-unknown", name = .0))]
    NoSuchUser(String),
    /// The actor may not do this.
    #[error(transparent)]
    Forbidden(#[from] Denied),
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
        return Err(AccountError::Invalid(gongfu_domain::msg!(
            "password-too-short"
        )));
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
        return Err(AccountError::Invalid(gongfu_domain::msg!(
            "editor-needs-department",
            name = name.as_str()
        )));
    }
    let hash = hash_password_blocking(password.to_string()).await?;
    let display = if display_name.trim().is_empty() {
        name.as_str()
    } else {
        display_name.trim()
    };
    Ok(accounts::upsert_user(db, name.as_str(), display, &hash, role, departments, actor).await?)
}

/// One login attempt: the name and password given, and where from (a client address, for
/// throttling; empty when not over the network).
#[derive(Debug, Clone, Copy)]
pub struct Attempt<'a> {
    /// User name as typed.
    pub username: &'a str,
    /// Password as typed.
    pub password: &'a str,
    /// Client address.
    pub client: &'a str,
}

/// Failed logins per client address: (failures, when the window started).
#[derive(Debug, Default)]
struct ClientFailures(HashMap<String, (u32, OffsetDateTime)>);

/// Logins and sessions, over the database and the installation's clock.
#[derive(Debug)]
pub struct Accounts {
    db: Db,
    clock: Arc<dyn Clock>,
    clients: Mutex<ClientFailures>,
}

impl Accounts {
    /// Accounts over a database.
    pub fn new(db: Db, clock: Arc<dyn Clock>) -> Self {
        Self {
            db,
            clock,
            clients: Mutex::new(ClientFailures::default()),
        }
    }

    fn client_wait(&self, client: &str, now: OffsetDateTime) -> Option<u64> {
        let clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        let (n, since) = clients.0.get(client)?;
        let left = (*since + Duration::seconds(CLIENT_WINDOW_SECS) - now).whole_seconds();
        (*n >= CLIENT_FAILURES && left > 0).then_some(left as u64)
    }

    fn client_failed(&self, client: &str, now: OffsetDateTime) {
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        // Forget windows that are over, so the map holds only recent offenders.
        let window = Duration::seconds(CLIENT_WINDOW_SECS);
        clients.0.retain(|_, (_, since)| *since + window > now);
        let e = clients.0.entry(client.to_string()).or_insert((0, now));
        e.0 += 1;
    }

    /// Checks credentials and opens a session: the cookie token (to send once) and the
    /// session. A locked account or a throttled client is refused before any password is
    /// checked; every failure is logged with the name and address.
    pub async fn login(&self, a: Attempt<'_>) -> Result<(String, Session), AccountError> {
        let now = self.clock.now();
        if let Some(retry_after) = self.client_wait(a.client, now) {
            tracing::warn!(
                username = a.username,
                client = a.client,
                "login refused: client throttled"
            );
            return Err(AccountError::Throttled { retry_after });
        }
        let user = match Username::parse(a.username) {
            Ok(name) => accounts::user_by_name(&self.db, name.as_str()).await?,
            Err(_) => None,
        };
        if let Some(until) = user.as_ref().and_then(|u| u.locked_until.as_deref()) {
            let until =
                OffsetDateTime::parse(until, &time::format_description::well_known::Rfc3339)
                    .unwrap_or(now);
            if until > now {
                tracing::warn!(
                    username = a.username,
                    client = a.client,
                    "login refused: account locked"
                );
                return Err(AccountError::Locked {
                    retry_after: (until - now).whole_seconds().max(1) as u64,
                });
            }
        }
        // Verify against a fixed hash when the user is unknown, so timing does not reveal
        // which user names exist. argon2 takes tens of milliseconds of CPU: off the async
        // workers, or a flood of logins stalls every page.
        const DUMMY: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$1qz8z7bS3m1Dv0o8r0cDqH2u3i+8w2b8mQ3xJ0F5r0E";
        let hash = match &user {
            Some(u) if !u.disabled => u.password_hash.clone(),
            _ => DUMMY.to_string(),
        };
        let password = a.password.to_string();
        let verified = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
            .await
            .map_err(|e| AccountError::Hash(e.to_string()))?;
        let user = match user {
            Some(u) if verified && !u.disabled => u,
            other => {
                self.client_failed(a.client, now);
                if let Some(u) = other.filter(|u| !u.disabled) {
                    let until = stamp(now + Duration::minutes(LOCK_MINUTES));
                    let (count, locked) =
                        accounts::login_failed(&self.db, u.id, LOCK_AFTER, &until).await?;
                    tracing::warn!(username = %u.username, client = a.client, failures = count, locked, "login failed: wrong password");
                } else {
                    tracing::warn!(
                        username = a.username,
                        client = a.client,
                        "login failed: no such enabled account"
                    );
                }
                return Err(AccountError::BadCredentials);
            }
        };
        accounts::login_succeeded(&self.db, user.id).await?;
        let token = hex(&random_bytes::<32>()?);
        let csrf = hex(&random_bytes::<16>()?);
        let expires = stamp(now + Duration::hours(SESSION_HOURS));
        accounts::create_session(
            &self.db,
            &token_hash(&token),
            user.id,
            &csrf,
            &stamp(now),
            &expires,
        )
        .await?;
        gongfu_db::audit::log(
            &self.db,
            &user.username,
            "user.login",
            "user",
            &user.username,
            &serde_json::json!({"client": a.client}),
        )
        .await?;
        Ok((token, Session { user, csrf }))
    }

    /// The session behind a cookie token, if it is live: unexpired, used within
    /// [`IDLE_MINUTES`], its account enabled. Marks it used.
    pub async fn session(&self, token: &str) -> Result<Option<Session>, AccountError> {
        let now = self.clock.now();
        let hash = token_hash(token);
        let idle_since = stamp(now - Duration::minutes(IDLE_MINUTES));
        let Some(live) = accounts::session_user(&self.db, &hash, &stamp(now), &idle_since).await?
        else {
            return Ok(None);
        };
        if live.last_seen_at < stamp(now - Duration::seconds(TOUCH_EVERY_SECS)) {
            accounts::touch_session(&self.db, &hash, &stamp(now)).await?;
        }
        Ok(Some(Session {
            user: live.user,
            csrf: live.csrf,
        }))
    }

    /// Removes the sessions that have ended (expired or idle); how many.
    pub async fn purge_sessions(&self) -> Result<u64, AccountError> {
        let now = self.clock.now();
        Ok(accounts::purge_sessions(
            &self.db,
            &stamp(now),
            &stamp(now - Duration::minutes(IDLE_MINUTES)),
        )
        .await?)
    }

    /// An administrator's change to an account (disable, enable, reset its password, end
    /// its sessions, lift a lock). Returns how many sessions ended.
    pub async fn change(
        &self,
        actor: &Actor,
        username: &str,
        change: Change,
    ) -> Result<u64, AccountError> {
        actor.may(Action::Administer)?;
        let name = Username::parse(username).map_err(AccountError::Invalid)?;
        // An administrator who disabled their own account would lock the district out of
        // its accounts page (and, the only one, out of administration); another does it.
        if change == Change::Disable && name.as_str() == actor.name {
            return Err(AccountError::Invalid(gongfu_domain::msg!(
                "account-self-disable"
            )));
        }
        let hash;
        let change = match change {
            Change::Disable => AccountChange::Disable,
            Change::Enable => AccountChange::Enable,
            Change::LogoutAll => AccountChange::LogoutAll,
            Change::Unlock => AccountChange::Unlock,
            Change::ResetPassword(p) => {
                hash = hash_password_blocking(p).await?;
                AccountChange::ResetPassword(&hash)
            }
        };
        accounts::change_account(&self.db, name.as_str(), change, &actor.name)
            .await?
            .ok_or_else(|| AccountError::NoSuchUser(name.as_str().to_string()))
    }
}

/// What an administrator can do to an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// It cannot log in; its sessions end.
    Disable,
    /// It can log in again.
    Enable,
    /// A new password; its sessions end.
    ResetPassword(String),
    /// Its sessions end.
    LogoutAll,
    /// The lock after wrong passwords is lifted.
    Unlock,
}

impl Change {
    /// What was done, in Chinese, to follow the account's name: 「账号 editor 已停用…」.
    pub fn done(&self) -> String {
        match self {
            Self::Disable => gongfu_domain::msg!("account-done-disable"),
            Self::Enable => gongfu_domain::msg!("account-done-enable"),
            Self::ResetPassword(_) => gongfu_domain::msg!("account-done-reset"),
            Self::LogoutAll => gongfu_domain::msg!("account-done-logout-all"),
            Self::Unlock => gongfu_domain::msg!("account-done-unlock"),
        }
    }
}

async fn hash_password_blocking(password: String) -> Result<String, AccountError> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| AccountError::Hash(e.to_string()))?
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
