//! `/admin/users`: the administrator's accounts page: every account with its state, and
//! the changes `gongfu user` makes on the command line (disable, enable, reset the
//! password, log out everywhere, lift a lock).

use crate::kit::form::StaffForm;
use crate::kit::{ctx, render, require, PageCtx, WebError};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use gongfu_accounts::Change;
use gongfu_domain::Action;
use gongfu_edge::auth::actor;
use gongfu_edge::{ApiError, AppState, CurrentUser};
use serde::Deserialize;

struct Row {
    username: String,
    display_name: String,
    role_label: &'static str,
    departments: String,
    state: String,
}

#[derive(Template)]
#[template(path = "accounts/users.html")]
struct UsersPage {
    page: PageCtx,
    notice: String,
    users: Vec<Row>,
}

#[derive(Deserialize)]
pub(crate) struct DoneQuery {
    done: Option<String>,
}

pub(crate) async fn users(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: CurrentUser,
    crate::kit::Query(q): crate::kit::Query<DoneQuery>,
) -> Result<Response, WebError> {
    let s = require(user, "/admin/users")?;
    let page = ctx(&headers, "/admin/users", &s);
    actor(&s)
        .may(Action::Administer)
        .map_err(|e| WebError::from(ApiError::from(e)).with_page(&page))?;
    let now = gongfu_db::stamp(state.clock.now());
    let all = gongfu_db::accounts::users(&state.db)
        .await
        .map_err(|e| WebError::from(ApiError::from(e)).with_page(&page))?;
    let users = all
        .into_iter()
        .map(|u| Row {
            state: match (&u.locked_until, u.disabled) {
                (_, true) => "已停用".to_string(),
                (Some(until), false) if until.as_str() > now.as_str() => {
                    format!("已锁定至 {}", gongfu_domain::clock::beijing_text(until))
                }
                _ => "正常".to_string(),
            },
            username: u.username,
            display_name: u.display_name,
            role_label: u.role.label(),
            departments: u.departments.join("、"),
        })
        .collect();
    Ok(render(&UsersPage {
        notice: q.done.unwrap_or_default(),
        users,
        page,
    }))
}

/// What the form asks for.
#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum ChangeKind {
    Disable,
    Enable,
    ResetPassword,
    LogoutAll,
    Unlock,
}

#[derive(Deserialize)]
pub(crate) struct ChangeForm {
    action: ChangeKind,
    #[serde(default)]
    password: String,
}

pub(crate) async fn change(
    State(state): State<AppState>,
    Path(username): Path<String>,
    StaffForm {
        session: s,
        page,
        form: f,
    }: StaffForm<ChangeForm>,
) -> Result<Response, WebError> {
    let change = match f.action {
        ChangeKind::Disable => Change::Disable,
        ChangeKind::Enable => Change::Enable,
        ChangeKind::ResetPassword => Change::ResetPassword(f.password),
        ChangeKind::LogoutAll => Change::LogoutAll,
        ChangeKind::Unlock => Change::Unlock,
    };
    let done = change.done();
    state
        .accounts
        .change(&actor(&s), &username, change)
        .await
        .map_err(|e| WebError::from(ApiError::from(e)).with_page(&page))?;
    let notice = format!("账号 {username} {done}");
    Ok(Redirect::to(&format!(
        "/admin/users?done={}",
        crate::kit::urlencode(&notice)
    ))
    .into_response())
}
