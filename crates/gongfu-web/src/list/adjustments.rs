//! Staff pages: login, adjustments, proposals, decisions, approval and import. Every
//! POST checks the session's CSRF token; every rule is gongfu-catalog's.

use crate::Query;
use crate::{render, safe_back, PageCtx, WebError};
use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use gongfu_accounts::Session;
use gongfu_catalog::import::ImportError;
use gongfu_catalog::{CatalogError, ProposalInput};
use gongfu_db::adjustments::Adjustment;
use gongfu_db::audit::AuditEntry;
use gongfu_domain::catalog::ITEM_COLUMNS;
use gongfu_domain::{AdjustmentStatus, Decision, ItemDraft, ProposalKind};
use gongfu_edge::auth::{actor, session_cookie};
use gongfu_edge::{AppState, CurrentUser};
use std::collections::HashMap;

pub(crate) type FormMap = HashMap<String, String>;

/// The session, or a redirect to the login page that comes back here.
pub(crate) fn require(user: CurrentUser, path: &str) -> Result<Session, WebError> {
    user.0
        .ok_or_else(|| WebError::redirect(format!("/login?next={}", urlencode(path))))
}

pub(crate) fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

pub(crate) fn check_csrf(s: &Session, form: &FormMap, page: &PageCtx) -> Result<(), WebError> {
    if gongfu_accounts::csrf_matches(s, form.get("csrf").map(String::as_str).unwrap_or("")) {
        Ok(())
    } else {
        Err(WebError::new(StatusCode::FORBIDDEN, "安全校验失败", "the form's security token does not match your session; reload the page and submit again").with_page(page))
    }
}

pub(crate) fn ctx(headers: &HeaderMap, path: &str, s: &Session) -> PageCtx {
    PageCtx::new(headers, path, Some(s))
}

/// What every staff form POST starts with: a session (else the login page) whose CSRF
/// token the form echoes, and the page context for rendering errors.
pub(crate) fn staff_form(
    user: CurrentUser,
    headers: &HeaderMap,
    path: &str,
    form: &FormMap,
) -> Result<(Session, PageCtx), WebError> {
    let s = require(user, path)?;
    let page = ctx(headers, path, &s);
    check_csrf(&s, form, &page)?;
    Ok((s, page))
}

/// The status of a form that comes back with the catalogue's objection shown on it.
fn form_status(e: &CatalogError) -> StatusCode {
    match e {
        CatalogError::Forbidden(_) => StatusCode::FORBIDDEN,
        CatalogError::Invalid(_) | CatalogError::Import(_) => StatusCode::UNPROCESSABLE_ENTITY,
        _ => StatusCode::CONFLICT,
    }
}

#[derive(Template)]
#[template(path = "login.html")]
struct Login {
    page: PageCtx,
    error: String,
    next: String,
}

#[derive(serde::Deserialize)]
pub(crate) struct NextQuery {
    next: Option<String>,
}

pub(crate) async fn login_form(headers: HeaderMap, Query(q): Query<NextQuery>) -> Response {
    let page = PageCtx::new(&headers, "/login", None);
    render(&Login {
        page,
        error: String::new(),
        next: safe_back(q.next.as_deref().unwrap_or("/admin")).to_string(),
    })
}

pub(crate) async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<FormMap>,
) -> Response {
    let next = safe_back(f.get("next").map(String::as_str).unwrap_or("/admin")).to_string();
    let (u, p) = (
        f.get("username").cloned().unwrap_or_default(),
        f.get("password").cloned().unwrap_or_default(),
    );
    match gongfu_accounts::login(&state.db, &u, &p).await {
        Ok((token, _)) => (
            [(
                header::SET_COOKIE,
                session_cookie(&token, state.secure_cookies),
            )],
            Redirect::to(&next),
        )
            .into_response(),
        Err(e) => {
            let page = PageCtx::new(&headers, "/login", None);
            let msg = match e {
                gongfu_accounts::AccountError::BadCredentials => "用户名或密码错误。".to_string(),
                other => format!("登录失败：{other}"),
            };
            (
                StatusCode::UNAUTHORIZED,
                render(&Login {
                    page,
                    error: msg,
                    next,
                }),
            )
                .into_response()
        }
    }
}

