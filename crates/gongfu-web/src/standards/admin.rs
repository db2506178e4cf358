//! Staff pages of the standard system: uploads (registry, tree, texts), the form that adds
//! or edits one standard, and removal. Every rule is gongfu-standards'; every POST checks
//! the session's CSRF token.

use crate::admin::{check_csrf, ctx, require, staff_form, urlencode, FormMap};
use crate::Query;
use crate::{render, PageCtx, WebError};
use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use gongfu_catalog::import::ImportError;
use gongfu_domain::standard::{StandardDraft, STANDARD_COLUMNS};
use gongfu_edge::auth::actor;
use gongfu_edge::{AppState, CurrentUser};
use gongfu_standards::RegistryError;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "standards_admin.html")]
struct UploadPage {
    page: PageCtx,
    errors: Vec<ImportError>,
    notice: String,
}

#[derive(Deserialize, Default)]
pub(crate) struct NoticeQuery {
    notice: Option<String>,
}

pub(crate) async fn page(
    headers: HeaderMap,
    user: CurrentUser,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, WebError> {
    let s = require(user, "/admin/standards")?;
    Ok(render(&UploadPage {
        page: ctx(&headers, "/admin/standards", &s),
        errors: vec![],
        notice: q.notice.unwrap_or_default(),
    }))
}

/// A staff upload form, read and checked: who sent it, the page to answer on, its text
/// fields and its one file.
pub(crate) struct StaffUpload {
    pub session: gongfu_accounts::Session,
    pub page: PageCtx,
    pub form: FormMap,
    pub file: Option<(String, Vec<u8>)>,
}

/// Reads an upload posted from the admin page at `path`: login required (else a redirect
/// to the login page), then the fields and the file, then the CSRF token.
pub(crate) async fn staff_upload(
    user: CurrentUser,
    headers: &HeaderMap,
    path: &str,
    mp: &mut Multipart,
) -> Result<StaffUpload, WebError> {
    let session = require(user, path)?;
    let page = ctx(headers, path, &session);
    let (form, file) = read_multipart(mp, &page).await?;
    check_csrf(&session, &form, &page)?;
    Ok(StaffUpload {
        session,
        page,
        form,
        file,
    })
}

/// Reads a multipart form: the text fields and the one file (name, bytes).
pub(crate) async fn read_multipart(
    mp: &mut Multipart,
    page: &PageCtx,
) -> Result<(FormMap, Option<(String, Vec<u8>)>), WebError> {
    let mut f = FormMap::new();
    let mut file = None;
    let bad = |e: axum::extract::multipart::MultipartError| {
        WebError::new(StatusCode::BAD_REQUEST, "上传失败", e.to_string()).with_page(page)
    };
    while let Some(field) = mp.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or("").to_string();
        if name == "file" {
            let fname = field.file_name().unwrap_or("upload").to_string();
            let bytes = field.bytes().await.map_err(bad)?;
            file = Some((fname, bytes.to_vec()));
        } else {
            f.insert(name, field.text().await.map_err(bad)?);
        }
    }
    Ok((f, file.filter(|(_, b)| !b.is_empty())))
}

