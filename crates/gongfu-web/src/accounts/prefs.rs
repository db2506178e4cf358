//! 长者模式 (larger type, higher contrast), per browser: a cookie every page's layout
//! reads (`PageCtx`), set here.

use crate::kit::{safe_back, Query, ELDERLY_COOKIE};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

#[derive(Deserialize)]
pub(crate) struct ElderlyQuery {
    on: Option<String>,
    back: Option<String>,
}

/// Turns 长者模式 on or off for this browser and goes back to the page.
pub(crate) async fn elderly(Query(q): Query<ElderlyQuery>) -> Response {
    let on = q.on.as_deref() == Some("1");
    let cookie = format!(
        "{ELDERLY_COOKIE}={}; Path=/; Max-Age={}; SameSite=Lax",
        if on { "1" } else { "0" },
        365 * 24 * 3600
    );
    let back = safe_back(q.back.as_deref().unwrap_or("/")).to_string();
    ([(header::SET_COOKIE, cookie)], Redirect::to(&back)).into_response()
}
