//! `/admin/import`: a whole list from a file (CSV, xlsx, JSON or the official text
//! layout), taken in as an adjustment (or published at once); a refused file comes back
//! with every row and column at fault. Reading the file is gongfu-catalog's, all or
//! nothing. With the target 国家标准参照清单 the file's 国家 rows are stored as an edition
//! of the national standard instead, which every list is then checked against.

use crate::kit::form::checkbox;
use crate::kit::upload::{File, StaffUpload};
use crate::kit::{ctx, render, require, urlencode, PageCtx, WebError};
use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use gongfu_catalog::import::ImportError;
use gongfu_catalog::CatalogError;
use gongfu_edge::auth::actor;
use gongfu_edge::{AppState, CurrentUser};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "list/import.html")]
struct ImportPage {
    page: PageCtx,
    errors: Vec<ImportError>,
    notice: String,
}

pub(crate) async fn import_form(
    headers: HeaderMap,
    user: CurrentUser,
) -> Result<Response, WebError> {
    let s = require(user, "/admin/import")?;
    let page = ctx(&headers, "/admin/import", &s);
    Ok(render(&ImportPage {
        page,
        errors: vec![],
        notice: String::new(),
    }))
}

/// The import form's fields beside the file.
#[derive(Deserialize)]
pub(crate) struct ImportFields {
    /// The adjustment's title; "导入 {file}" when empty.
    #[serde(default)]
    title: String,
    /// Publish at once rather than leave the adjustment for review.
    #[serde(default, deserialize_with = "checkbox")]
    publish: bool,
    /// The version's name when publishing; the edition's title for a national reference.
    #[serde(default)]
    label: String,
    /// `list` (the default) or `national`: the file is an edition of the national standard.
    #[serde(default)]
    target: String,
    /// The national edition's key, e.g. 2023 (target `national`).
    #[serde(default)]
    edition: String,
}

pub(crate) async fn import(
    State(state): State<AppState>,
    StaffUpload {
        session: s,
        page,
        fields: f,
        file,
    }: StaffUpload<ImportFields>,
) -> Result<Response, WebError> {
    let page = page.at("/admin/import");
    let Some(File { name: fname, bytes }) = file else {
        return Ok((
            StatusCode::BAD_REQUEST,
            render(&ImportPage {
                page,
                errors: vec![],
                notice: "请选择要导入的文件。".into(),
            }),
        )
            .into_response());
    };
    if f.target == "national" {
        return match state
            .catalog
            .import_national(
                &actor(&s),
                gongfu_catalog::floor::NationalImport {
                    edition: &f.edition,
                    label: &f.label,
                    file: &fname,
                    bytes: &bytes,
                    format: None,
                },
            )
            .await
        {
            Ok(e) => Ok(render(&ImportPage {
                page,
                errors: vec![],
                notice: format!(
                    "已导入国家标准参照清单：{}（{} 版）。此后的动态调整均对照最新版本检查是否低于国家标准。",
                    e.label, e.edition
                ),
            })
            .into_response()),
            Err(e) => refused(page, e),
        };
    }
    let title = if f.title.trim().is_empty() {
        format!("导入 {fname}")
    } else {
        f.title
    };
    match state
        .catalog
        .import(
            &actor(&s),
            gongfu_catalog::ImportRequest {
                taxonomy: None,
                file: &fname,
                bytes: &bytes,
                format: None,
                title: &title,
                label: &f.label,
                publish: f.publish,
            },
        )
        .await
    {
        Ok(o) => Ok(Redirect::to(&format!(
            "/admin/adjustments/{}?notice={}",
            o.adjustment_id,
            urlencode(&format!(
                "已导入：新增 {} 项，调整 {} 项，退出 {} 项",
                o.added, o.modified, o.retired
            ))
        ))
        .into_response()),
        Err(e) => refused(page, e),
    }
}

/// A refused import back on the form: every row at fault, or what conflicts.
fn refused(page: PageCtx, e: CatalogError) -> Result<Response, WebError> {
    match e {
        CatalogError::Import(failure) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&ImportPage {
                page,
                errors: failure.errors,
                notice: String::new(),
            }),
        )
            .into_response()),
        e @ (CatalogError::Conflict(_) | CatalogError::Invalid(_)) => Ok((
            StatusCode::CONFLICT,
            render(&ImportPage {
                page,
                errors: vec![],
                notice: e.to_string(),
            }),
        )
            .into_response()),
        e => Err(WebError::from(e).with_page(&page)),
    }
}
