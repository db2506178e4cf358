//! `/api/v1/texts` and `/api/v1/standards/check`: standard texts, service guides and the
//! GB/T 1.1-2020 checker.

use super::{Download, ErrorBody, FileBody};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::Json;
use gongfu_edge::Query;
use gongfu_edge::{limits, ApiError, AppState, ErrorCode, Staff};
use gongfu_standards::texts::{TextKind, TextUpload};
use gongfu_texts::{Document, Severity};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The routes of this capability and their operations.
pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(super::limited(routes!(check), limits::imports()))
        .routes(routes!(rules))
        .routes(routes!(list))
        .routes(routes!(docx))
        .routes(routes!(one, remove))
        .routes(super::limited(routes!(import), limits::imports()))
}

/// The texts held.
#[derive(Serialize, ToSchema)]
pub struct TextList {
    /// How many.
    total: usize,
    /// The texts, without their bodies.
    texts: Vec<TextSummary>,
}

/// A text without its body.
#[derive(Serialize, ToSchema)]
pub struct TextSummary {
    /// `standard` or `guide`.
    kind: String,
    /// The canonical standard number or the item code.
    key: String,
    /// Title.
    title: String,
    /// `markdown` or `docx`.
    source_format: String,
    /// Illustrative demo content.
    demo: bool,
    /// Last written (RFC 3339, UTC).
    updated_at: String,
}

/// One text with its structure.
#[derive(Serialize, ToSchema)]
pub struct TextView {
    /// `standard` or `guide`.
    kind: &'static str,
    /// The canonical standard number or the item code.
    key: String,
    /// Title.
    title: String,
    /// The file it came from.
    source_name: String,
    /// `markdown` or `docx`.
    source_format: String,
    /// Illustrative demo content.
    demo: bool,
    /// Last written (RFC 3339, UTC).
    updated_at: String,
    /// By whom.
    updated_by: String,
    /// The parsed structure.
    document: Document,
}

/// What an import of texts did.
#[derive(Serialize, ToSchema)]
pub struct TextsImported {
    /// Texts saved.
    imported: usize,
}

/// The findings of the GB/T 1.1-2020 checker on one document.
#[derive(Serialize, ToSchema)]
pub struct CheckReport {
    /// The file name checked.
    file: String,
    /// The document's title.
    title: String,
    /// The standard number on its cover, as written.
    number: Option<String>,
    /// Findings by severity.
    summary: CheckSummary,
    /// The findings in document order.
    findings: Vec<FindingView>,
}

/// Findings by severity.
#[derive(Serialize, ToSchema)]
pub struct CheckSummary {
    /// The document breaks a rule.
    errors: usize,
    /// Probably wrong.
    warnings: usize,
    /// Worth a look.
    infos: usize,
}

/// One problem the checker found.
#[derive(Serialize, ToSchema)]
pub struct FindingView {
    /// Rule id (`GET /api/v1/standards/check/rules`).
    rule: String,
    /// `error`, `warning` or `info`.
    severity: &'static str,
    /// Where.
    location: LocationView,
    /// What is wrong and how to fix it.
    message: String,
}

/// Where a finding is.
#[derive(Serialize, ToSchema)]
pub struct LocationView {
    /// The chapter or clause number ("5.1"), or the element name (前言).
    clause: Option<String>,
    /// Source line.
    line: u32,
}

/// The checker's rules.
#[derive(Serialize, ToSchema)]
pub struct CheckRules {
    /// Every rule.
    rules: Vec<CheckRule>,
}

/// One rule of the checker.
#[derive(Serialize, ToSchema)]
pub struct CheckRule {
    /// Id.
    id: &'static str,
    /// `error`, `warning` or `info`.
    severity: &'static str,
    /// Short title in Chinese.
    title: &'static str,
    /// What the rule checks and why.
    explanation: &'static str,
}

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

