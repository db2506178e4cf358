//! The JSON API under `/api/v1`, its OpenAPI document and the request plumbing the pages
//! share: application state, the login extractor and CSRF checks.
//!
//! Every URL is in [`router`]; every error is an [`ErrorCode`] from one catalogue; the
//! OpenAPI document is generated from the handlers' annotations, so the three cannot
//! drift apart (Meilisearch's rule).
//!
//! It must never hold business rules: handlers parse the request into domain types, call
//! gongfu-catalog, gongfu-standards, gongfu-places, gongfu-eligibility, gongfu-search or gongfu-accounts, and shape the answer. No SQL here.

pub mod api;
pub mod auth;
pub mod error;

pub use auth::{CurrentUser, Staff};
pub use error::{ApiError, ErrorCode};

use gongfu_catalog::Catalog;
use gongfu_db::Db;
use gongfu_eligibility::Eligibility;
use gongfu_places::Places;
use gongfu_search::{SiteSearch, Synonyms};
use gongfu_standards::{NumberRules, Registry};
use std::sync::Arc;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub db: Db,
    /// The service list capability.
    pub catalog: Arc<Catalog>,
    /// The standard system capability.
    pub standards: Arc<Registry>,
    /// Search over items, standards and guides.
    pub search: Arc<SiteSearch>,
    /// Service points, boundaries, service circles.
    pub places: Arc<Places>,
    /// Eligibility, microsimulation and affordability.
    pub eligibility: Arc<Eligibility>,
    /// Whether cookies are marked Secure (behind HTTPS).
    pub secure_cookies: bool,
}

impl AppState {
    /// State over a database; standard numbers are read with `rules`, search queries
    /// expanded with `synonyms`.
    pub fn new(db: Db, secure_cookies: bool, rules: NumberRules, synonyms: Synonyms) -> Self {
        let catalog = Arc::new(Catalog::new(db.clone()));
        let standards = Arc::new(Registry::new(db.clone(), rules, catalog.clone()));
        let places = Arc::new(Places::new(db.clone(), catalog.clone()));
        Self {
            eligibility: Arc::new(Eligibility::new(
                db.clone(),
                catalog.clone(),
                places.clone(),
            )),
            places,
            search: Arc::new(SiteSearch::with_synonyms(
                catalog.clone(),
                standards.clone(),
                synonyms,
            )),
            standards,
            catalog,
            db,
            secure_cookies,
        }
    }
}

/// The API routes (`/healthz`, `/api/...`).
pub fn router(state: AppState) -> axum::Router {
    api::routes().with_state(state)
}
