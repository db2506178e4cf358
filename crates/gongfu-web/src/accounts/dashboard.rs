//! `/admin`: the staff member's start page: who they are, the adjustments, the newest
//! entries of the audit log.

use crate::kit::filters;
use crate::kit::{ctx, render, require, NoticeQuery, PageCtx, Query, WebError};
use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use gongfu_db::adjustments::Adjustment;
use gongfu_db::audit::AuditEntry;
use gongfu_edge::{AppState, CurrentUser};

#[derive(Template)]
#[template(path = "accounts/dashboard.html")]
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
