//! Who is calling: the session cookie read into a user, and the CSRF check for writes.

use crate::{ApiError, AppState, ErrorCode};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use gongfu_accounts::{Session, SESSION_COOKIE};
use gongfu_catalog::Actor;

/// The value of a cookie in a request.
pub fn cookie<'a>(parts: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    parts
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The `Set-Cookie` value for a session token (empty token: clear it).
pub fn session_cookie(token: &str, secure: bool) -> String {
    let max_age = if token.is_empty() {
        0
    } else {
        gongfu_accounts::SESSION_HOURS * 3600
    };
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{}",
        if secure { "; Secure" } else { "" }
    )
}

/// Whether a request that would sign someone in comes from this site: a browser names
/// the page's origin in `Origin` on every POST, so a form on another site that posts to
/// `/login` (signing a victim into the attacker's account) names another host. A request
/// without `Origin` is not from a browser's cross-site form and is let through.
pub fn same_origin(headers: &axum::http::HeaderMap) -> bool {
    let Some(origin) = headers.get(axum::http::header::ORIGIN) else {
        return true;
    };
    let Some(origin_host) = origin
        .to_str()
        .ok()
        .and_then(|o| o.parse::<axum::http::Uri>().ok())
        .and_then(|u| u.authority().map(|a| a.as_str().to_string()))
    else {
        return false;
    };
    // Behind a reverse proxy the public host arrives as X-Forwarded-Host.
    ["host", "x-forwarded-host"]
        .iter()
        .filter_map(|h| headers.get(*h).and_then(|v| v.to_str().ok()))
        .any(|h| h.eq_ignore_ascii_case(&origin_host))
}

/// The address a request comes from, for throttling logins: the peer's, or behind a
/// reverse proxy on this machine or the local network (the peer is a loopback or private
/// address) the last hop the proxy appended to `X-Forwarded-For`. A client cannot spoof
/// its way past that, since the proxy appends the address it saw.
pub struct ClientAddr(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip());
        let behind_proxy = peer.is_some_and(|ip| match ip {
            std::net::IpAddr::V4(v4) => v4.is_loopback() || v4.is_private(),
            std::net::IpAddr::V6(v6) => v6.is_loopback(),
        });
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .next_back()
            .map(str::trim)
            // Only the hop the proxy appended counts, and only if it is an address.
            .filter(|s| s.parse::<std::net::IpAddr>().is_ok())
            .map(str::to_string);
        Ok(Self(match (behind_proxy, forwarded, peer) {
            (true, Some(f), _) => f,
            (_, _, Some(ip)) => ip.to_string(),
            _ => String::new(),
        }))
    }
}

/// The logged-in user, if any. Never rejects.
pub struct CurrentUser(pub Option<Session>);

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let session = match cookie(&parts.headers, SESSION_COOKIE) {
            Some(token) => state.accounts.session(token).await?,
            None => None,
        };
        if let Some(s) = &session {
            crate::trace::record_user(&s.user.username);
        }
        Ok(Self(session))
    }
}

/// A logged-in staff member; rejects with 401 otherwise. For API writes the
/// `X-CSRF-Token` header must match the session's token as well.
pub struct Staff(pub Session);

impl Staff {
    /// The catalogue actor for this user.
    pub fn actor(&self) -> Actor {
        actor(&self.0)
    }
}

/// The catalogue actor of a session.
pub fn actor(s: &Session) -> Actor {
    Actor {
        name: s.user.username.clone(),
        role: s.user.role,
        departments: s.user.departments.clone(),
    }
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let CurrentUser(session) = CurrentUser::from_request_parts(parts, state).await?;
        let session = session.ok_or_else(|| {
            ApiError::new(
                ErrorCode::Unauthorized,
                "no valid session; log in with POST /api/v1/session and send the cookie it sets",
            )
            .message(gongfu_domain::msg!("api-login-needed"))
        })?;
        if parts.method != axum::http::Method::GET && parts.uri.path().starts_with("/api/") {
            let sent = parts
                .headers
                .get("x-csrf-token")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !gongfu_accounts::csrf_matches(&session, sent) {
                return Err(ApiError::new(
                    ErrorCode::CsrfMismatch,
                    "send the csrf_token from POST /api/v1/session in the X-CSRF-Token header",
                )
                .message(gongfu_domain::msg!("api-csrf")));
            }
        }
        Ok(Self(session))
    }
}
