//! Adjustments as staff run them: open one, propose (add, modify, merge, retire an item),
//! decide on proposals, approve (publishing a new version) or close; the adjustment's page
//! with its preview and its affordability runs. Every rule is gongfu-catalog's: who may
//! propose or decide what, what a proposal must hold, what a version must pass.

use crate::kit::filters;
use crate::kit::form::{Columns, Prefixed, StaffForm};
use crate::kit::{ctx, render, require, urlencode, NoticeQuery, PageCtx, Query, WebError};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use gongfu_accounts::Session;
use gongfu_catalog::{CatalogError, ProposalInput};
use gongfu_db::adjustments::Adjustment;
use gongfu_domain::catalog::ITEM_COLUMNS;
use gongfu_domain::{AdjustmentStatus, Decision, ItemDraft, ProposalKind};
use gongfu_edge::auth::actor;
use gongfu_edge::{AppState, CurrentUser};
use serde::Deserialize;

/// The status of a form that comes back with the catalogue's objection shown on it.
fn form_status(e: &CatalogError) -> StatusCode {
    match e {
        CatalogError::Forbidden(_) => StatusCode::FORBIDDEN,
        CatalogError::Invalid(_) | CatalogError::Import(_) => StatusCode::UNPROCESSABLE_ENTITY,
        _ => StatusCode::CONFLICT,
    }
}

/// The dashboard's form that opens an adjustment.
#[derive(Deserialize)]
pub(crate) struct OpenForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
}

pub(crate) async fn open_adjustment(
    State(state): State<AppState>,
    StaffForm {
        session: s,
        page,
        form: f,
    }: StaffForm<OpenForm>,
) -> Result<Response, WebError> {
    let id = state
        .catalog
        .open_adjustment(&actor(&s), &f.title, &f.description, None)
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
#[template(path = "list/adjustment.html")]
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
    /// The preview against the national standard, when an edition is stored.
    floor: Option<gongfu_catalog::floor::FloorCheck>,
    notice: String,
    error: String,
    /// Affordability runs of this adjustment: (id, title, summary of the first year).
    runs: Vec<(i64, String, String)>,
    can_assess: bool,
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
    let runs = crate::affordability::adjustment_runs(state, id)
        .await
        .map_err(|e| crate::affordability::web(e, &page))?;
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
        floor: preview.floor,
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
#[template(path = "list/propose.html")]
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

#[derive(Deserialize, Default)]
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

/// An item's columns as the proposal form posts them: `item_{key}`, one input each.
impl Columns for ItemDraft {
    const PREFIX: &'static str = "item_";
    fn keys() -> impl Iterator<Item = &'static str> {
        ITEM_COLUMNS.iter().map(|c| c.key)
    }
    fn set(&mut self, key: &str, value: String) {
        ItemDraft::set(self, key, value);
    }
}

/// The proposal form.
#[derive(Deserialize)]
pub(crate) struct ProposalForm {
    /// `add`, `modify`, `merge` or `retire` (an unknown kind reads as add, as the form
    /// page's query does).
    #[serde(default)]
    kind: String,
    /// The items the proposal is about, separated by commas or 、.
    #[serde(default)]
    target_codes: String,
    #[serde(default)]
    rationale: String,
    /// One piece of evidence per line.
    #[serde(default)]
    evidence: String,
    /// The item as proposed (not used when retiring).
    #[serde(flatten)]
    item: Prefixed<ItemDraft>,
}

pub(crate) async fn propose(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    StaffForm {
        session: s,
        page,
        form: f,
    }: StaffForm<ProposalForm>,
) -> Result<Response, WebError> {
    // A refused proposal comes back on its form, whichever page posted it.
    let page = page.at(&format!("/admin/adjustments/{id}/propose"));
    let kind = ProposalKind::parse(&f.kind).unwrap_or(ProposalKind::Add);
    let Prefixed(draft) = f.item;
    let targets: Vec<String> = gongfu_domain::text::split_list(&f.target_codes);
    let input = ProposalInput {
        kind,
        target_codes: targets.clone(),
        item: (kind != ProposalKind::Retire).then(|| draft.clone()),
        rationale: f.rationale.clone(),
        evidence: f
            .evidence
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect(),
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
                rationale: f.rationale,
                evidence: f.evidence,
                error: e.to_string(),
            };
            Ok((status, render(&form)).into_response())
        }
        Err(e) => Err(WebError::from(e).with_page(&page)),
    }
}

/// A reviewer's decision on one proposal.
#[derive(Deserialize)]
pub(crate) struct DecisionForm {
    /// `accepted` or `rejected` (the button pressed).
    #[serde(default)]
    decision: String,
    #[serde(default)]
    note: String,
}

pub(crate) async fn decide(
    State(state): State<AppState>,
    Path((id, pid)): Path<(i64, i64)>,
    StaffForm {
        session: s,
        page,
        form: f,
    }: StaffForm<DecisionForm>,
) -> Result<Response, WebError> {
    let d = Decision::parse(&f.decision).filter(|d| *d != Decision::Pending);
    let Some(d) = d else {
        return Err(WebError::new(
            StatusCode::BAD_REQUEST,
            "请求参数有误",
            gongfu_domain::msg!("decision-missing"),
        )
        .with_page(&page));
    };
    match state.catalog.decide(&actor(&s), pid, id, d, &f.note).await {
        Ok(()) => {
            Ok(Redirect::to(&format!("/admin/adjustments/{id}#proposal-{pid}")).into_response())
        }
        Err(e) => Err(WebError::from(e).with_page(&page)),
    }
}

/// Approval: the new version's name and notes.
#[derive(Deserialize)]
pub(crate) struct ApproveForm {
    #[serde(default)]
    label: String,
    #[serde(default)]
    notes: String,
    /// Why it is approved although it falls (or may fall) below the national standard.
    #[serde(default)]
    justification: String,
}

pub(crate) async fn approve(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    StaffForm {
        session: s,
        page,
        form: f,
    }: StaffForm<ApproveForm>,
) -> Result<Response, WebError> {
    // A refused approval comes back on the adjustment's page.
    let page = page.at(&format!("/admin/adjustments/{id}"));
    match state
        .catalog
        .approve_justified(&actor(&s), id, &f.label, &f.notes, &f.justification)
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

/// Closing without publishing.
#[derive(Deserialize)]
pub(crate) struct CloseForm {
    /// `rejected` or `withdrawn` (also when absent or unknown).
    #[serde(default)]
    status: String,
}

pub(crate) async fn close(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    StaffForm {
        session: s,
        page,
        form: f,
    }: StaffForm<CloseForm>,
) -> Result<Response, WebError> {
    let status = AdjustmentStatus::parse(&f.status).unwrap_or(AdjustmentStatus::Withdrawn);
    state
        .catalog
        .close(&actor(&s), id, status)
        .await
        .map_err(|e| WebError::from(e).with_page(&page))?;
    Ok(Redirect::to(&format!("/admin/adjustments/{id}")).into_response())
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