/// `standard` or `guide`, or a 400 naming the `kind` parameter.
fn kind_param(raw: &str) -> Result<TextKind, ApiError> {
    TextKind::parse(raw)
        .map_err(|e| ApiError::new(ErrorCode::InvalidInput, e.to_string()).field("kind"))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct TextsQuery {
    /// `standard` or `guide`; both when absent.
    kind: Option<String>,
}

/// The texts the district holds, without their bodies: `{"texts": [...], "total": N}`.
#[utoipa::path(get, path = "/api/v1/texts", operation_id = "list_texts", params(TextsQuery),
    responses((status = 200, description = "texts", body = TextList), (status = 400, body = ErrorBody)))]
async fn list(
    State(state): State<AppState>,
    Query(q): Query<TextsQuery>,
) -> Result<Json<TextList>, ApiError> {
    let kind = q
        .kind
        .as_deref()
        .filter(|k| !k.is_empty())
        .map(kind_param)
        .transpose()?;
    let texts = state.standards.texts(kind).await?;
    Ok(Json(TextList {
        total: texts.len(),
        texts: texts
            .into_iter()
            .map(|t| TextSummary {
                kind: t.kind,
                key: t.key,
                title: t.title,
                source_format: t.source_format,
                demo: t.demo,
                updated_at: t.updated_at,
            })
            .collect(),
    }))
}