pub(crate) async fn upload(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: CurrentUser,
    mut mp: Multipart,
) -> Result<Response, WebError> {
    let StaffUpload {
        session: s,
        page,
        form: f,
        file,
    } = staff_upload(user, &headers, "/admin/standards", &mut mp).await?;
    let what = f.get("what").map(String::as_str).unwrap_or("");
    let again = |status: StatusCode, errors: Vec<ImportError>, notice: String| {
        (
            status,
            render(&UploadPage {
                page: page.clone(),
                errors,
                notice,
            }),
        )
            .into_response()
    };
    let Some((fname, bytes)) = file else {
        return Ok(again(
            StatusCode::BAD_REQUEST,
            vec![],
            "请选择要上传的文件。".into(),
        ));
    };
    let a = actor(&s);
    let result = match what {
        "registry" => state
            .standards
            .import_standards(&a, &fname, &bytes)
            .await
            .map(|o| {
                format!(
                    "已导入标准明细表 {fname}：新增 {} 项，更新 {} 项",
                    o.added, o.updated
                )
            }),
        "tree" => state
            .standards
            .import_tree(&a, &fname, &bytes)
            .await
            .map(|n| format!("已导入标准体系表 {fname}：{n} 个节点")),
        other => {
            return Ok(again(
                StatusCode::BAD_REQUEST,
                vec![],
                format!("unknown upload kind '{other}'; choose 标准明细表 or 标准体系表"),
            ))
        }
    };
    match result {
        Ok(notice) => Ok(
            Redirect::to(&format!("/admin/standards?notice={}", urlencode(&notice)))
                .into_response(),
        ),
        Err(RegistryError::Import(failure)) => Ok(again(
            StatusCode::UNPROCESSABLE_ENTITY,
            failure.errors,
            String::new(),
        )),
        Err(e @ (RegistryError::Invalid(_) | RegistryError::Forbidden(_))) => {
            let status = if matches!(e, RegistryError::Forbidden(_)) {
                StatusCode::FORBIDDEN
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            Ok(again(status, vec![], e.to_string()))
        }
        Err(e) => Err(WebError::from(e).with_page(&page)),
    }
}

struct Field {
    key: &'static str,
    header: &'static str,
    value: String,
    error: String,
    long: bool,
}

#[derive(Template)]
#[template(path = "standard_form.html")]
struct EditPage {
    page: PageCtx,
    previous: String,
    fields: Vec<Field>,
    nodes: Vec<(String, String)>,
    error: String,
}

fn fields_of(d: &StandardDraft, errors: &[gongfu_domain::standard::FieldError]) -> Vec<Field> {
    STANDARD_COLUMNS
        .iter()
        .map(|c| Field {
            key: c.key,
            header: c.header,
            value: d.get(c.key).to_string(),
            error: errors
                .iter()
                .filter(|e| e.field == c.key)
                .map(|e| e.message.as_str())
                .collect::<Vec<_>>()
                .join("；"),
            long: matches!(c.key, "notes" | "references" | "items"),
        })
        .collect()
}

#[derive(Deserialize, Default)]
pub(crate) struct EditQuery {
    number: Option<String>,
}

pub(crate) async fn edit_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: CurrentUser,
    Query(q): Query<EditQuery>,
) -> Result<Response, WebError> {
    let s = require(user, "/admin/standards/edit")?;
    let page = ctx(&headers, "/admin/standards/edit", &s);
    let fail = |e: RegistryError| WebError::from(e).with_page(&page);
    let tree = state.standards.tree().await.map_err(fail)?;
    let (draft, previous) = match q.number.as_deref().filter(|n| !n.trim().is_empty()) {
        Some(n) => {
            let d = state.standards.standard(n).await.map_err(fail)?;
            (d.standard.to_draft(&tree), d.standard.number.to_string())
        }
        None => (
            StandardDraft {
                stage: "现行".into(),
                origin: "自建".into(),
                ..Default::default()
            },
            String::new(),
        ),
    };
    Ok(render(&EditPage {
        nodes: tree
            .nodes
            .iter()
            .map(|n| (format!("{} {}", n.code, n.name), n.name.clone()))
            .collect(),
        fields: fields_of(&draft, &[]),
        previous,
        error: String::new(),
        page,
    }))
}

pub(crate) async fn edit(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: CurrentUser,
    Form(f): Form<FormMap>,
) -> Result<Response, WebError> {
    let (s, page) = staff_form(user, &headers, "/admin/standards/edit", &f)?;
    let mut draft = StandardDraft::default();
    for c in STANDARD_COLUMNS {
        if let Some(v) = f.get(&format!("std_{}", c.key)) {
            draft.set(c.key, v.clone());
        }
    }
    let previous = f.get("previous").cloned().unwrap_or_default();
    match state
        .standards
        .save_draft(&actor(&s), &draft, Some(previous.as_str()))
        .await
    {
        Ok(saved) => Ok(Redirect::to(&format!(
            "/standards/view/{}?notice={}",
            urlencode_all(&saved.number.to_string()),
            urlencode("已保存")
        ))
        .into_response()),
        Err(e) => {
            let (status, errors, message) = match e {
                RegistryError::Fields { errors } => {
                    (StatusCode::UNPROCESSABLE_ENTITY, errors, String::new())
                }
                RegistryError::Number(n) => (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    vec![gongfu_domain::standard::FieldError::new(
                        "number",
                        n.to_string(),
                    )],
                    String::new(),
                ),
                e @ (RegistryError::Invalid(_)
                | RegistryError::Forbidden(_)
                | RegistryError::NotFound { .. }) => {
                    let status = match e {
                        RegistryError::Forbidden(_) => StatusCode::FORBIDDEN,
                        RegistryError::NotFound { .. } => StatusCode::NOT_FOUND,
                        _ => StatusCode::UNPROCESSABLE_ENTITY,
                    };
                    (status, vec![], e.to_string())
                }
                e => return Err(WebError::from(e).with_page(&page)),
            };
            let tree = state
                .standards
                .tree()
                .await
                .map_err(|e| WebError::from(e).with_page(&page))?;
            let error = if message.is_empty() {
                "未保存：请按标出的栏目修改后重新提交。".to_string()
            } else {
                format!("未保存：{message}")
            };
            Ok((
                status,
                render(&EditPage {
                    nodes: tree
                        .nodes
                        .iter()
                        .map(|n| (format!("{} {}", n.code, n.name), n.name.clone()))
                        .collect(),
                    fields: fields_of(&draft, &errors),
                    previous,
                    error,
                    page,
                }),
            )
                .into_response())
        }
    }
}

pub(crate) async fn remove(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: CurrentUser,
    Form(f): Form<FormMap>,
) -> Result<Response, WebError> {
    let (s, page) = staff_form(user, &headers, "/admin/standards", &f)?;
    let number = f.get("number").cloned().unwrap_or_default();
    state
        .standards
        .remove_standard(&actor(&s), &number)
        .await
        .map_err(|e| WebError::from(e).with_page(&page))?;
    Ok(Redirect::to(&format!(
        "/admin/standards?notice={}",
        urlencode(&format!("已删除 {number}"))
    ))
    .into_response())
}

/// Percent-encodes everything but unreserved characters, `/` included, for a path segment.
pub(crate) fn urlencode_all(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
