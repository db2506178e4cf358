//! Forms read into typed structs. `StaffForm<T>` is what every staff form POST starts
//! with: the session (else the login page, which comes back to the page the form was on),
//! the form's `csrf` field checked against it (else 403), then the rest of the body as a
//! `T` (else 400, saying what did not read). `Form<T>` is the same reading for a form
//! posted without a session (the login form).
//!
//! The body is read by axum's own urlencoded reader, the one `axum::Form` uses, so a field
//! reads as it would there: a missing field is an error unless it has a default, text
//! stays text. HTML forms send an empty string for an empty input, so a number field reads
//! through `number` (empty is not given) and a checkbox through `checkbox`.
//!
//! It must never decide what a value means for a capability: a field that names a kind or
//! a decision arrives as text and the handler parses it, as its query-string twin does.

use super::{ctx, login_redirect, safe_back, PageCtx, WebError};
use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, FromRequestParts, OptionalFromRequest, RawForm, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, Method, StatusCode, Uri};
use gongfu_accounts::Session;
use gongfu_edge::{AppState, CurrentUser};
use serde::de::{DeserializeOwned, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;
use std::marker::PhantomData;

/// A staff form: who sent it, the page to answer on, and its fields.
pub(crate) struct StaffForm<T> {
    /// The session that posted it, its CSRF token checked.
    pub session: Session,
    /// The context to render the answer (or an error) in: the page the form was on.
    pub page: PageCtx,
    /// The form's fields.
    pub form: T,
}

/// A form with no fields but its CSRF token (log out).
#[derive(Deserialize)]
pub(crate) struct NoFields {}

impl<T: DeserializeOwned> FromRequest<AppState> for StaffForm<T> {
    type Rejection = WebError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let (session, page) = staff(&mut parts, state).await?;
        read(Request::from_parts(parts, body), session, page).await
    }
}

/// Without a session there is no form (log out when already logged out); with one, the
/// form is read and checked as for `StaffForm`.
impl<T: DeserializeOwned> OptionalFromRequest<AppState> for StaffForm<T> {
    type Rejection = WebError;

    async fn from_request(req: Request, state: &AppState) -> Result<Option<Self>, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let Some(session) = session(&mut parts, state).await? else {
            return Ok(None);
        };
        let page = ctx(&parts.headers, path_of(&form_page(&parts)), &session);
        read(Request::from_parts(parts, body), session, page)
            .await
            .map(Some)
    }
}

/// The session of a staff form or upload (else the login page, coming back to the page
/// the form was on) and the context to answer in: that page's.
pub(crate) async fn staff(
    parts: &mut Parts,
    state: &AppState,
) -> Result<(Session, PageCtx), WebError> {
    let back = form_page(parts);
    let session = session(parts, state)
        .await?
        .ok_or_else(|| login_redirect(&login_back(parts)))?;
    let page = ctx(&parts.headers, path_of(&back), &session);
    Ok((session, page))
}

async fn session(parts: &mut Parts, state: &AppState) -> Result<Option<Session>, WebError> {
    let CurrentUser(s) = CurrentUser::from_request_parts(parts, state)
        .await
        .map_err(WebError::from)?;
    Ok(s)
}

/// The body, its CSRF token checked, then the fields.
async fn read<T: DeserializeOwned>(
    req: Request,
    session: Session,
    page: PageCtx,
) -> Result<StaffForm<T>, WebError> {
    let body = body(req, &page).await?;
    let Csrf { csrf } = parse(body.clone(), &page).await?;
    check_csrf(&session, &csrf, &page)?;
    let form = parse(body, &page).await?;
    Ok(StaffForm {
        session,
        page,
        form,
    })
}

/// A form posted without a session: its fields, or the error page saying what did not
/// read.
pub(crate) struct Form<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Form<T> {
    type Rejection = WebError;

    async fn from_request(req: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let page = PageCtx::new(req.headers(), req.uri().path(), None);
        let body = body(req, &page).await?;
        parse(body, &page).await.map(Form)
    }
}

#[derive(Deserialize)]
struct Csrf {
    #[serde(default)]
    csrf: String,
}

/// The form's token must be the session's: a page of another site cannot post as the user.
pub(crate) fn check_csrf(s: &Session, sent: &str, page: &PageCtx) -> Result<(), WebError> {
    if gongfu_accounts::csrf_matches(s, sent) {
        Ok(())
    } else {
        Err(WebError::new(
            StatusCode::FORBIDDEN,
            "安全校验失败",
            gongfu_domain::msg!("form-csrf"),
        )
        .with_page(page))
    }
}

