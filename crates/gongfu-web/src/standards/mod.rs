//! The standard system (标准体系): the public pages (`pages`: the tree, coverage, what
//! needs attention, the list, one standard), texts and service guides and the GB/T 1.1
//! self-check (`texts`), and the registry's staff pages (`admin`: uploads of the registry,
//! the tree and texts; adding, editing and removing a standard).
//!
//! It must never change the list, nor judge a standard or a text itself: the registry,
//! its lifecycle and the checker are gongfu-standards' and gongfu-texts'.

mod admin;
mod pages;
mod texts;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use gongfu_edge::limits::IMPORT_LIMIT;
use gongfu_edge::AppState;

/// The standard system's pages, public and staff.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/standards", get(pages::tree))
        .route("/standards/coverage", get(pages::coverage))
        .route("/standards/attention", get(pages::attention))
        .route("/standards/list", get(pages::list))
        .route("/standards/view/{number}", get(pages::one))
        .route("/guides/{code}", get(texts::guide))
        .route(
            "/standards/check",
            get(texts::check_form)
                .post(texts::check)
                .layer(DefaultBodyLimit::max(IMPORT_LIMIT)),
        )
        .route("/admin/standards", get(admin::page))
        .route(
            "/admin/standards/upload",
            post(admin::upload).layer(DefaultBodyLimit::max(IMPORT_LIMIT)),
        )
        .route(
            "/admin/texts/upload",
            post(admin::upload_text).layer(DefaultBodyLimit::max(IMPORT_LIMIT)),
        )
        .route(
            "/admin/standards/edit",
            get(admin::edit_form).post(admin::edit),
        )
        .route("/admin/standards/remove", post(admin::remove))
}
