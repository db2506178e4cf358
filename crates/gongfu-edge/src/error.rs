//! The error-code catalogue: every error the API returns, defined once with its code, HTTP
//! status and Chinese and English titles. Responses are `{"code", "message", "field",
//! "detail", "errors"}`; `message` is Chinese unless the request prefers English
//! (`Accept-Language: en`), `detail` says precisely what failed and what to do.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use gongfu_catalog::CatalogError;

macro_rules! catalogue {
    ($($(#[$m:meta])* $v:ident = ($code:literal, $status:ident, $zh:literal, $en:literal)),+ $(,)?) => {
        /// Every error code of the API.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum ErrorCode { $($(#[$m])* $v),+ }
        impl ErrorCode {
            /// Every code, for documentation and tests.
            pub const ALL: &'static [ErrorCode] = &[$(Self::$v),+];
            /// Stable machine-readable code.
            pub fn code(self) -> &'static str { match self { $(Self::$v => $code),+ } }
            /// HTTP status.
            pub fn status(self) -> StatusCode { match self { $(Self::$v => StatusCode::$status),+ } }
            /// Chinese title.
            pub fn zh(self) -> &'static str { match self { $(Self::$v => $zh),+ } }
            /// English title.
            pub fn en(self) -> &'static str { match self { $(Self::$v => $en),+ } }
        }
    };
}

catalogue! {
    /// A query parameter or body field is malformed or out of range.
    InvalidInput = ("invalid_input", BAD_REQUEST, "请求参数有误", "The request has an invalid parameter"),
    /// The body is not the JSON expected.
    InvalidBody = ("invalid_body", BAD_REQUEST, "请求内容格式有误", "The request body is not valid"),
    /// A version, item, region or adjustment does not exist.
    NotFound = ("not_found", NOT_FOUND, "未找到所请求的内容", "Not found"),
    /// The list has no published version yet.
    NoVersion = ("no_version", NOT_FOUND, "清单尚未发布任何版本", "No version of the list has been published yet"),
    /// Login required.
    Unauthorized = ("unauthorized", UNAUTHORIZED, "请先登录", "Login required"),
    /// Wrong user name or password.
    BadCredentials = ("bad_credentials", UNAUTHORIZED, "用户名或密码错误", "Wrong user name or password"),
    /// The role does not allow this.
    Forbidden = ("forbidden", FORBIDDEN, "当前账号无权执行此操作", "Your role does not allow this"),
    /// The CSRF token is missing or wrong.
    CsrfMismatch = ("csrf_mismatch", FORBIDDEN, "安全校验失败，请刷新页面后重试", "Missing or wrong CSRF token; reload and retry"),
    /// The request does not fit the current state.
    Conflict = ("conflict", CONFLICT, "操作与当前状态冲突", "The request conflicts with the current state"),
    /// An import file was rejected; nothing was imported.
    ImportFailed = ("import_failed", UNPROCESSABLE_ENTITY, "导入失败，未导入任何数据", "Import failed; nothing was imported"),
    /// A standard number does not parse; `errors` names the part at fault.
    InvalidStandardNumber = ("invalid_standard_number", BAD_REQUEST, "标准编号格式有误", "The standard number is malformed"),
    /// An uploaded document (.docx or Markdown) cannot be read; nothing was saved.
    InvalidDocument = ("invalid_document", UNPROCESSABLE_ENTITY, "文档无法读取", "The document cannot be read"),
    /// Proposed content breaks the list's rules.
    Unprocessable = ("unprocessable", UNPROCESSABLE_ENTITY, "内容不符合清单规则", "The content breaks the list's rules"),
    /// The method is not one this URL answers.
    MethodNotAllowed = ("method_not_allowed", METHOD_NOT_ALLOWED, "不支持此请求方式", "This URL does not answer this method"),
    /// The body is larger than this URL accepts.
    TooLarge = ("too_large", PAYLOAD_TOO_LARGE, "上传内容过大", "The body is larger than this URL accepts"),
    /// The body is not of a type this URL reads.
    UnsupportedMediaType = ("unsupported_media_type", UNSUPPORTED_MEDIA_TYPE, "请求内容类型不受支持", "The body is not of a type this URL reads"),
    /// Too many attempts; the answer's `Retry-After` says when to try again.
    TooManyRequests = ("too_many_requests", TOO_MANY_REQUESTS, "尝试次数过多，请稍后再试", "Too many attempts; wait for Retry-After seconds"),
    /// The server is busy with heavy work; the answer's `Retry-After` says when to retry.
    Busy = ("busy", SERVICE_UNAVAILABLE, "服务器正忙，请稍后再试", "The server is busy; retry after Retry-After seconds"),
    /// Something failed on the server.
    Internal = ("internal", INTERNAL_SERVER_ERROR, "服务器内部错误", "Internal server error"),
}

/// An API error: a code and what exactly went wrong.
#[derive(Debug)]
pub struct ApiError {
    /// The code.
    pub code: ErrorCode,
    /// What failed, on which input, what to do, in Chinese for the person in front of the
    /// page or the client; `None` falls back to the code's title. Error pages show this,
    /// never `detail`.
    pub message: Option<String>,
    /// What failed, on which input, what to do, for the developer of a client (may be
    /// English; the same as `message` where the error speaks Chinese).
    pub detail: String,
    /// The field at fault.
    pub field: Option<String>,
    /// Several problems (import rows, proposal fields).
    pub errors: Vec<serde_json::Value>,
    /// Reply in English.
    pub english: bool,
    /// Seconds to wait before trying again (429, 503), sent as `Retry-After`.
    pub retry_after: Option<u64>,
}

impl ApiError {
    /// An error with a detail.
    pub fn new(code: ErrorCode, detail: impl Into<String>) -> Self {
        Self {
            code,
            message: None,
            detail: detail.into(),
            field: None,
            errors: vec![],
            english: false,
            retry_after: None,
        }
    }

    /// An error whose text is already the Chinese message (a domain error rendered by the
    /// message catalogue): message and detail alike.
    pub fn said(code: ErrorCode, text: impl Into<String>) -> Self {
        let text = text.into();
        Self {
            message: Some(text.clone()),
            ..Self::new(code, text)
        }
    }

    /// Adds the Chinese message to an error whose detail is for developers.
    pub fn message(mut self, text: impl Into<String>) -> Self {
        self.message = Some(text.into());
        self
    }

    /// What a person reads: the Chinese message, or the code's title.
    pub fn text(&self) -> &str {
        self.message.as_deref().unwrap_or(self.code.zh())
    }

    /// Names the field at fault.
    pub fn field(mut self, f: impl Into<String>) -> Self {
        self.field = Some(f.into());
        self
    }

    /// The body as JSON.
    pub fn body(&self) -> serde_json::Value {
        serde_json::json!({
            "code": self.code.code(),
            "message": if self.english { self.code.en() } else { self.text() },
            "field": self.field,
            "detail": self.detail,
            "errors": self.errors,
            "request_id": crate::trace::current_request_id(),
        })
    }
}

impl IntoResponse for ApiError {
    fn into_response(mut self) -> Response {
        if self.code == ErrorCode::Internal {
            // The cause (an SQL error, a path) is for the log, not for the caller; the
            // request id joins the two.
            tracing::error!(detail = %self.detail, "internal error");
            self.detail =
                "the server failed; its log has the cause under this answer's request_id".into();
            self.message = None;
            self.errors.clear();
        }
        let mut r = (self.code.status(), axum::Json(self.body())).into_response();
        if let Some(secs) = self.retry_after {
            r.headers_mut()
                .insert(axum::http::header::RETRY_AFTER, secs.into());
        }
        r
    }
}

/// A 404 for a missing record: the Chinese message for people, the English hint (which URL
/// lists what exists) for the client's developer.
fn not_found(e: &dyn std::fmt::Display, what: &str, key: &str, hint: &str) -> ApiError {
    ApiError::new(
        ErrorCode::NotFound,
        format!("{what} {key} does not exist; {hint}"),
    )
    .message(e.to_string())
}

impl From<gongfu_domain::Denied> for ApiError {
    fn from(e: gongfu_domain::Denied) -> Self {
        // The refusal names who, what and whose: the caller can act on it.
        ApiError::said(ErrorCode::Forbidden, e.to_string())
    }
}

impl From<CatalogError> for ApiError {
    fn from(e: CatalogError) -> Self {
        match e {
            CatalogError::NotFound { .. } => ApiError::said(ErrorCode::NotFound, e.to_string()),
            CatalogError::Forbidden(d) => d.into(),
            CatalogError::Conflict(m) => ApiError::said(ErrorCode::Conflict, m),
            CatalogError::Invalid(list) => {
                let field = list
                    .first()
                    .and_then(|m| m.split(':').next())
                    .map(str::to_string);
                ApiError {
                    code: ErrorCode::Unprocessable,
                    message: Some(
                        list.iter()
                            .map(|p| gongfu_catalog::problem_text(p))
                            .collect::<Vec<_>>()
                            .join("；"),
                    ),
                    detail: list.join("; "),
                    field,
                    errors: list.into_iter().map(serde_json::Value::String).collect(),
                    english: false,
                    retry_after: None,
                }
            }
            CatalogError::Import(f) => ApiError {
                code: ErrorCode::ImportFailed,
                message: Some(f.to_string()),
                detail: f.to_string(),
                field: None,
                errors: f
                    .errors
                    .iter()
                    .map(|e| serde_json::to_value(e).unwrap_or_default())
                    .collect(),
                english: false,
                retry_after: None,
            },
            CatalogError::Db(d) => ApiError::new(ErrorCode::Internal, d.to_string()),
        }
    }
}

impl From<gongfu_standards::RegistryError> for ApiError {
    fn from(e: gongfu_standards::RegistryError) -> Self {
        use gongfu_standards::RegistryError as R;
        match e {
            R::NotFound {
                what,
                ref key,
                hint,
            } => not_found(&e, what, key, hint),
            R::Forbidden(d) => d.into(),
            R::Invalid(m) => ApiError::said(ErrorCode::Unprocessable, m),
            R::Fields { ref errors } => ApiError {
                code: ErrorCode::Unprocessable,
                message: Some(e.to_string()),
                detail: e.to_string(),
                field: errors.first().map(|f| f.field.to_string()),
                errors: errors
                    .iter()
                    .map(|f| serde_json::json!({"field": f.field, "header": f.header, "message": f.message}))
                    .collect(),
                english: false,
                retry_after: None,
            },
            R::Import(f) => CatalogError::Import(f).into(),
            R::Number(n) => n.into(),
            R::Text { .. } => ApiError::said(ErrorCode::InvalidDocument, e.to_string()).field("file"),
            R::Catalog(c) => c.into(),
            R::Export(x) => ApiError::new(ErrorCode::Internal, x.to_string()),
            R::Stopped(m) => ApiError::new(ErrorCode::Internal, m),
            R::Db(d) => d.into(),
        }
    }
}

impl From<gongfu_standards::NumberError> for ApiError {
    fn from(e: gongfu_standards::NumberError) -> Self {
        ApiError {
            code: ErrorCode::InvalidStandardNumber,
            message: Some(e.to_string()),
            detail: e.to_string(),
            field: Some("number".into()),
            errors: vec![serde_json::json!({"part": e.part(), "message": e.to_string()})],
            english: false,
            retry_after: None,
        }
    }
}

impl From<gongfu_db::DbError> for ApiError {
    fn from(e: gongfu_db::DbError) -> Self {
        ApiError::new(ErrorCode::Internal, e.to_string())
    }
}

impl From<gongfu_accounts::AccountError> for ApiError {
    fn from(e: gongfu_accounts::AccountError) -> Self {
        use gongfu_accounts::AccountError as A;
        match e {
            A::BadCredentials => ApiError::said(ErrorCode::BadCredentials, e.to_string()),
            A::Throttled { retry_after } | A::Locked { retry_after } => ApiError {
                retry_after: Some(retry_after),
                ..ApiError::said(ErrorCode::TooManyRequests, e.to_string())
            },
            A::NoSuchUser(_) => ApiError::said(ErrorCode::NotFound, e.to_string()),
            A::Forbidden(d) => d.into(),
            A::Invalid(m) => ApiError::said(ErrorCode::InvalidInput, m),
            A::Hash(_) | A::Db(_) => ApiError::new(ErrorCode::Internal, e.to_string()),
        }
    }
}

impl From<gongfu_eligibility::EligibilityError> for ApiError {
    fn from(e: gongfu_eligibility::EligibilityError) -> Self {
        match e {
            gongfu_eligibility::EligibilityError::NotFound {
                what,
                ref key,
                ref hint,
            } => not_found(&e, what, key, hint),
            gongfu_eligibility::EligibilityError::Invalid(list) => ApiError {
                code: ErrorCode::InvalidInput,
                message: Some(list.join("；")),
                detail: list.join("; "),
                field: None,
                errors: list.into_iter().map(serde_json::Value::String).collect(),
                english: false,
                retry_after: None,
            },
            gongfu_eligibility::EligibilityError::Import(f) => {
                gongfu_catalog::CatalogError::Import(f).into()
            }
            gongfu_eligibility::EligibilityError::Catalog(c) => c.into(),
            gongfu_eligibility::EligibilityError::Places(p) => p.into(),
            gongfu_eligibility::EligibilityError::Db(d) => d.into(),
        }
    }
}

impl From<gongfu_affordability::AffordabilityError> for ApiError {
    fn from(e: gongfu_affordability::AffordabilityError) -> Self {
        use gongfu_affordability::AffordabilityError as A;
        match e {
            A::NotFound {
                what,
                ref key,
                ref hint,
            } => not_found(&e, what, key, hint),
            A::Invalid(list) => ApiError {
                code: ErrorCode::InvalidInput,
                message: Some(list.join("；")),
                detail: list.join("; "),
                field: None,
                errors: list.into_iter().map(serde_json::Value::String).collect(),
                english: false,
                retry_after: None,
            },
            A::Forbidden(d) => d.into(),
            A::Import(f) => CatalogError::Import(f).into(),
            A::Catalog(c) => c.into(),
            A::Eligibility(x) => x.into(),
            A::Db(d) => d.into(),
        }
    }
}

impl From<gongfu_places::PlacesError> for ApiError {
    fn from(e: gongfu_places::PlacesError) -> Self {
        match e {
            gongfu_places::PlacesError::NotFound {
                what,
                ref key,
                hint,
            } => not_found(&e, what, key, hint),
            gongfu_places::PlacesError::Invalid { field, message } => {
                ApiError::said(ErrorCode::InvalidInput, message).field(field)
            }
            gongfu_places::PlacesError::Forbidden(d) => d.into(),
            gongfu_places::PlacesError::Import(f) => gongfu_catalog::CatalogError::Import(f).into(),
            gongfu_places::PlacesError::Catalog(c) => c.into(),
            gongfu_places::PlacesError::Export(m) => ApiError::new(ErrorCode::Internal, m),
            gongfu_places::PlacesError::Db(d) => d.into(),
        }
    }
}

/// An answer axum wrote itself, outside the catalogue: a rejection of a path segment, a
/// header, a body or a method, as `text/plain` (or empty, for 405). Each front door turns
/// it into its own form ([`rejection_to_api`] for the API; the pages render their error
/// page) so no caller sees framework text.
pub fn framework_rejection(res: &Response) -> bool {
    let plain = res
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.starts_with("text/plain"));
    (res.status().is_client_error() || res.status().is_server_error()) && plain
}

/// The catalogue's error for a framework rejection (see [`framework_rejection`]).
pub async fn rejection_to_api(res: Response) -> ApiError {
    let status = res.status();
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 16)
        .await
        .unwrap_or_default();
    let text = String::from_utf8_lossy(&bytes);
    use axum::http::StatusCode as S;
    let code = match status {
        S::NOT_FOUND => ErrorCode::NotFound,
        S::METHOD_NOT_ALLOWED => ErrorCode::MethodNotAllowed,
        S::PAYLOAD_TOO_LARGE => ErrorCode::TooLarge,
        S::UNSUPPORTED_MEDIA_TYPE => ErrorCode::UnsupportedMediaType,
        S::UNPROCESSABLE_ENTITY => ErrorCode::InvalidBody,
        s if s.is_server_error() => ErrorCode::Internal,
        _ => ErrorCode::InvalidInput,
    };
    let detail = if text.trim().is_empty() {
        format!("{status}; see /api/openapi.json for what this URL takes")
    } else {
        format!(
            "{}; see /api/openapi.json for what this URL takes",
            text.trim()
        )
    };
    ApiError::new(code, detail)
}

