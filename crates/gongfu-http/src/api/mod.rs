//! The handlers of `/api/v1`, one module per capability. Each module's `routes()` registers
//! its handlers together with their OpenAPI operations (`utoipa_axum::routes!`), so the
//! route table and the document cannot drift apart; [`routes`] merges them.
//!
//! Every answer is a typed value whose schema is in the document: JSON bodies are structs
//! deriving `ToSchema` (the capability crates' view types, or the module's own views of
//! lower types, so gongfu-domain and gongfu-db know nothing of HTTP), and files are
//! `Download`s documented as binary strings with their content types. Each 2xx response
//! names its body; `gongfu-app/tests/api/openapi.rs` checks that, and validates the demo's
//! real answers against the document with an independent validator.

mod accounts;
mod adjustments;
mod affordability;
mod eligibility;
mod floor;
mod list;
mod parameters;
mod places;
mod search;
mod standards;
mod texts;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use gongfu_edge::{ApiError, AppState, ErrorCode};
use serde::Serialize;
use serde_json::{json, Value};
use utoipa::{OpenApi, ToSchema};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouter};
use utoipa_axum::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "gongfu API",
        description = "基本公共服务标准化平台 API: the basic public service list, its versions and dynamic adjustment; the standard system; service points and service circles; eligibility and fiscal affordability."
    ),
    components(schemas(ErrorBody))
)]
struct ApiDoc;

/// Every route of the API with its OpenAPI operation, capability by capability.
fn documented() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(healthz))
        .merge(list::routes())
        .merge(adjustments::routes())
        .merge(floor::routes())
        .merge(accounts::routes())
        .merge(standards::routes())
        .merge(texts::routes())
        .merge(search::routes())
        .merge(eligibility::routes())
        .merge(affordability::routes())
        .merge(places::routes())
}

/// Every URL of the API: the documented routes plus the document itself.
pub fn routes() -> Router<AppState> {
    let (router, api) = documented().split_for_parts();
    // What each GET takes is what the document says: an unknown parameter is a 400.
    let accepted = std::sync::Arc::new(parameters::Accepted::of(&document(api)));
    router
        .layer(axum::middleware::from_fn(move |req, next| {
            parameters::refuse_unknown(accepted.clone(), req, next)
        }))
        .route("/api/openapi.json", axum::routing::get(openapi))
        .layer(axum::middleware::from_fn(etag))
}

/// A route with a larger body limit than axum's default, for uploads.
pub(super) fn limited(
    (schemas, paths, method): UtoipaMethodRouter<AppState>,
    limit: axum::extract::DefaultBodyLimit,
) -> UtoipaMethodRouter<AppState> {
    (schemas, paths, method.layer(limit))
}

/// The OpenAPI 3.1 document, as JSON.
pub fn openapi_json() -> Value {
    document(documented().into_openapi())
}

/// The document as served: the operations, each GET with its 400, and the error catalogue.
fn document(api: utoipa::openapi::OpenApi) -> Value {
    let mut doc = serde_json::to_value(api).unwrap_or_default();
    // Every GET refuses a query parameter it does not take (`parameters.rs`), with a 400
    // the operation may not list itself.
    for (_, item) in doc["paths"].as_object_mut().into_iter().flatten() {
        let get = item.get_mut("get").and_then(|op| op.get_mut("responses"));
        if let Some(responses) = get.and_then(Value::as_object_mut) {
            responses.entry("400").or_insert_with(|| {
                json!({
                    "description": "a query parameter is malformed, or one this operation does not take (invalid_input)",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}},
                })
            });
        }
    }
    // The error catalogue, so clients can see every code in one place.
    doc["x-error-codes"] = ErrorCode::ALL
        .iter()
        .map(|c| json!({"code": c.code(), "status": c.status().as_u16(), "message": c.zh(), "message_en": c.en()}))
        .collect();
    doc
}

/// Body of every error response.
#[derive(ToSchema)]
#[allow(dead_code)]
pub(super) struct ErrorBody {
    /// Stable code from the catalogue (`x-error-codes`).
    code: String,
    /// Chinese title (English with `Accept-Language: en`).
    message: String,
    /// The field at fault.
    field: Option<String>,
    /// What failed, on which input, and what to do.
    detail: String,
    /// Individual problems (import rows, proposal fields).
    errors: Vec<Value>,
    /// The request's id, as in the `x-request-id` header: the log's key to this answer.
    request_id: Option<String>,
}

pub(super) fn invalid(field: &str, detail: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::InvalidInput, detail).field(field)
}

pub(super) async fn snapshot(
    state: &AppState,
    version: Option<i64>,
) -> Result<std::sync::Arc<gongfu_catalog::Snapshot>, ApiError> {
    match state.catalog.snapshot(version).await? {
        Some(s) => Ok(s),
        None => Err(match version {
            Some(v) => ApiError::new(ErrorCode::NotFound, format!("list version {v} does not exist; GET /api/v1/versions lists the published ones")).field("version"),
            None => ApiError::new(ErrorCode::NoVersion, "import a list (gongfu import items FILE) or run the demo to publish the first version"),
        }),
    }
}