/// The urlencoded body (the content type checked, the body limit applied).
async fn body(req: Request, page: &PageCtx) -> Result<Bytes, WebError> {
    RawForm::from_request(req, &())
        .await
        .map(|RawForm(b)| b)
        .map_err(|e| {
            tracing::info!(detail = %e.body_text(), "form body refused");
            WebError::new(e.status(), "表单无法读取", super::refused(e.status())).with_page(page)
        })
}

/// Reads an urlencoded body into `T` with the reader `axum::Form` uses.
pub(crate) async fn parse<T: DeserializeOwned>(body: Bytes, page: &PageCtx) -> Result<T, WebError> {
    // axum exposes its reader only as the extractor, so the body (already read under the
    // route's limit) is handed to it as a request of its own: one reader for every form,
    // and no second urlencoded crate.
    let mut req = Request::new(Body::from(body));
    *req.method_mut() = Method::POST;
    req.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/x-www-form-urlencoded"),
    );
    match axum::Form::<T>::from_request(req, &()).await {
        Ok(axum::Form(t)) => Ok(t),
        Err(e) => {
            let why = std::error::Error::source(&e)
                .map(ToString::to_string)
                .unwrap_or_else(|| e.body_text());
            Err(WebError::new(
                StatusCode::BAD_REQUEST,
                "表单内容有误",
                gongfu_domain::msg!("form-unreadable", reason = why),
            )
            .with_page(page))
        }
    }
}

/// The page a form was posted from: the `Referer` when it is a page of this site.
fn local_referer(parts: &Parts) -> Option<String> {
    let host = parts
        .headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| parts.uri.authority().map(|a| a.as_str()));
    let referer = parts
        .headers
        .get(header::REFERER)
        .and_then(|r| r.to_str().ok())
        .and_then(|r| r.parse::<Uri>().ok());
    referer
        .filter(|r| r.authority().is_none_or(|a| Some(a.as_str()) == host))
        .and_then(|r| r.path_and_query().map(|pq| pq.as_str().to_string()))
        .filter(|p| safe_back(p) == p)
}

/// The page a form was posted from, to answer in: the local `Referer`, else the path the
/// form was posted to.
fn form_page(parts: &Parts) -> String {
    local_referer(parts).unwrap_or_else(|| parts.uri.path().to_string())
}

/// Where to come back to after logging in: the page the form was on, else the staff home,
/// since the path a form posts to answers only POST.
fn login_back(parts: &Parts) -> String {
    local_referer(parts).unwrap_or_else(|| "/admin".to_string())
}

/// A path without its query: the layout's way back, as every page's is.
fn path_of(back: &str) -> &str {
    back.split_once('?').map_or(back, |(p, _)| p)
}

/// A number field: empty (or blank) is not given; anything else must read as a number.
pub(crate) fn number<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: std::str::FromStr,
{
    let Some(text) = Option::<String>::deserialize(d)? else {
        return Ok(None);
    };
    match text.trim() {
        "" => Ok(None),
        t => t
            .parse()
            .map(Some)
            .map_err(|_| serde::de::Error::custom(format!("'{t}' is not a number"))),
    }
}

/// A checkbox posted with `value="1"`: ticked when sent as 1 (an unticked box is not sent,
/// so the field takes `#[serde(default)]`).
pub(crate) fn checkbox<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(String::deserialize(d)? == "1")
}

/// A draft whose columns a form posts as `{PREFIX}{key}`, one input per column.
pub(crate) trait Columns: Default {
    /// The prefix of the inputs' names.
    const PREFIX: &'static str;
    /// The column keys.
    fn keys() -> impl Iterator<Item = &'static str>;
    /// Sets one column.
    fn set(&mut self, key: &str, value: String);
}

/// The columns of a draft read from a form (`#[serde(flatten)]` into the form's struct):
/// the inputs named `{PREFIX}{key}` for the draft's keys; other fields are the struct's.
pub(crate) struct Prefixed<D>(pub D);

