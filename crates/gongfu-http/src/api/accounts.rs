//! Sessions (log in, who am I, log out) and the audit log.

use super::{json_body, ErrorBody};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use gongfu_edge::auth::session_cookie;
use gongfu_edge::{ApiError, AppState, Query, Staff};
use serde::Deserialize;
use serde_json::{json, Value};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The session and audit routes and their operations.
pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login, logout, whoami))
        .routes(routes!(audit))
}

#[derive(Deserialize, ToSchema)]
struct LoginBody {
    username: String,
    password: String,
}

/// Logs in: sets the session cookie and returns the CSRF token to send with writes.
#[utoipa::path(post, path = "/api/v1/session", request_body = LoginBody, responses((status = 200, description = "logged in"), (status = 401, body = ErrorBody)))]
async fn login(State(state): State<AppState>, body: Bytes) -> Result<Response, ApiError> {
    let b: LoginBody = json_body(&body)?;
    let (token, s) = gongfu_accounts::login(&state.db, &b.username, &b.password).await?;
    let mut res = Json(json!({"username": s.user.username, "display_name": s.user.display_name, "role": s.user.role, "departments": s.user.departments, "csrf_token": s.csrf})).into_response();
    if let Ok(v) = HeaderValue::from_str(&session_cookie(&token, state.secure_cookies)) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(res)
}

/// The logged-in user.
#[utoipa::path(get, path = "/api/v1/session", responses((status = 200, description = "the user"), (status = 401, body = ErrorBody)))]
async fn whoami(staff: Staff) -> Json<Value> {
    let u = &staff.0.user;
    Json(
        json!({"username": u.username, "display_name": u.display_name, "role": u.role, "departments": u.departments, "csrf_token": staff.0.csrf}),
    )
}

/// Logs out.
#[utoipa::path(delete, path = "/api/v1/session", responses((status = 204, description = "logged out")))]
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
#[utoipa::path(get, path = "/api/v1/audit", params(AuditQuery), responses((status = 200, description = "entries"), (status = 401, body = ErrorBody)))]
async fn audit(
    State(state): State<AppState>,
    _staff: Staff,
    Query(q): Query<AuditQuery>,
) -> Result<Json<Value>, ApiError> {
    let limit = q.limit.unwrap_or(100).clamp(1, 1000);
    Ok(Json(
        json!({"entries": gongfu_db::audit::list(&state.db, q.entity.as_deref(), limit).await?}),
    ))
}
