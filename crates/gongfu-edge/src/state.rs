//! The application state every handler reaches: the service graph, built once by the
//! composition root in gongfu-app, plus what only the edges need.

use gongfu_accounts::Accounts;
use gongfu_affordability::Affordability;
use gongfu_catalog::Catalog;
use gongfu_db::Db;
use gongfu_domain::Clock;
use gongfu_eligibility::Eligibility;
use gongfu_places::Places;
use gongfu_search::SiteSearch;
use gongfu_standards::Registry;
use std::sync::Arc;

/// The capabilities of one installation over one database. Built in exactly one place
/// (`gongfu_app::services`), so the server, the command line, the demo loader, the tests
/// and the benchmarks share one graph and one set of caches.
#[derive(Clone)]
pub struct Services {
    /// The database.
    pub db: Db,
    /// The installation's clock: "today" and "now" for every handler and service.
    pub clock: Arc<dyn Clock>,
    /// The service list capability.
    pub catalog: Arc<Catalog>,
    /// The standard system capability.
    pub standards: Arc<Registry>,
    /// Search over items, standards and guides.
    pub search: Arc<SiteSearch>,
    /// Service points, boundaries, service circles.
    pub places: Arc<Places>,
    /// What can I enjoy: eligibility rules, one resident and the microsimulation.
    pub eligibility: Arc<Eligibility>,
    /// The fiscal affordability assessment.
    pub affordability: Arc<Affordability>,
    /// Staff logins and sessions.
    pub accounts: Arc<Accounts>,
}

/// What every handler can reach: the services (through `Deref`, so `state.catalog` reads
/// as before) and the edge's own settings.
#[derive(Clone)]
pub struct AppState {
    services: Services,
    /// Whether cookies are marked Secure (behind HTTPS).
    pub secure_cookies: bool,
    /// Slots for heavy requests (the checker, imports).
    pub heavy: crate::heavy::Heavy,
}

impl AppState {
    /// State over built services.
    pub fn new(services: Services, secure_cookies: bool) -> Self {
        Self {
            services,
            secure_cookies,
            heavy: crate::heavy::Heavy::per_core(),
        }
    }

    /// The services.
    pub fn services(&self) -> &Services {
        &self.services
    }
}

impl std::ops::Deref for AppState {
    type Target = Services;

    fn deref(&self) -> &Services {
        &self.services
    }
}
