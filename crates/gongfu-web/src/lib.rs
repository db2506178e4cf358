//! The server-rendered pages: the public catalogue (home, area > category > item, item
//! pages, community pages, versions and diffs, services nearby and service circles, the
//! standard system, "what can I enjoy") and the admin pages (adjustments, proposals,
//! decisions, approval, import, the standard registry, service points, the affordability
//! assessment). Chinese first, mobile first, no JavaScript required; an elderly-friendly
//! mode (长者模式) remembered per browser in a cookie.
//!
//! It must never hold business rules or SQL: pages call the capability crates
//! (gongfu-catalog, gongfu-standards, gongfu-places, gongfu-eligibility) and render what
//! they return. Every form that changes data carries the session's CSRF token.

mod admin;
mod affordability;
mod eligibility;
mod pages;
mod places;
mod search;
mod standards;
mod standards_admin;
mod texts;

use askama::Template;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use gongfu_edge::AppState;

/// Name of the cookie that remembers 长者模式.
pub const ELDERLY_COOKIE: &str = "gongfu_elderly";

/// Every page URL, in one place.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(pages::home))
        .route("/items", get(pages::items))
        .route("/search", get(search::search))
        .route("/items/{code}", get(pages::item))
        .route("/regions", get(pages::regions))
        .route("/regions/{code}", get(pages::region))
        .route("/versions", get(pages::versions))
        .route("/versions/diff", get(pages::diff))
        .route(
            "/eligibility",
            get(eligibility::start).post(eligibility::step),
        )
        .route("/eligibility/saved/{token}", get(eligibility::saved))
        .route("/nearby", get(places::nearby))
        .route("/points/{id}", get(places::point))
        .route("/circles", get(places::circles))
        .route("/standards", get(standards::tree))
        .route("/standards/coverage", get(standards::coverage))
        .route("/standards/attention", get(standards::attention))
        .route("/standards/list", get(standards::list))
        .route("/standards/view/{number}", get(standards::one))
        .route("/prefs/elderly", get(pages::elderly))
        .route("/static/app.css", get(css))
        .route("/login", get(admin::login_form).post(admin::login))
        .route("/logout", post(admin::logout))
        .route("/admin", get(admin::dashboard))
        .route("/admin/adjustments", post(admin::open_adjustment))
        .route("/admin/adjustments/{id}", get(admin::adjustment))
        .route(
            "/admin/adjustments/{id}/propose",
            get(admin::propose_form).post(admin::propose),
        )
        .route(
            "/admin/adjustments/{id}/proposals/{pid}/decision",
            post(admin::decide),
        )
        .route("/admin/adjustments/{id}/approve", post(admin::approve))
        .route("/admin/adjustments/{id}/close", post(admin::close))
        .route("/admin/propose", get(admin::propose_redirect))
        .route(
            "/admin/import",
            get(admin::import_form).post(admin::import).layer(
                axum::extract::DefaultBodyLimit::max(gongfu_edge::limits::IMPORT_LIMIT),
            ),
        )
        .route("/guides/{code}", get(texts::guide))
        .route(
            "/standards/check",
            get(texts::check_form)
                .post(texts::check)
                .layer(axum::extract::DefaultBodyLimit::max(
                    gongfu_edge::limits::IMPORT_LIMIT,
                )),
        )
        .route(
            "/admin/texts/upload",
            post(texts::upload).layer(axum::extract::DefaultBodyLimit::max(
                gongfu_edge::limits::IMPORT_LIMIT,
            )),
        )
        .route("/admin/affordability", get(affordability::list))
        .route("/admin/affordability/runs", post(affordability::create_run))
        .route("/admin/affordability/runs/{id}", get(affordability::report))
        .route(
            "/admin/affordability/populations",
            post(affordability::synthesize),
        )
        .route("/admin/places", get(places::admin))
        .route(
            "/admin/places/upload",
            post(places::upload).layer(axum::extract::DefaultBodyLimit::max(
                gongfu_edge::limits::IMPORT_LIMIT,
            )),
        )
        .route("/admin/standards", get(standards_admin::page))
        .route(
            "/admin/standards/upload",
            post(standards_admin::upload).layer(axum::extract::DefaultBodyLimit::max(
                gongfu_edge::limits::IMPORT_LIMIT,
            )),
        )
        .route(
            "/admin/standards/edit",
            get(standards_admin::edit_form).post(standards_admin::edit),
        )
        .route("/admin/standards/remove", post(standards_admin::remove))
        .fallback(not_found)
        .with_state(state)
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