/// The server runs and the database answers.
#[derive(Serialize, ToSchema)]
pub(super) struct Health {
    /// Always `ok`.
    status: &'static str,
    /// The database backend: `sqlite` or `postgres`.
    backend: String,
    /// Published versions of the list.
    versions: usize,
}

/// Health check: the server runs and the database answers.
#[utoipa::path(get, path = "/healthz", responses((status = 200, description = "healthy", body = Health)))]
pub(super) async fn healthz(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    let versions = state.catalog.versions().await?.len();
    Ok(Json(Health {
        status: "ok",
        backend: format!("{:?}", state.db.backend()).to_lowercase(),
        versions,
    }))
}

/// What a write created: its id.
#[derive(Serialize, ToSchema)]
pub(super) struct Created {
    /// The new record's id.
    pub id: i64,
}

/// A code and a name: an item, a node of the standard system.
#[derive(Serialize, ToSchema)]
pub(super) struct CodeName {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
}

impl CodeName {
    pub(super) fn new(code: impl Into<String>, name: impl Into<String>) -> Self {
        CodeName {
            code: code.into(),
            name: name.into(),
        }
    }
}

/// The bytes of a file (an upload or a download), for the document.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub(super) struct FileBody(#[allow(dead_code)] Vec<u8>);

/// A JSON document of a format defined elsewhere (an export in the list's JSON format or
/// Open Referral HSDS 3.0, GeoJSON), passed through as it is written.
#[derive(Serialize, ToSchema)]
#[serde(transparent)]
#[schema(value_type = Object)]
pub(super) struct JsonFile(pub Value);

/// A file download: its bytes, content type and the name a browser saves it as.
pub(super) struct Download {
    content_type: String,
    name: String,
    bytes: Vec<u8>,
}

impl Download {
    /// A file saved as `name`.
    pub(super) fn attachment(content_type: &str, name: &str, bytes: Vec<u8>) -> Self {
        Download {
            content_type: content_type.to_string(),
            name: name.to_string(),
            bytes,
        }
    }
}

impl IntoResponse for Download {
    fn into_response(self) -> Response {
        let mut res = self.bytes.into_response();
        let headers = res.headers_mut();
        if let Ok(v) = HeaderValue::from_str(&self.content_type) {
            headers.insert(header::CONTENT_TYPE, v);
        }
        let disposition = format!("attachment; filename=\"{}\"", self.name);
        if let Ok(v) = HeaderValue::from_str(&disposition) {
            headers.insert(header::CONTENT_DISPOSITION, v);
        }
        res
    }
}

/// Content types of the downloads.
pub(super) const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

async fn openapi() -> Json<Value> {
    Json(openapi_json())
}

pub(super) fn json_body<T: serde::de::DeserializeOwned>(bytes: &Bytes) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| {
        ApiError::new(
            ErrorCode::InvalidBody,
            format!("the body is not the JSON expected: {e}"),
        )
    })
}

/// Strong ETags on successful public GETs, answering `If-None-Match` with 304. Versions
/// never change, so most of these answers can be cached by clients and proxies.
async fn etag(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    use std::hash::{Hash, Hasher};
    let is_get = req.method() == axum::http::Method::GET;
    let english = req
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("en"));
    let public = is_get && !req.headers().contains_key(header::COOKIE);
    let inm = req.headers().get(header::IF_NONE_MATCH).cloned();
    let mut res = next.run(req).await;
    if gongfu_edge::error::framework_rejection(&res) {
        // axum's own rejections (a path segment, a header, a body, a method) answer in
        // the catalogue like every other error.
        res = gongfu_edge::error::rejection_to_api(res)
            .await
            .into_response();
    }
    if english && !res.status().is_success() {
        // Errors are built without the request in hand; switch their title here.
        let (parts, body) = res.into_parts();
        let Ok(bytes) = axum::body::to_bytes(body, 1 << 24).await else {
            return parts.into_response();
        };
        let mut v: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        if let Some(code) = v
            .get("code")
            .and_then(Value::as_str)
            .and_then(|c| ErrorCode::ALL.iter().find(|e| e.code() == c))
        {
            v["message"] = code.en().into();
            return (parts.status, Json(v)).into_response();
        }
        return Response::from_parts(parts, axum::body::Body::from(bytes));
    }
    if !public || res.status() != StatusCode::OK {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    let tag = format!("\"{:016x}{:08x}\"", h.finish(), bytes.len());
    if inm
        .as_ref()
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag))
    {
        let mut r = StatusCode::NOT_MODIFIED.into_response();
        if let Ok(v) = HeaderValue::from_str(&tag) {
            r.headers_mut().insert(header::ETAG, v);
        }
        return r;
    }
    if let Ok(v) = HeaderValue::from_str(&tag) {
        parts.headers.insert(header::ETAG, v);
    }
    parts.headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=60"),
    );
    Response::from_parts(parts, axum::body::Body::from(bytes))
}
