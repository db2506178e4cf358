//! The kit every capability's pages are built with: the page context each layout needs
//! (`PageCtx`), the error page (`WebError`: whatever a handler fails with renders as the
//! Chinese error page with its status, or redirects to the login page), `render`, the
//! `Query` extractor, the staff session (`require`, `ctx`) and URL helpers. Typed forms
//! are in `form`, uploads in `upload`, server-drawn SVG in `chart` and `map`.
//!
//! It must never hold a capability's pages or routes, nor decide anything a capability
//! crate decides: it turns requests into typed values and results into HTML.

pub(crate) mod chart;
pub(crate) mod form;
pub(crate) mod map;
pub(crate) mod upload;

use askama::Template;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use gongfu_accounts::Session;
use gongfu_edge::CurrentUser;

/// Name of the cookie that remembers 长者模式.
pub const ELDERLY_COOKIE: &str = "gongfu_elderly";

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
    pub(crate) fn new(headers: &HeaderMap, path: &str, session: Option<&Session>) -> Self {
        Self {
            elderly: gongfu_edge::auth::cookie(headers, ELDERLY_COOKIE) == Some("1"),
            user: session.map(|s| s.user.display_name.clone()),
            path: path.to_string(),
            q: String::new(),
            csrf: session.map(|s| s.csrf.clone()).unwrap_or_default(),
        }
    }

    /// The same context for the page at `path`. A staff form's context is the page it
    /// was posted from; a handler that answers with a page of its own (a form shown again
    /// with its error) says which page that is, whichever page posted the form.
    pub(crate) fn at(self, path: &str) -> Self {
        Self {
            path: path.to_string(),
            ..self
        }
    }
}

/// The context of a public page, for whoever is browsing (logged in or not).
pub(crate) fn page(headers: &HeaderMap, path: &str, user: &CurrentUser) -> PageCtx {
    PageCtx::new(headers, path, user.0.as_ref())
}

/// The context of a staff page.
pub(crate) fn ctx(headers: &HeaderMap, path: &str, s: &Session) -> PageCtx {
    PageCtx::new(headers, path, Some(s))
}

/// The session, or a redirect to the login page that comes back to `path`.
pub(crate) fn require(user: CurrentUser, path: &str) -> Result<Session, WebError> {
    user.0.ok_or_else(|| login_redirect(path))
}

/// The redirect to the login page, which sends the user back to `back` afterwards.
pub(crate) fn login_redirect(back: &str) -> WebError {
    WebError::redirect(format!("/login?next={}", urlencode(back)))
}

#[derive(Template)]
#[template(path = "partials/error.html")]
struct ErrorPage {
    page: PageCtx,
    title: String,
    detail: String,
    request_id: String,
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
    pub(crate) fn new(status: StatusCode, title: &str, detail: impl Into<String>) -> Self {
        Self(Box::new(WebErrorKind::Page {
            status,
            title: title.into(),
            detail: detail.into(),
            page: PageCtx::default(),
        }))
    }

    pub(crate) fn redirect(to: String) -> Self {
        Self(Box::new(WebErrorKind::Redirect(to)))
    }

    /// The same error, rendered in the layout of `p` (user, 长者模式, the way back).
    pub(crate) fn with_page(mut self, p: &PageCtx) -> Self {
        if let WebErrorKind::Page { page, .. } = self.0.as_mut() {
            *page = p.clone();
        }
        self
    }
}

impl From<gongfu_catalog::CatalogError> for WebError {
    fn from(e: gongfu_catalog::CatalogError) -> Self {
        gongfu_edge::ApiError::from(e).into()
    }
}

impl From<gongfu_standards::RegistryError> for WebError {
    fn from(e: gongfu_standards::RegistryError) -> Self {
        gongfu_edge::ApiError::from(e).into()
    }
}

impl From<gongfu_places::PlacesError> for WebError {
    fn from(e: gongfu_places::PlacesError) -> Self {
        gongfu_edge::ApiError::from(e).into()
    }
}

impl From<gongfu_edge::ApiError> for WebError {
    fn from(api: gongfu_edge::ApiError) -> Self {
        // A person reads the Chinese message; the developer detail stays in the API.
        Self::new(api.code.status(), api.code.zh(), api.text())
    }
}