/// `axum::extract::Query`, but a malformed query string is an [`ApiError`] in the catalogue's
/// JSON shape (`invalid_input`, naming the parameter) instead of axum's plain-text 400.
pub struct Query<T>(pub T);

impl<T, S> axum::extract::FromRequestParts<S> for Query<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _state: &S,
    ) -> Result<Self, Self::Rejection> {
        parse_query(&parts.uri).map(Query)
    }
}

/// Reads a query string into `T`; a malformed one is an [`ApiError`] (`invalid_input`)
/// naming the parameter, for both edges to render in their own way.
pub fn parse_query<T: serde::de::DeserializeOwned>(uri: &axum::http::Uri) -> Result<T, ApiError> {
    match axum::extract::Query::<T>::try_from_uri(uri) {
        Ok(axum::extract::Query(v)) => Ok(v),
        Err(e) => {
            let text = e.body_text();
            // serde names the parameter as "missing field `number`" or
            // "number: invalid digit"; pass it on for clients to show.
            let field = text
                .split('`')
                .nth(1)
                .or_else(|| {
                    text.rsplit(": ")
                        .nth(1)
                        .and_then(|s| s.split_whitespace().last())
                })
                .map(str::to_string);
            let message = gongfu_domain::msg!(
                "query-invalid",
                field = field
                    .as_deref()
                    .map(|f| format!("“{f}”"))
                    .unwrap_or_default(),
                reason = text
            );
            let mut err = ApiError::new(
                ErrorCode::InvalidInput,
                format!("{text}; see /api/openapi.json for this endpoint's parameters"),
            )
            .message(message);
            err.field = field;
            Err(err)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for c in ErrorCode::ALL {
            assert!(seen.insert(c.code()), "duplicate code {}", c.code());
        }
    }

    /// Lemmy's rule: a code nobody returns is a lie in the documentation.
    #[test]
    fn every_code_is_used_outside_the_catalogue() {
        // The codes are returned by the edge and by both edges above it.
        let crates = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut text = String::new();
        let mut files = vec![];
        let mut dirs: Vec<_> = ["gongfu-edge", "gongfu-http", "gongfu-web"]
            .iter()
            .map(|c| crates.join(c).join("src"))
            .collect();
        while let Some(d) = dirs.pop() {
            for entry in std::fs::read_dir(&d).unwrap() {
                let p = entry.unwrap().path();
                if p.is_dir() {
                    dirs.push(p);
                } else {
                    files.push(p);
                }
            }
        }
        for p in files {
            let mut src = std::fs::read_to_string(&p).unwrap();
            if p.ends_with("gongfu-edge/src/error.rs") {
                // The definitions themselves do not count, nor do these tests.
                let start = src.find("catalogue! {").unwrap();
                let end = start + src[start..].find("\n}\n").unwrap();
                src.replace_range(start..end, "");
                src.truncate(src.find("#[cfg(test)]").unwrap());
            }
            text.push_str(&src);
        }
        for c in ErrorCode::ALL {
            let name = format!("{c:?}");
            assert!(
                text.contains(&format!("ErrorCode::{name}")),
                "ErrorCode::{name} is never returned"
            );
        }
    }
}