/// One text with its structure: `document` holds `title`, `number` and `blocks` (headings
/// with level and clause number, paragraphs, list items, tables, each with its line).
#[utoipa::path(get, path = "/api/v1/texts/{kind}/{key}", operation_id = "text",
    params(("kind" = String, Path, description = "standard or guide"),
           ("key" = String, Path, description = "the standard number (`/` as %2F) or the item code")),
    responses((status = 200, description = "the text", body = TextView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn one(
    State(state): State<AppState>,
    Path((kind, key)): Path<(String, String)>,
) -> Result<Json<TextView>, ApiError> {
    let kind = kind_param(&kind)?;
    let Some(t) = state.standards.text(kind, &key).await? else {
        return Err(gongfu_standards::RegistryError::NotFound {
            what: "text",
            key,
            hint: "GET /api/v1/texts lists the texts held; import one with POST /api/v1/imports/texts",
        }
        .into());
    };
    Ok(Json(TextView {
        kind: t.kind.as_str(),
        key: t.key,
        title: t.title,
        source_name: t.source_name,
        source_format: t.source_format,
        demo: t.demo,
        updated_at: t.updated_at,
        updated_by: t.updated_by,
        document: t.document,
    }))
}

/// One text as a Word document (.docx) written from its stored structure: the title,
/// headings with their clause numbers, paragraphs, list items and tables.
#[utoipa::path(get, path = "/api/v1/texts/{kind}/{key}/docx",
    params(("kind" = String, Path, description = "standard or guide"),
           ("key" = String, Path, description = "the standard number (`/` as %2F) or the item code")),
    responses((status = 200, description = "the .docx", body = FileBody,
        content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn docx(
    State(state): State<AppState>,
    Path((kind, key)): Path<(String, String)>,
) -> Result<Download, ApiError> {
    let kind = kind_param(&kind)?;
    let Some(t) = state.standards.text(kind, &key).await? else {
        return Err(gongfu_standards::RegistryError::NotFound {
            what: "text",
            key,
            hint: "GET /api/v1/texts lists the texts held",
        }
        .into());
    };
    let bytes = gongfu_texts::write_docx(&t.document)
        .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
    // File names travel as ASCII: the key with its slashes and spaces made safe.
    let name: String = t
        .key
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    Ok(Download::attachment(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        &format!("{name}.docx"),
        bytes,
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct TextImportQuery {
    /// `standard` (the text of a registered standard) or `guide` (an item's service guide).
    kind: String,
    /// The standard number or the item code.
    key: String,
    /// The file name (tells .docx from .md when the body does not).
    file: Option<String>,
}

/// A file name for the body: the one given, else one the content type implies, so that
/// format detection has a hint.
fn file_name(given: Option<String>, headers: &HeaderMap) -> String {
    if let Some(f) = given.filter(|f| !f.trim().is_empty()) {
        return f;
    }
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if ct.contains("wordprocessingml") {
        "upload.docx".into()
    } else {
        "upload.md".into()
    }
}

/// Imports one text (the body: a .docx file, or Markdown as UTF-8). It replaces the text
/// held for the same standard or item. An unreadable file is a 422 naming the file and what
/// is wrong with it; nothing is saved. Administrators only.
#[utoipa::path(post, path = "/api/v1/imports/texts", params(TextImportQuery),
    request_body(description = "the .docx or Markdown file", content(
        (FileBody = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (String = "text/markdown"),
    )),
    responses((status = 201, description = "imported", body = TextsImported), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn import(
    State(state): State<AppState>,
    staff: Staff,
    headers: HeaderMap,
    Query(q): Query<TextImportQuery>,
    body: Bytes,
) -> Result<(StatusCode, Json<TextsImported>), ApiError> {
    let kind = kind_param(&q.kind)?;
    let upload = TextUpload {
        kind,
        key: q.key,
        file: file_name(q.file, &headers),
        bytes: body.to_vec(),
    };
    let n = state
        .standards
        .import_texts(&staff.actor(), &[upload], false)
        .await?;
    Ok((StatusCode::CREATED, Json(TextsImported { imported: n })))
}

/// Removes a text. Administrators only.
#[utoipa::path(delete, path = "/api/v1/texts/{kind}/{key}", operation_id = "remove_text",
    params(("kind" = String, Path, description = "standard or guide"),
           ("key" = String, Path, description = "the standard number or the item code")),
    responses((status = 204, description = "removed"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn remove(
    State(state): State<AppState>,
    staff: Staff,
    Path((kind, key)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let kind = kind_param(&kind)?;
    state
        .standards
        .remove_text(&staff.actor(), kind, &key)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct CheckQuery {
    /// The file name, used in locations and to tell the format when the content type does
    /// not.
    file: Option<String>,
}

/// Checks a document against GB/T 1.1-2020 (structure, numbering, lead-in sentences, lists,
/// terms, normative references, wording) and against the registry (references that are
/// superseded or withdrawn). The body is the document: Markdown with
/// `Content-Type: text/markdown`, or .docx bytes. Nothing is stored. Answers
/// `{"findings": [{"rule", "severity", "location": {"clause", "line"}, "message"}], "summary"}`.
#[utoipa::path(post, path = "/api/v1/standards/check", params(CheckQuery),
    request_body(description = "the document (.docx or Markdown)", content(
        (FileBody = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (String = "text/markdown"),
    )),
    responses((status = 200, description = "findings", body = CheckReport), (status = 422, body = ErrorBody), (status = 503, description = "busy checking other files; Retry-After says when to send it again", body = ErrorBody)))]
async fn check(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<CheckQuery>,
    body: Bytes,
) -> Result<Json<CheckReport>, ApiError> {
    let file = file_name(q.file, &headers);
    let (document, findings) = state.standards.check(&file, body.into()).await?;
    let count = |sev: Severity| findings.iter().filter(|f| f.severity == sev).count();
    let summary = CheckSummary {
        errors: count(Severity::Error),
        warnings: count(Severity::Warning),
        infos: count(Severity::Info),
    };
    Ok(Json(CheckReport {
        file,
        title: document.title,
        number: document.number,
        summary,
        findings: findings
            .into_iter()
            .map(|f| FindingView {
                rule: f.rule,
                severity: severity(f.severity),
                location: LocationView {
                    clause: f.location.clause,
                    line: f.location.line,
                },
                message: f.message,
            })
            .collect(),
    }))
}

/// The checker's rules: id, severity, Chinese title and what each checks.
#[utoipa::path(get, path = "/api/v1/standards/check/rules",
    responses((status = 200, description = "rules", body = CheckRules)))]
async fn rules() -> Json<CheckRules> {
    Json(CheckRules {
        rules: gongfu_texts::RULES
            .iter()
            .map(|r| CheckRule {
                id: r.id,
                severity: severity(r.severity),
                title: r.title,
                explanation: r.explanation,
            })
            .collect(),
    })
}
