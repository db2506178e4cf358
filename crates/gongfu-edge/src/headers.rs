//! Security headers on every answer of both doors. The pages need no inline script or
//! style (the one script is `/static/app.js`), so the Content-Security-Policy allows only
//! this site's own files; nothing may frame a page; staff answers are never cached.

use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

/// The Content-Security-Policy of every answer.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// HSTS, sent only when the site is served over HTTPS (`secure_cookies`).
pub const STRICT_TRANSPORT_SECURITY: &str = "max-age=31536000";

/// Whether a request is a staff one: the admin pages, logging in, or any request that
/// carries a session (its pages hold the session's CSRF token).
fn staff(req: &Request) -> bool {
    let path = req.uri().path();
    path.starts_with("/admin")
        || path == "/login"
        || path.starts_with("/api/v1/session")
        || crate::auth::cookie(req.headers(), gongfu_accounts::SESSION_COOKIE).is_some()
}

/// The middleware; `https` adds HSTS.
pub async fn apply(https: bool, req: Request, next: Next) -> Response {
    let no_store = staff(&req);
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // Same-origin only: a staff form's way back after login reads the Referer.
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if https {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(STRICT_TRANSPORT_SECURITY),
        );
    }
    if no_store {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        h.remove(header::ETAG);
    }
    res
}