impl From<gongfu_db::DbError> for WebError {
    fn from(e: gongfu_db::DbError) -> Self {
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
            } => {
                let request_id = gongfu_edge::trace::current_request_id().unwrap_or_default();
                // A server fault's cause (an SQL error, a path) belongs in the log, which
                // the request id on the page finds; the person is told what to do.
                let detail = if status.is_server_error() {
                    tracing::error!(%detail, "page failed");
                    "服务器暂时出错，请稍后再试。如果一直出错，请把下面的请求编号告诉系统管理员。"
                        .to_string()
                } else {
                    detail
                };
                (
                    status,
                    render(&ErrorPage {
                        page,
                        title,
                        detail,
                        request_id,
                    }),
                )
                    .into_response()
            }
            WebErrorKind::Redirect(to) => axum::response::Redirect::to(&to).into_response(),
        }
    }
}

/// What a person is told when the framework refused a body (too large, wrong type,
/// unreadable); the framework's own English text goes to the log.
pub(crate) fn refused(status: StatusCode) -> String {
    match status {
        StatusCode::PAYLOAD_TOO_LARGE => gongfu_domain::msg!("body-too-large"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => gongfu_domain::msg!("body-wrong-type"),
        _ => gongfu_domain::msg!("body-unreadable"),
    }
}

/// Renders a template; a template error is a bug, shown as a plain 500.
pub(crate) fn render<T: Template>(t: &T) -> Response {
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

/// `?notice=`: the line a page shows after the action that led to it (a redirect after a
/// successful POST says what was done).
#[derive(serde::Deserialize, Default)]
pub(crate) struct NoticeQuery {
    pub notice: Option<String>,
}

/// A local path to return to: one '/' and a path this site serves, or else the home page.
/// Browsers drop tabs and line breaks from a URL before reading it, so `/\t/evil.example`
/// would leave the site as `//evil.example`: any control character, space or backslash
/// refuses the path, as does anything that does not parse as a path and query alone.
pub(crate) fn safe_back(back: &str) -> &str {
    let plain = back
        .chars()
        .all(|c| !c.is_control() && !c.is_whitespace() && c != '\\');
    let local = back.starts_with('/')
        && !back.starts_with("//")
        && back
            .parse::<axum::http::Uri>()
            .is_ok_and(|u| u.scheme().is_none() && u.authority().is_none());
    if plain && local {
        back
    } else {
        "/"
    }
}

/// Percent-encodes a query value; `/` stays, so a path reads as one.
pub(crate) fn urlencode(s: &str) -> String {
    encode(s, b"/-_.~")
}

/// Percent-encodes everything but unreserved characters, `/` included, for a path segment.
pub(crate) fn urlencode_all(s: &str) -> String {
    encode(s, b"-_.~")
}

fn encode(s: &str, keep: &[u8]) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || keep.contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::safe_back;

    #[test]
    fn only_a_plain_local_path_is_a_place_to_return_to() {
        for ok in [
            "/",
            "/admin",
            "/items/N0101?version=2",
            "/search?q=%E8%80%81",
        ] {
            assert_eq!(safe_back(ok), ok);
        }
        for bad in [
            "//evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r/evil.example",
            "/ /evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "https://evil.example/",
            "evil.example",
            "",
            "/\u{0}x",
            "/\u{3000}/x",
        ] {
            assert_eq!(safe_back(bad), "/", "{bad:?}");
        }
    }
}

/// The pages' own template filters; a module with templates that use them says
/// `use crate::kit::filters;` (askama looks filters up by that name).
pub(crate) mod filters {
    /// A stored instant (RFC 3339) as people read it: 2026年12月3日 14:56, Beijing time.
    pub fn beijing<T: std::fmt::Display>(at: T, _: &dyn askama::Values) -> askama::Result<String> {
        Ok(gongfu_domain::clock::beijing_text(&at.to_string()))
    }

    /// The kind of record an audit entry concerns, by its Chinese name.
    pub fn entity<T: std::fmt::Display>(
        entity: T,
        _: &dyn askama::Values,
    ) -> askama::Result<String> {
        Ok(gongfu_domain::audit::entity_text(&entity.to_string()))
    }

    /// An audit action by its Chinese name.
    pub fn action<T: std::fmt::Display>(
        action: T,
        _: &dyn askama::Values,
    ) -> askama::Result<String> {
        Ok(gongfu_domain::audit::action_text(&action.to_string()))
    }
}