impl<'de, D: Columns> Deserialize<'de> for Prefixed<D> {
    fn deserialize<De: Deserializer<'de>>(d: De) -> Result<Self, De::Error> {
        struct V<D>(PhantomData<D>);
        impl<'de, D: Columns> Visitor<'de> for V<D> {
            type Value = Prefixed<D>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                write!(f, "form fields named {}<column>", D::PREFIX)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut draft = D::default();
                while let Some(name) = map.next_key::<String>()? {
                    match name
                        .strip_prefix(D::PREFIX)
                        .and_then(|k| D::keys().find(|c| *c == k))
                    {
                        Some(key) => draft.set(key, map.next_value()?),
                        None => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(Prefixed(draft))
            }
        }
        d.deserialize_map(V(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Two {
        a: String,
        b: String,
    }

    impl Columns for Two {
        const PREFIX: &'static str = "x_";
        fn keys() -> impl Iterator<Item = &'static str> {
            ["a", "b"].into_iter()
        }
        fn set(&mut self, key: &str, value: String) {
            match key {
                "a" => self.a = value,
                _ => self.b = value,
            }
        }
    }

    #[derive(Deserialize)]
    struct Sample {
        #[serde(default)]
        title: String,
        #[serde(default, deserialize_with = "number")]
        years: Option<u32>,
        #[serde(default, deserialize_with = "number")]
        rate: Option<f64>,
        #[serde(default, deserialize_with = "checkbox")]
        publish: bool,
        #[serde(flatten)]
        draft: Prefixed<Two>,
    }

    /// Runs a future whose every await is already complete (a body held in memory).
    fn ready<F: std::future::Future>(f: F) -> F::Output {
        let mut f = std::pin::pin!(f);
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        match f.as_mut().poll(&mut cx) {
            std::task::Poll::Ready(v) => v,
            std::task::Poll::Pending => panic!("a body in memory reads at once"),
        }
    }

    fn read(body: &'static str) -> Result<Sample, WebError> {
        ready(parse(
            Bytes::from_static(body.as_bytes()),
            &PageCtx::default(),
        ))
    }

    #[test]
    fn fields_read_typed_and_empty_numbers_are_not_given() {
        let Ok(s) = read("title=%E6%B5%8B+x&years=+3+&rate=&publish=1&x_a=1&x_c=2&csrf=t") else {
            panic!("reads")
        };
        assert_eq!(s.title, "测 x");
        assert_eq!((s.years, s.rate, s.publish), (Some(3), None, true));
        assert_eq!((s.draft.0.a.as_str(), s.draft.0.b.as_str()), ("1", ""));
        let Ok(s) = read("") else { panic!("reads") };
        assert_eq!((s.years, s.publish), (None, false));
    }

    #[test]
    fn a_field_that_does_not_read_is_a_400_naming_the_value() {
        let Err(e) = read("years=abc") else {
            panic!("refused")
        };
        let r = axum::response::IntoResponse::into_response(e);
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        let body = ready(axum::body::to_bytes(r.into_body(), 1 << 20)).unwrap();
        let html = String::from_utf8_lossy(&body);
        assert!(
            html.contains("is not a number") && html.contains("abc"),
            "{html}"
        );
    }

    #[test]
    fn the_page_to_come_back_to_is_a_local_referer_or_the_path() {
        let parts = |referer: Option<&str>| {
            let mut r = Request::builder()
                .method(Method::POST)
                .uri("/admin/adjustments/3/approve")
                .header(header::HOST, "gongfu.example:8080");
            if let Some(x) = referer {
                r = r.header(header::REFERER, x);
            }
            r.body(()).unwrap().into_parts().0
        };
        let at = |r| form_page(&parts(r));
        assert_eq!(
            at(Some(
                "http://gongfu.example:8080/admin/adjustments/3?notice=x"
            )),
            "/admin/adjustments/3?notice=x"
        );
        assert_eq!(at(Some("/admin")), "/admin");
        assert_eq!(
            at(Some("https://evil.example/admin")),
            "/admin/adjustments/3/approve"
        );
        assert_eq!(at(Some("//evil.example/x")), "/admin/adjustments/3/approve");
        assert_eq!(at(None), "/admin/adjustments/3/approve");
        assert_eq!(
            login_back(&parts(None)),
            "/admin",
            "a POST-only path is no place to return to"
        );
        assert_eq!(
            login_back(&parts(Some("/admin/adjustments/3"))),
            "/admin/adjustments/3"
        );
        assert_eq!(path_of("/a/b?c=d"), "/a/b");
    }
}
