//! Texts as pages: a standard's text on its page (`DocView`, `finding_views`), an item's
//! service guide, and the GB/T 1.1 self-check page (upload a draft, read the findings;
//! nothing is stored). Texts are read from their stored structure, never the file.

use crate::kit::upload::{read_multipart, File};
use crate::kit::{page, render, PageCtx, WebError};
use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use gongfu_edge::{AppState, CurrentUser};
use gongfu_standards::texts::{Text, TextKind};
use gongfu_standards::RegistryError;
use gongfu_texts::{Block, Document, Finding};

/// One block, flattened for the template.
pub(crate) struct BlockView {
    /// `h2`..`h6`, `p`, `li` or `table`.
    pub tag: &'static str,
    /// Anchor for headings (`c-4.1`), else empty.
    pub anchor: String,
    /// Clause number of a heading, list marker of an item.
    pub label: String,
    pub text: String,
    pub rows: Vec<Vec<String>>,
    /// Nesting of a list item (1 = top).
    pub level: u8,
}

/// The outline entry of a heading.
pub(crate) struct TocEntry {
    pub anchor: String,
    pub label: String,
    pub depth: u8,
}

/// A document ready to render: its blocks and outline.
pub(crate) struct DocView {
    pub blocks: Vec<BlockView>,
    pub toc: Vec<TocEntry>,
}

impl DocView {
    pub(crate) fn new(doc: &Document) -> Self {
        let mut blocks = vec![];
        let mut toc = vec![];
        for (i, b) in doc.blocks.iter().enumerate() {
            match b {
                Block::Heading {
                    level,
                    number,
                    title,
                    ..
                } => {
                    let anchor = match number {
                        Some(n) => format!("c-{n}"),
                        None => format!("b-{i}"),
                    };
                    let label = number.clone().unwrap_or_default();
                    if *level <= 2 && !title.is_empty() {
                        toc.push(TocEntry {
                            anchor: anchor.clone(),
                            label: format!("{label} {title}").trim().to_string(),
                            depth: *level,
                        });
                    }
                    let tag = match level {
                        0 | 1 => "h2",
                        2 => "h3",
                        3 => "h4",
                        4 => "h5",
                        _ => "h6",
                    };
                    blocks.push(BlockView {
                        tag,
                        anchor,
                        label,
                        text: title.clone(),
                        rows: vec![],
                        level: *level,
                    });
                }
                Block::Paragraph { text, .. } => blocks.push(BlockView {
                    tag: "p",
                    anchor: String::new(),
                    label: String::new(),
                    text: text.clone(),
                    rows: vec![],
                    level: 0,
                }),
                Block::ListItem {
                    marker,
                    level,
                    text,
                    ..
                } => blocks.push(BlockView {
                    tag: "li",
                    anchor: String::new(),
                    label: marker.clone(),
                    text: text.clone(),
                    rows: vec![],
                    level: *level,
                }),
                Block::Table { rows, .. } => blocks.push(BlockView {
                    tag: "table",
                    anchor: String::new(),
                    label: String::new(),
                    text: String::new(),
                    rows: rows.clone(),
                    level: 0,
                }),
            }
        }
        Self { blocks, toc }
    }
}

/// A finding, for tables.
pub(crate) struct FindingView {
    pub severity: &'static str,
    pub rule: String,
    pub location: String,
    pub message: String,
}

pub(crate) fn finding_views(findings: &[Finding]) -> Vec<FindingView> {
    findings
        .iter()
        .map(|f| FindingView {
            severity: match f.severity {
                gongfu_texts::Severity::Error => "错误",
                gongfu_texts::Severity::Warning => "警告",
                gongfu_texts::Severity::Info => "提示",
            },
            rule: f.rule.clone(),
            location: f.location.to_string(),
            message: f.message.clone(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "standards/guide.html")]
struct GuidePage {
    page: PageCtx,
    code: String,
    item_name: String,
    text: Text,
    doc: DocView,
}

pub(crate) async fn guide(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: CurrentUser,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    let page = page(&headers, &format!("/guides/{code}"), &user);
    let fail = |e: RegistryError| WebError::from(e).with_page(&page);
    let Some(text) = state
        .standards
        .text(TextKind::Guide, &code)
        .await
        .map_err(fail)?
    else {
        return Err(WebError::new(
            StatusCode::NOT_FOUND,
            "暂无办事指南",
            gongfu_domain::msg!("guide-missing", code = code),
        )
        .with_page(&page));
    };
    let item_name = match state
        .catalog
        .snapshot(None)
        .await
        .map_err(|e| WebError::from(e).with_page(&page))?
    {
        Some(s) => s.item(&code).map(|i| i.name.clone()).unwrap_or_default(),
        None => String::new(),
    };
    Ok(render(&GuidePage {
        doc: DocView::new(&text.document),
        code,
        item_name,
        text,
        page,
    }))
}

#[derive(Template)]
#[template(path = "standards/check.html")]
struct CheckPage {
    page: PageCtx,
    file: String,
    title: String,
    findings: Vec<FindingView>,
    checked: bool,
    error: String,
    rules: &'static [gongfu_texts::RuleInfo],
}

pub(crate) async fn check_form(headers: HeaderMap, user: CurrentUser) -> Response {
    let page = page(&headers, "/standards/check", &user);
    render(&CheckPage {
        page,
        file: String::new(),
        title: String::new(),
        findings: vec![],
        checked: false,
        error: String::new(),
        rules: gongfu_texts::RULES,
    })
}

pub(crate) async fn check(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: CurrentUser,
    mut mp: Multipart,
) -> Result<Response, WebError> {
    let page = page(&headers, "/standards/check", &user);
    let (_, file) = read_multipart(&mut mp, &page).await?;
    let again = |status, file: String, error: String| {
        (
            status,
            render(&CheckPage {
                page: page.clone(),
                file,
                title: String::new(),
                findings: vec![],
                checked: false,
                error,
                rules: gongfu_texts::RULES,
            }),
        )
            .into_response()
    };
    let Some(File { name, bytes }) = file else {
        return Ok(again(
            StatusCode::BAD_REQUEST,
            String::new(),
            "请选择要检查的文件（.docx 或 Markdown）。".into(),
        ));
    };
    match state.standards.check(&name, bytes).await {
        Ok((doc, findings)) => Ok(render(&CheckPage {
            file: name,
            title: doc.title,
            findings: finding_views(&findings),
            checked: true,
            error: String::new(),
            rules: gongfu_texts::RULES,
            page,
        })),
        Err(e @ RegistryError::Text { .. }) => {
            Ok(again(StatusCode::UNPROCESSABLE_ENTITY, name, e.to_string()))
        }
        Err(e) => Err(WebError::from(e).with_page(&page)),
    }
}
