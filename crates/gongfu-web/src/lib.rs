//! The server-rendered pages: the public catalogue (home, area > category > item, item
//! pages, community pages, versions and diffs, services nearby and service circles, the
//! standard system, "what can I enjoy") and the admin pages (adjustments, proposals,
//! decisions, approval, import, the standard registry, service points, the affordability
//! assessment). Chinese first, mobile first, no JavaScript required; an elderly-friendly
//! mode (长者模式) remembered per browser in a cookie.
//!
//! One folder per capability (`list`, `accounts`, `standards`, `places`, `eligibility`,
//! `affordability`, `search`), each with its handlers, its page templates under
//! `templates/<capability>/` and a `routes()` that registers its URLs beside them; `kit`
//! is what they share (page context, error page, typed forms and uploads, SVG charts and
//! maps). This file merges the capabilities' routes.
//!
//! It must never hold business rules or SQL: pages call the capability crates
//! (gongfu-catalog, gongfu-standards, gongfu-places, gongfu-eligibility,
//! gongfu-affordability, gongfu-search) and render what they return. Every form that
//! changes data carries the session's CSRF token.

mod accounts;
mod affordability;
mod eligibility;
mod kit;
mod list;
mod places;
mod search;
mod standards;

use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use gongfu_edge::AppState;

pub use kit::{PageCtx, WebError, ELDERLY_COOKIE};

/// Every page URL: each capability's routes, the stylesheet, and the 404 page.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(list::routes())
        .merge(accounts::routes())
        .merge(standards::routes())
        .merge(places::routes())
        .merge(eligibility::routes())
        .merge(affordability::routes())
        .merge(search::routes())
        .route("/static/app.css", get(css))
        .route("/static/app.js", get(js))
        .fallback(not_found)
        .layer(axum::middleware::from_fn(rejections))
        .layer(axum::middleware::from_fn_with_state(state.clone(), heavy))
        .with_state(state)
}

/// Uploads to check or import and microsimulation runs take a slot of the edge's heavy
/// work while they run; when none frees up, the Chinese error page says to try again.
async fn heavy(
    axum::extract::State(state): axum::extract::State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    if !gongfu_edge::heavy::is_heavy(req.method(), req.uri().path()) {
        return next.run(req).await;
    }
    match state.heavy.admit().await {
        Ok(_slot) => next.run(req).await,
        Err(e) => {
            let page = PageCtx::new(req.headers(), req.uri().path(), None);
            let mut r = WebError::from(e).with_page(&page).into_response();
            r.headers_mut()
                .insert(axum::http::header::RETRY_AFTER, 5u64.into());
            r
        }
    }
}

/// axum's own rejections (a path segment that does not parse, a body of the wrong type, a
/// method a page does not answer) render the Chinese error page like every other error.
async fn rejections(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let (headers, path) = (req.headers().clone(), req.uri().path().to_string());
    let res = next.run(req).await;
    if !gongfu_edge::error::framework_rejection(&res) {
        return res;
    }
    WebError::from(gongfu_edge::error::rejection_to_api(res).await)
        .with_page(&PageCtx::new(&headers, &path, None))
        .into_response()
}

async fn js() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../static/app.js"),
    )
}

async fn css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../static/app.css"),
    )
}

async fn not_found(headers: HeaderMap, uri: axum::http::Uri) -> WebError {
    let page = PageCtx::new(&headers, uri.path(), None);
    WebError::new(
        StatusCode::NOT_FOUND,
        "页面不存在",
        format!("{} 不存在；请从首页重新进入。", uri.path()),
    )
    .with_page(&page)
}
