//! Logging in and out with the session cookie. A failed login comes back to the form
//! with the reason; logging out ends the session the cookie names.

use crate::kit::form::{Form, NoFields, StaffForm};
use crate::kit::{render, safe_back, PageCtx, Query, WebError};
use askama::Template;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use gongfu_edge::auth::session_cookie;
use gongfu_edge::AppState;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "accounts/login.html")]
struct Login {
    page: PageCtx,
    error: String,
    next: String,
}

#[derive(Deserialize)]
pub(crate) struct NextQuery {
    next: Option<String>,
}

pub(crate) async fn login_form(headers: HeaderMap, Query(q): Query<NextQuery>) -> Response {
    let page = PageCtx::new(&headers, "/login", None);
    render(&Login {
        page,
        error: String::new(),
        next: safe_back(q.next.as_deref().unwrap_or("/admin")).to_string(),
    })
}

/// The login form.
#[derive(Deserialize)]
pub(crate) struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    /// The page to go to once logged in (a local path; the dashboard when absent).
    next: Option<String>,
}

pub(crate) async fn login(
    State(state): State<AppState>,
    gongfu_edge::auth::ClientAddr(client): gongfu_edge::auth::ClientAddr,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Response {
    if !gongfu_edge::auth::same_origin(&headers) {
        let page = PageCtx::new(&headers, "/login", None);
        return WebError::new(
            StatusCode::FORBIDDEN,
            "安全校验失败",
            "这个登录请求来自其他网站的页面，已拒绝。请直接在本站登录页登录。",
        )
        .with_page(&page)
        .into_response();
    }
    let next = safe_back(f.next.as_deref().unwrap_or("/admin")).to_string();
    let attempt = gongfu_accounts::Attempt {
        username: &f.username,
        password: &f.password,
        client: &client,
    };
    match state.accounts.login(attempt).await {
        Ok((token, _)) => (
            [(
                header::SET_COOKIE,
                session_cookie(&token, state.secure_cookies),
            )],
            Redirect::to(&next),
        )
            .into_response(),
        Err(e) => {
            let page = PageCtx::new(&headers, "/login", None);
            use gongfu_accounts::AccountError as A;
            let (status, msg) = match e {
                A::BadCredentials => (StatusCode::UNAUTHORIZED, "用户名或密码错误。".to_string()),
                e @ (A::Throttled { .. } | A::Locked { .. }) => {
                    (StatusCode::TOO_MANY_REQUESTS, format!("{e}。"))
                }
                other => {
                    // The cause (storage) is for the log, under this request's id.
                    tracing::error!(detail = %other, "login failed");
                    (
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "登录暂时无法完成，请稍后再试；如一直如此，请联系管理员。".to_string(),
                    )
                }
            };
            (
                status,
                render(&Login {
                    page,
                    error: msg,
                    next,
                }),
            )
                .into_response()
        }
    }
}

/// Ends the session (its form's CSRF token checked) and clears the cookie; without a
/// session there is nothing to end, and the cookie is cleared all the same.
pub(crate) async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    form: Option<StaffForm<NoFields>>,
) -> Result<Response, WebError> {
    if form.is_some() {
        if let Some(t) = gongfu_edge::auth::cookie(&headers, gongfu_accounts::SESSION_COOKIE) {
            gongfu_accounts::logout(&state.db, t)
                .await
                .map_err(gongfu_edge::ApiError::from)?;
        }
    }
    Ok((
        [(header::SET_COOKIE, session_cookie("", state.secure_cookies))],
        Redirect::to("/"),
    )
        .into_response())
}
