//! Who is at the browser: staff log in and out (`/login`, `/logout`) and land on their
//! dashboard (`/admin`: open adjustments and the audit log), an administrator manages the
//! accounts (`/admin/users`), and any visitor turns
//! 长者模式 on or off (`/prefs/elderly`), remembered in a cookie.
//!
//! It must never decide who may do what: passwords and sessions are gongfu-accounts',
//! roles' rights the capability crates'.

mod dashboard;
mod prefs;
mod session;
mod users;

use axum::routing::{get, post};
use axum::Router;
use gongfu_edge::AppState;

/// The routes of logging in and out, the dashboard and the elderly-mode preference.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(session::login_form).post(session::login))
        .route("/logout", post(session::logout))
        .route("/admin", get(dashboard::dashboard))
        .route("/admin/users", get(users::users))
        .route("/admin/users/{username}", post(users::change))
        .route("/prefs/elderly", get(prefs::elderly))
}