pub(crate) async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: CurrentUser,
    Form(f): Form<FormMap>,
) -> Result<Response, WebError> {
    if let Some(s) = &user.0 {
        check_csrf(s, &f, &ctx(&headers, "/logout", s))?;
        if let Some(t) = gongfu_edge::auth::cookie(&headers, gongfu_accounts::SESSION_COOKIE) {
            gongfu_accounts::logout(&state.db, t)
                .await
                .map_err(gongfu_edge::ApiError::from)?;
        }
    }
    Ok((
        [(header::SET_COOKIE, session_cookie("", state.secure_cookies))],
        Redirect::to("/"),
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "admin.html")]
struct Dashboard {
    page: PageCtx,
    notice: &'static str,
    display_name: String,
    role_label: &'static str,
    can_propose: bool,
    can_admin: bool,
    adjustments: Vec<Adjustment>,
    audit: Vec<AuditEntry>,
}

pub(crate) async fn dashboard(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: CurrentUser,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, WebError> {
    let s = require(user, "/admin")?;
    let page = ctx(&headers, "/admin", &s);
    let adjustments = state
        .catalog
        .adjustments()
        .await
        .map_err(|e| WebError::from(e).with_page(&page))?;
    let audit = gongfu_db::audit::list(&state.db, None, 30)
        .await
        .map_err(|e| WebError::from(e).with_page(&page))?;
    let notice = match q.notice.as_deref() {
        Some("open") => "没有进行中的动态调整：请先在下方发起一次调整，再对事项提出修改或退出。",
        _ => "",
    };
    Ok(render(&Dashboard {
        notice,
        display_name: s.user.display_name.clone(),
        role_label: s.user.role.label(),
        can_propose: s.user.role.can_propose(),
        can_admin: s.user.role.can_administer(),
        adjustments,
        audit,
        page,
    }))
}

pub(crate) async fn open_adjustment(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: CurrentUser,
    Form(f): Form<FormMap>,
) -> Result<Response, WebError> {
    let (s, page) = staff_form(user, &headers, "/admin", &f)?;
    let title = f.get("title").cloned().unwrap_or_default();
    let id = state
        .catalog
        .open_adjustment(
            &actor(&s),
            &title,
            f.get("description").map(String::as_str).unwrap_or(""),
            None,
        )
        .await
        .map_err(|e| WebError::from(e).with_page(&page))?;
    Ok(Redirect::to(&format!("/admin/adjustments/{id}")).into_response())
}

struct ProposalRow {
    id: i64,
    kind_label: &'static str,
    targets: String,
    item_name: String,
    rationale: String,
    evidence: String,
    decision_label: &'static str,
    decision_note: String,
    decided_by: String,
    created_by: String,
}

#[derive(Template)]
#[template(path = "adjustment.html")]
struct AdjustmentPage {
    page: PageCtx,
    adj: Adjustment,
    open: bool,
    can_propose: bool,
    can_review: bool,
    can_admin: bool,
    proposals: Vec<ProposalRow>,
    added: Vec<(String, String)>,
    removed: Vec<(String, String)>,
    changed: usize,
    item_count: usize,
    problems: Vec<String>,
    notice: String,
    error: String,
    /// Affordability runs of this adjustment: (id, title, summary of the first year).
    runs: Vec<(i64, String, String)>,
    can_assess: bool,
}

#[derive(serde::Deserialize, Default)]
pub(crate) struct NoticeQuery {
    notice: Option<String>,
}

async fn adjustment_page(
    state: &AppState,
    s: &Session,
    page: PageCtx,
    id: i64,
    notice: String,
    error: String,
) -> Result<Response, WebError> {
    let (adj, props) = state
        .catalog
        .adjustment(id)
        .await
        .map_err(|e| WebError::from(e).with_page(&page))?;
    let preview = state
        .catalog
        .preview(id)
        .await
        .map_err(|e| WebError::from(e).with_page(&page))?;
    let proposals = props
        .iter()
        .map(|p| ProposalRow {
            id: p.id,
            kind_label: p.kind.label(),
            targets: p.target_codes.join("、"),
            item_name: p
                .item
                .as_ref()
                .map(|i| format!("→ {}（{}）", i.name, i.code))
                .unwrap_or_default(),
            rationale: p.rationale.clone(),
            evidence: p.evidence.join("；"),
            decision_label: p.decision.label(),
            decision_note: p.decision_note.clone(),
            decided_by: p.decided_by.clone().unwrap_or_default(),
            created_by: p.created_by.clone(),
        })
        .collect();
    let role = s.user.role;
    let mut runs = Vec::new();
    for r in state
        .affordability
        .runs(Some(id))
        .await
        .map_err(|e| WebError::from(gongfu_edge::ApiError::from(e)).with_page(&page))?
    {
        // The summary reads the kept result: the district's share before and after.
        let summary = match state.affordability.run_by_id(r.id).await {
            Ok(full) => full
                .result
                .as_ref()
                .and_then(|res| res.years.first())
                .map(|y| {
                    let pct = |v: Option<f64>| {
                        v.map(|v| format!("{:.2}%", v * 100.0))
                            .unwrap_or_else(|| "—".into())
                    };
                    let cand = y.candidate.as_ref();
                    format!(
                        "{}年：增加费用 {} 万元，区级占比 {} → {}（{}）",
                        y.year,
                        crate::affordability::wan(cand.map_or(0.0, |c| c.cost) - y.base.cost),
                        pct(y.base.ratio),
                        pct(cand.and_then(|c| c.ratio)),
                        cand.map_or("—", |c| c.band.label())
                    )
                })
                .unwrap_or_default(),
            Err(_) => String::new(),
        };
        runs.push((r.id, r.title, summary));
    }
    Ok(render(&AdjustmentPage {
        runs,
        can_assess: role.can_propose() || role.can_review(),
        open: adj.status == AdjustmentStatus::Open,
        adj,
        can_propose: role.can_propose(),
        can_review: role.can_review(),
        can_admin: role.can_administer(),
        proposals,
        added: preview.diff.added,
        removed: preview.diff.removed,
        changed: preview.diff.changed.len(),
        item_count: preview.items.len(),
        problems: preview.problems,
        notice,
        error,
        page,
    }))
}

pub(crate) async fn adjustment(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, WebError> {
    let path = format!("/admin/adjustments/{id}");
    let s = require(user, &path)?;
    let page = ctx(&headers, &path, &s);
    adjustment_page(
        &state,
        &s,
        page,
        id,
        q.notice.unwrap_or_default(),
        String::new(),
    )
    .await
}

struct Field {
    key: &'static str,
    header: &'static str,
    value: String,
    long: bool,
}

#[derive(Template)]
#[template(path = "propose.html")]
struct ProposeForm {
    page: PageCtx,
    adjustment_id: i64,
    kind: String,
    kind_label: &'static str,
    targets: String,
    fields: Vec<Field>,
    rationale: String,
    evidence: String,
    error: String,
}

#[derive(serde::Deserialize, Default)]
pub(crate) struct ProposeQuery {
    kind: Option<String>,
    code: Option<String>,
    adjustment: Option<String>,
}

fn fields_of(d: &ItemDraft) -> Vec<Field> {
    ITEM_COLUMNS
        .iter()
        .map(|c| Field {
            key: c.key,
            header: c.header,
            value: d.get(c.key).to_string(),
            long: matches!(
                c.key,
                "target_population" | "content" | "standard" | "policy_basis" | "process"
            ),
        })
        .collect()
}

pub(crate) async fn propose_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<ProposeQuery>,
) -> Result<Response, WebError> {
    let path = format!("/admin/adjustments/{id}/propose");
    let s = require(user, &path)?;
    let page = ctx(&headers, &path, &s);
    let kind = ProposalKind::parse(q.kind.as_deref().unwrap_or("add")).unwrap_or(ProposalKind::Add);
    let targets = q.code.unwrap_or_default();
    let (adj, _) = state
        .catalog
        .adjustment(id)
        .await
        .map_err(|e| WebError::from(e).with_page(&page))?;
    // A modify proposal starts from the item as it stands in the base version.
    let mut draft = ItemDraft::default();
    if let (Some(base), Some(first)) = (adj.base_version, targets.split([',', '，', '、']).next())
    {
        if let Some(snap) = state
            .catalog
            .snapshot(Some(base))
            .await
            .map_err(|e| WebError::from(e).with_page(&page))?
        {
            if let Some(it) = snap.item(first.trim()) {
                draft = it.to_draft(&snap.taxonomy);
                if kind == ProposalKind::Merge {
                    draft.code = String::new();
                }
            }
        }
    }
    Ok(render(&ProposeForm {
        page,
        adjustment_id: id,
        kind: kind.as_str().into(),
        kind_label: kind.label(),
        targets,
        fields: fields_of(&draft),
        rationale: String::new(),
        evidence: String::new(),
        error: String::new(),
    }))
}

pub(crate) async fn propose(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<FormMap>,
) -> Result<Response, WebError> {
    let path = format!("/admin/adjustments/{id}/propose");
    let (s, page) = staff_form(user, &headers, &path, &f)?;
    let kind = ProposalKind::parse(f.get("kind").map(String::as_str).unwrap_or(""))
        .unwrap_or(ProposalKind::Add);
    let mut draft = ItemDraft::default();
    for c in ITEM_COLUMNS {
        if let Some(v) = f.get(&format!("item_{}", c.key)) {
            draft.set(c.key, v.clone());
        }
    }
    let targets: Vec<String> =
        gongfu_domain::text::split_list(f.get("target_codes").map(String::as_str).unwrap_or(""));
    let input = ProposalInput {
        kind,
        target_codes: targets.clone(),
        item: (kind != ProposalKind::Retire).then(|| draft.clone()),
        rationale: f.get("rationale").cloned().unwrap_or_default(),
        evidence: f
            .get("evidence")
            .map(|e| {
                e.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default(),
    };
    match state.catalog.propose(&actor(&s), id, input).await {
        Ok(pid) => Ok(Redirect::to(&format!(
            "/admin/adjustments/{id}?notice={}",
            urlencode(&format!("已提交提议 {pid}"))
        ))
        .into_response()),
        Err(
            e @ (CatalogError::Invalid(_) | CatalogError::Forbidden(_) | CatalogError::Conflict(_)),
        ) => {
            let status = form_status(&e);
            let form = ProposeForm {
                page,
                adjustment_id: id,
                kind: kind.as_str().into(),
                kind_label: kind.label(),
                targets: targets.join("、"),
                fields: fields_of(&draft),
                rationale: f.get("rationale").cloned().unwrap_or_default(),
                evidence: f.get("evidence").cloned().unwrap_or_default(),
                error: e.to_string(),
            };
            Ok((status, render(&form)).into_response())
        }
        Err(e) => Err(WebError::from(e).with_page(&page)),
    }
}

pub(crate) async fn decide(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: CurrentUser,
    Path((id, pid)): Path<(i64, i64)>,
    Form(f): Form<FormMap>,
) -> Result<Response, WebError> {
    let path = format!("/admin/adjustments/{id}");
    let (s, page) = staff_form(user, &headers, &path, &f)?;
    let d = Decision::parse(f.get("decision").map(String::as_str).unwrap_or(""))
        .filter(|d| *d != Decision::Pending);
    let Some(d) = d else {
        return Err(WebError::new(
            StatusCode::BAD_REQUEST,
            "请求参数有误",
            "choose 同意 or 不同意",
        )
        .with_page(&page));
    };
    match state
        .catalog
        .decide(
            &actor(&s),
            pid,
            id,
            d,
            f.get("note").map(String::as_str).unwrap_or(""),
        )
        .await
    {
        Ok(()) => {
            Ok(Redirect::to(&format!("/admin/adjustments/{id}#proposal-{pid}")).into_response())
        }
        Err(e) => Err(WebError::from(e).with_page(&page)),
    }
}

pub(crate) async fn approve(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<FormMap>,
) -> Result<Response, WebError> {
    let path = format!("/admin/adjustments/{id}");
    let (s, page) = staff_form(user, &headers, &path, &f)?;
    match state
        .catalog
        .approve(
            &actor(&s),
            id,
            f.get("label").map(String::as_str).unwrap_or(""),
            f.get("notes").map(String::as_str).unwrap_or(""),
        )
        .await
    {
        Ok(v) if v.number > 1 => {
            Ok(
                Redirect::to(&format!("/versions/diff?a={}&b={}", v.number - 1, v.number))
                    .into_response(),
            )
        }
        Ok(_) => Ok(Redirect::to("/versions").into_response()),
        Err(
            e @ (CatalogError::Conflict(_) | CatalogError::Invalid(_) | CatalogError::Forbidden(_)),
        ) => {
            let status = form_status(&e);
            let body = adjustment_page(&state, &s, page, id, String::new(), e.to_string()).await?;
            Ok((status, body).into_response())
        }
        Err(e) => Err(WebError::from(e).with_page(&page)),
    }
}

pub(crate) async fn close(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<FormMap>,
) -> Result<Response, WebError> {
    let path = format!("/admin/adjustments/{id}");
    let (s, page) = staff_form(user, &headers, &path, &f)?;
    let status = AdjustmentStatus::parse(f.get("status").map(String::as_str).unwrap_or(""))
        .unwrap_or(AdjustmentStatus::Withdrawn);
    state
        .catalog
        .close(&actor(&s), id, status)
        .await
        .map_err(|e| WebError::from(e).with_page(&page))?;
    Ok(Redirect::to(&path).into_response())
}

/// From an item page's "propose" buttons: into the newest open adjustment.
pub(crate) async fn propose_redirect(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ProposeQuery>,
) -> Result<Response, WebError> {
    // Only staff reach the proposal forms; the forms themselves check the role.
    require(user, "/admin")?;
    let id = match q.adjustment.as_deref().and_then(|a| a.parse::<i64>().ok()) {
        Some(id) => Some(id),
        None => state
            .catalog
            .adjustments()
            .await
            .map_err(WebError::from)?
            .into_iter()
            .find(|a| a.status == AdjustmentStatus::Open)
            .map(|a| a.id),
    };
    let kind = q.kind.unwrap_or_else(|| "modify".into());
    let code = urlencode(&q.code.unwrap_or_default());
    Ok(match id {
        Some(id) => Redirect::to(&format!(
            "/admin/adjustments/{id}/propose?kind={}&code={code}",
            urlencode(&kind)
        )),
        None => Redirect::to("/admin?notice=open"),
    }
    .into_response())
}

#[derive(Template)]
#[template(path = "import.html")]
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

pub(crate) async fn import(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: CurrentUser,
    mut mp: Multipart,
) -> Result<Response, WebError> {
    let s = require(user, "/admin/import")?;
    let page = ctx(&headers, "/admin/import", &s);
    let mut f = FormMap::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        match mp.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or("").to_string();
                if name == "file" {
                    let fname = field.file_name().unwrap_or("upload").to_string();
                    let bytes = field.bytes().await.map_err(|e| {
                        WebError::new(StatusCode::BAD_REQUEST, "上传失败", e.to_string())
                            .with_page(&page)
                    })?;
                    file = Some((fname, bytes.to_vec()));
                } else {
                    f.insert(name, field.text().await.unwrap_or_default());
                }
            }
            Ok(None) => break,
            Err(e) => {
                return Err(
                    WebError::new(StatusCode::BAD_REQUEST, "上传失败", e.to_string())
                        .with_page(&page),
                )
            }
        }
    }
    check_csrf(&s, &f, &page)?;
    let Some((fname, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
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
    let title = f
        .get("title")
        .filter(|t| !t.trim().is_empty())
        .cloned()
        .unwrap_or_else(|| format!("导入 {fname}"));
    let publish = f.get("publish").is_some_and(|v| v == "1");
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
                label: f.get("label").map(String::as_str).unwrap_or(""),
                publish,
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
        Err(CatalogError::Import(failure)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&ImportPage {
                page,
                errors: failure.errors,
                notice: String::new(),
            }),
        )
            .into_response()),
        Err(e @ (CatalogError::Conflict(_) | CatalogError::Invalid(_))) => Ok((
            StatusCode::CONFLICT,
            render(&ImportPage {
                page,
                errors: vec![],
                notice: e.to_string(),
            }),
        )
            .into_response()),
        Err(e) => Err(WebError::from(e).with_page(&page)),
    }
}