/// What every page's layout needs.
#[derive(Debug, Clone, Default)]
pub struct PageCtx {
    /// 长者模式 on.
    pub elderly: bool,
    /// The logged-in user's name.
    pub user: Option<String>,
    /// The path, for the elderly-mode link back.
    pub path: String,
    /// The search box's text.
    pub q: String,
    /// The session's CSRF token, for forms.
    pub csrf: String,
}

impl PageCtx {
    fn new(headers: &HeaderMap, path: &str, session: Option<&gongfu_accounts::Session>) -> Self {
        Self {
            elderly: gongfu_edge::auth::cookie(headers, ELDERLY_COOKIE) == Some("1"),
            user: session.map(|s| s.user.display_name.clone()),
            path: path.to_string(),
            q: String::new(),
            csrf: session.map(|s| s.csrf.clone()).unwrap_or_default(),
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    page: PageCtx,
    title: String,
    detail: String,
}

/// A page that failed: rendered as an HTML error page with the right status, or a
/// redirect (to the login page). Boxed: it travels through every handler's `?`.
pub struct WebError(Box<WebErrorKind>);

enum WebErrorKind {
    Page {
        status: StatusCode,
        title: String,
        detail: String,
        page: PageCtx,
    },
    Redirect(String),
}

impl WebError {
    fn new(status: StatusCode, title: &str, detail: impl Into<String>) -> Self {
        Self(Box::new(WebErrorKind::Page {
            status,
            title: title.into(),
            detail: detail.into(),
            page: PageCtx::default(),
        }))
    }

    fn redirect(to: String) -> Self {
        Self(Box::new(WebErrorKind::Redirect(to)))
    }

    fn with_page(mut self, p: &PageCtx) -> Self {
        if let WebErrorKind::Page { page, .. } = self.0.as_mut() {
            *page = p.clone();
        }
        self
    }
}

impl From<gongfu_catalog::CatalogError> for WebError {
    fn from(e: gongfu_catalog::CatalogError) -> Self {
        let api = gongfu_edge::ApiError::from(e);
        Self::new(api.code.status(), api.code.zh(), api.detail)
    }
}

impl From<gongfu_standards::RegistryError> for WebError {
    fn from(e: gongfu_standards::RegistryError) -> Self {
        gongfu_edge::ApiError::from(e).into()
    }
}

impl From<gongfu_edge::ApiError> for WebError {
    fn from(api: gongfu_edge::ApiError) -> Self {
        Self::new(api.code.status(), api.code.zh(), api.detail)
    }
}

impl From<gongfu_db::DbError> for WebError {
    fn from(e: gongfu_db::DbError) -> Self {
        tracing::error!(error = %e, "page failed");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "服务器内部错误",
            e.to_string(),
        )
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        match *self.0 {
            WebErrorKind::Page {
                status,
                title,
                detail,
                page,
            } => (
                status,
                render(&ErrorPage {
                    page,
                    title,
                    detail,
                }),
            )
                .into_response(),
            WebErrorKind::Redirect(to) => axum::response::Redirect::to(&to).into_response(),
        }
    }
}

/// Renders a template; a template error is a bug, shown as a plain 500.
fn render<T: Template>(t: &T) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("template error: {e}"),
            )
                .into_response()
        }
    }
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

/// `axum::extract::Query`, but a malformed query string renders the Chinese error page
/// (with the parameter named) instead of axum's plain-text 400. The parsing is the edge's
/// own, the same the API uses.
pub(crate) struct Query<T>(pub T);

impl<T, S> axum::extract::FromRequestParts<S> for Query<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _state: &S,
    ) -> Result<Self, Self::Rejection> {
        gongfu_edge::error::parse_query(&parts.uri)
            .map(Query)
            .map_err(|e| {
                WebError::from(e).with_page(&PageCtx::new(&parts.headers, parts.uri.path(), None))
            })
    }
}

/// A local path to return to: must start with one '/', so it cannot leave the site.
fn safe_back(back: &str) -> &str {
    if back.starts_with('/') && !back.starts_with("//") && !back.contains('\\') {
        back
    } else {
        "/"
    }
}
