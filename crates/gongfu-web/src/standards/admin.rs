//! Staff pages of the standard system: uploads (registry, tree, texts), the form that adds
//! or edits one standard, and removal. Every rule is gongfu-standards'; every POST checks
//! the session's CSRF token (through the kit's `StaffForm` and `StaffUpload`).

use crate::kit::form::{Columns, Prefixed, StaffForm};
use crate::kit::upload::{File, StaffUpload};
use crate::kit::{
    ctx, render, require, urlencode, urlencode_all, NoticeQuery, PageCtx, Query, WebError,
};
use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use gongfu_catalog::import::ImportError;
use gongfu_domain::standard::{StandardDraft, STANDARD_COLUMNS};
use gongfu_edge::auth::actor;
use gongfu_edge::{AppState, CurrentUser};
use gongfu_standards::texts::{TextKind, TextUpload};
use gongfu_standards::RegistryError;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "standards/admin.html")]
struct UploadPage {
    page: PageCtx,
    errors: Vec<ImportError>,
    notice: String,
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

/// An upload to the registry: which file it is.
#[derive(Deserialize)]
pub(crate) struct RegistryUpload {
    /// `registry` (标准明细表) or `tree` (标准体系表).
    #[serde(default)]
    what: String,
}

pub(crate) async fn upload(
    State(state): State<AppState>,
    StaffUpload {
        session: s,
        page,
        fields: f,
        file,
    }: StaffUpload<RegistryUpload>,
) -> Result<Response, WebError> {
    let page = page.at("/admin/standards");
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
    let Some(File { name: fname, bytes }) = file else {
        return Ok(again(
            StatusCode::BAD_REQUEST,
            vec![],
            "请选择要上传的文件。".into(),
        ));
    };
    let a = actor(&s);
    let result = match f.what.as_str() {
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
#[template(path = "standards/form.html")]
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

/// A standard's columns as the form posts them: `std_{key}`, one input each.
impl Columns for StandardDraft {
    const PREFIX: &'static str = "std_";
    fn keys() -> impl Iterator<Item = &'static str> {
        STANDARD_COLUMNS.iter().map(|c| c.key)
    }
    fn set(&mut self, key: &str, value: String) {
        StandardDraft::set(self, key, value);
    }
}

/// The form that adds or edits one standard.
#[derive(Deserialize)]
pub(crate) struct StandardForm {
    /// The number the standard had before this edit; empty for a new one.
    #[serde(default)]
    previous: String,
    /// The standard as entered.
    #[serde(flatten)]
    standard: Prefixed<StandardDraft>,
}

pub(crate) async fn edit(
    State(state): State<AppState>,
    StaffForm {
        session: s,
        page,
        form: f,
    }: StaffForm<StandardForm>,
) -> Result<Response, WebError> {
    let page = page.at("/admin/standards/edit");
    let Prefixed(draft) = f.standard;
    let previous = f.previous;
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

/// Removing one standard.
#[derive(Deserialize)]
pub(crate) struct RemoveForm {
    #[serde(default)]
    number: String,
}

pub(crate) async fn remove(
    State(state): State<AppState>,
    StaffForm {
        session: s,
        page,
        form: RemoveForm { number },
    }: StaffForm<RemoveForm>,
) -> Result<Response, WebError> {
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

/// An upload of one text: what it is the text of.
#[derive(Deserialize)]
pub(crate) struct TextFields {
    /// `standard` (a standard's text) or `guide` (an item's service guide).
    #[serde(default)]
    kind: String,
    /// The standard's number or the item's code.
    #[serde(default)]
    key: String,
}

/// Upload one text (standard text or guide); the answer comes back on the registry page.
pub(crate) async fn upload_text(
    State(state): State<AppState>,
    StaffUpload {
        session: s,
        page,
        fields: f,
        file,
    }: StaffUpload<TextFields>,
) -> Result<Response, WebError> {
    let back = |notice: String| {
        Redirect::to(&format!("/admin/standards?notice={}", urlencode(&notice))).into_response()
    };
    let Some(File { name, bytes }) = file else {
        return Ok(back("请选择要上传的文本文件。".into()));
    };
    let kind = match TextKind::parse(&f.kind) {
        Ok(k) => k,
        Err(e) => return Ok(back(e.to_string())),
    };
    let key = f.key;
    let upload = TextUpload {
        kind,
        key: key.clone(),
        file: name.clone(),
        bytes,
    };
    match state
        .standards
        .import_texts(&actor(&s), &[upload], false)
        .await
    {
        // Show the text where residents will read it.
        Ok(_) => Ok(Redirect::to(&match kind {
            TextKind::Standard => format!(
                "/standards/view/{}?notice={}",
                urlencode_all(key.trim()),
                urlencode(&format!("已导入文本 {name}"))
            ),
            TextKind::Guide => format!("/guides/{}", urlencode(key.trim())),
        })
        .into_response()),
        Err(
            e @ (RegistryError::Invalid(_)
            | RegistryError::Text { .. }
            | RegistryError::Number(_)
            | RegistryError::NotFound { .. }
            | RegistryError::Forbidden(_)),
        ) => Ok(back(format!("未导入：{e}"))),
        Err(e) => Err(WebError::from(e).with_page(&page)),
    }
}
