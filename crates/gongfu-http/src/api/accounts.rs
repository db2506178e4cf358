//! Sessions (log in, who am I, log out) and the audit log.

use super::{json_body, ErrorBody};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use gongfu_edge::auth::session_cookie;
use gongfu_edge::{ApiError, AppState, ErrorCode, Query, Staff};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The session and audit routes and their operations.
pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login, logout, whoami))
        .routes(routes!(audit))
}

/// A user name and password.
#[derive(Deserialize, ToSchema)]
struct LoginBody {
    /// Login name.
    username: String,
    /// Password.
    password: String,
}

/// The logged-in user and the session's CSRF token.
#[derive(Serialize, ToSchema)]
pub struct SessionView {
    /// Login name.
    username: String,
    /// Name shown on pages.
    display_name: String,
    /// `administrator`, `department_editor`, `reviewer` or `viewer`.
    role: &'static str,
    /// Short names of the departments an editor works for.
    departments: Vec<String>,
    /// Send as `X-CSRF-Token` with every write.
    csrf_token: String,
}

impl SessionView {
    fn new(s: &gongfu_accounts::Session) -> Self {
        SessionView {
            username: s.user.username.clone(),
            display_name: s.user.display_name.clone(),
            role: s.user.role.as_str(),
            departments: s.user.departments.clone(),
            csrf_token: s.csrf.clone(),
        }
    }
}

/// Audit entries.
#[derive(Serialize, ToSchema)]
pub struct AuditLog {
    /// Newest first.
    entries: Vec<AuditEntryView>,
}

/// One audit entry: who did what, when, to which record.
#[derive(Serialize, ToSchema)]
pub struct AuditEntryView {
    /// Sequence number.
    id: i64,
    /// When (RFC 3339, UTC).
    at: String,
    /// Who: a user name, or `cli` / `demo` for commands run on the server.
    actor: String,
    /// What was done, e.g. `version.publish`.
    action: String,
    /// The kind of record, e.g. `version`.
    entity: String,
    /// Its key, e.g. the version number.
    entity_key: String,
    /// Details of the action; their shape depends on `action`.
    detail: Value,
}

/// Logs in: sets the session cookie and returns the CSRF token to send with writes.
#[utoipa::path(post, path = "/api/v1/session", request_body = LoginBody, responses((status = 200, description = "logged in; the session cookie is set", body = SessionView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, description = "posted from another site's page", body = ErrorBody), (status = 429, description = "too many wrong passwords for this account or from this address; Retry-After says when to try again", body = ErrorBody)))]
async fn login(
    State(state): State<AppState>,
    gongfu_edge::auth::ClientAddr(client): gongfu_edge::auth::ClientAddr,
    request_headers: HeaderMap,
    body: Bytes,
) -> Result<(HeaderMap, Json<SessionView>), ApiError> {
    if !gongfu_edge::auth::same_origin(&request_headers) {
        return Err(ApiError::new(
            ErrorCode::CsrfMismatch,
            "a login from another site's page is refused; log in from this site",
        )
        .message(gongfu_domain::msg!("login-cross-site")));
    }
    let b: LoginBody = json_body(&body)?;
    let (token, s) = state
        .accounts
        .login(gongfu_accounts::Attempt {
            username: &b.username,
            password: &b.password,
            client: &client,
        })
        .await?;
    let mut headers = HeaderMap::new();
    if let Ok(v) = HeaderValue::from_str(&session_cookie(&token, state.secure_cookies)) {
        headers.insert(header::SET_COOKIE, v);
    }
    Ok((headers, Json(SessionView::new(&s))))
}

/// The logged-in user.
#[utoipa::path(get, path = "/api/v1/session", responses((status = 200, description = "the user", body = SessionView), (status = 401, body = ErrorBody)))]
async fn whoami(staff: Staff) -> Json<SessionView> {
    Json(SessionView::new(&staff.0))
}

/// Logs out.
#[utoipa::path(delete, path = "/api/v1/session", responses((status = 204, description = "logged out"), (status = 401, body = ErrorBody)))]
async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    _staff: Staff,
) -> Result<Response, ApiError> {
    if let Some(t) = gongfu_edge::auth::cookie(&headers, gongfu_accounts::SESSION_COOKIE) {
        gongfu_accounts::logout(&state.db, t).await?;
    }
    let mut res = StatusCode::NO_CONTENT.into_response();
    if let Ok(v) = HeaderValue::from_str(&session_cookie("", state.secure_cookies)) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(res)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct AuditQuery {
    /// Only entries about this kind of record (version, adjustment, user, region ...).
    entity: Option<String>,
    /// At most this many (default 100, up to 1000).
    limit: Option<i64>,
}

/// The audit log, newest first.
#[utoipa::path(get, path = "/api/v1/audit", params(AuditQuery), responses((status = 200, description = "entries", body = AuditLog), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
async fn audit(
    State(state): State<AppState>,
    _staff: Staff,
    Query(q): Query<AuditQuery>,
) -> Result<Json<AuditLog>, ApiError> {
    let limit = q.limit.unwrap_or(100).clamp(1, 1000);
    let entries = gongfu_db::audit::list(&state.db, q.entity.as_deref(), limit).await?;
    Ok(Json(AuditLog {
        entries: entries
            .into_iter()
            .map(|e| AuditEntryView {
                id: e.id,
                at: e.at,
                actor: e.actor,
                action: e.action,
                entity: e.entity,
                entity_key: e.entity_key,
                detail: e.detail,
            })
            .collect(),
    }))
}
