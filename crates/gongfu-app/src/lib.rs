//! The application: settings, logging, the composition root ([`services`]: the one place
//! the service graph is built), the assembled router, the demo loader and the server loop.
//! `Application::build` is what both the binary and the tests start, so a test boots
//! exactly what production runs (zero2prod's `spawn_app`). Background work (warming the
//! search index, purging ended sessions hourly; the ticket deadline scheduler and the
//! notification outbox worker when they come) is started in one place,
//! [`Application::run_until_stopped`].
//!
//! It must never hold business rules or SQL: it wires capability crates together.

pub mod demo;
pub mod settings;

use gongfu_affordability::Affordability;
use gongfu_catalog::Catalog;
use gongfu_db::Db;
use gongfu_domain::Clock;
use gongfu_edge::AppState;
pub use gongfu_edge::Services;
use gongfu_eligibility::Eligibility;
use gongfu_places::Places;
use gongfu_search::SiteSearch;
use gongfu_standards::Registry;
pub use settings::Settings;
use std::net::SocketAddr;
use std::sync::Arc;

/// Start-up failures.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The database could not be opened or migrated.
    #[error(transparent)]
    Db(#[from] gongfu_db::DbError),
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}; is another server using the port? choose another with --listen")]
    Bind {
        /// The address.
        addr: String,
        /// Cause.
        source: std::io::Error,
    },
    /// The demo data could not be loaded.
    #[error("loading the demo data failed: {0}")]
    Demo(String),
    /// A setting's value is wrong (checked again when the server starts).
    #[error(transparent)]
    Settings(#[from] settings::SettingsError),
}

/// The composition root: builds every capability over `db` once, with the settings they
/// read (standard-number rules, search synonyms). The server, the command line, the demo
/// loader, the tests and the benchmarks all get their services here, so they share one
/// graph and one set of caches.
pub fn services(db: Db, settings: &Settings) -> Result<Services, AppError> {
    services_with_clock(db, settings, Arc::new(SystemClock))
}

/// [`services`] on another clock (tests that need a fixed "now").
pub fn services_with_clock(
    db: Db,
    settings: &Settings,
    clock: Arc<dyn Clock>,
) -> Result<Services, AppError> {
    let synonyms = settings.synonyms()?;
    // Every reader of an uploaded table obeys these bounds, whichever capability it is for.
    gongfu_sheets::set_limits(gongfu_sheets::Limits {
        max_rows: settings.import_max_rows,
        ..gongfu_sheets::Limits::DEFAULT
    });
    let catalog = Arc::new(Catalog::new(db.clone(), clock.clone()));
    let standards = Arc::new(Registry::new(
        db.clone(),
        settings.number_rules(),
        catalog.clone(),
    ));
    let places = Arc::new(Places::new(db.clone(), catalog.clone()));
    let eligibility = Arc::new(Eligibility::new(
        db.clone(),
        catalog.clone(),
        places.clone(),
    ));
    let affordability = Arc::new(Affordability::new(eligibility.clone()));
    let accounts = Arc::new(gongfu_accounts::Accounts::new(db.clone(), clock.clone()));
    let search = Arc::new(SiteSearch::with_synonyms(
        catalog.clone(),
        standards.clone(),
        places.clone(),
        synonyms,
    ));
    Ok(Services {
        accounts,
        db,
        clock,
        catalog,
        standards,
        search,
        places,
        eligibility,
        affordability,
    })
}

/// The operating system's clock: the one place the application reads the time of day.
/// Everything below gets it from [`services`] as an `Arc<dyn Clock>`.
#[derive(Debug, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> time::OffsetDateTime {
        time::OffsetDateTime::now_utc()
    }
}

/// Opens and migrates the database of `settings` and builds the services over it.
pub async fn open(settings: &Settings) -> Result<Services, AppError> {
    let db = Db::connect(&settings.database_url).await?;
    db.migrate().await?;
    services(db, settings)
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// One human-readable line per event (development, a terminal).
    Text,
    /// One JSON object per event, with the span's fields (production, a log collector).
    Json,
}

/// Sets up logging once; later calls are ignored (tests call it repeatedly). `filter` is
/// an `EnvFilter` directive (`GONGFU_LOG`).
pub fn init_tracing(filter: &str, format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // Standard error, so a command's own output on standard output stays clean.
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
    };
}

/// Every route: the API and the pages, each request traced and every answer with the
/// security headers.
pub fn router(state: AppState) -> axum::Router {
    let https = state.secure_cookies;
    let in_flight = gongfu_edge::heavy::InFlight::shared();
    gongfu_http::router(state.clone())
        .merge(gongfu_web::router(state))
        .layer(axum::middleware::from_fn(move |req, next| {
            gongfu_edge::headers::apply(https, req, next)
        }))
        .layer(axum::middleware::from_fn(move |req, next| {
            gongfu_edge::heavy::shed(in_flight.clone(), req, next)
        }))
        .layer(axum::middleware::from_fn(gongfu_edge::trace::requests))
}

/// A bound, ready-to-run server.
pub struct Application {
    listener: tokio::net::TcpListener,
    addr: SocketAddr,
    state: AppState,
}

impl Application {
    /// Opens and migrates the database and binds the address (port 0 picks a free one).
    pub async fn build(settings: &Settings) -> Result<Self, AppError> {
        let db = Db::connect(&settings.database_url).await?;
        db.migrate().await?;
        Self::with_db(db, settings).await
    }

    /// Binds a server over an already open database, with the rest of `settings`
    /// (`database_url` is ignored).
    pub async fn with_db(db: Db, settings: &Settings) -> Result<Self, AppError> {
        let listen = settings.listen.as_str();
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(|source| AppError::Bind {
                addr: listen.into(),
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| AppError::Bind {
            addr: listen.into(),
            source,
        })?;
        Ok(Self {
            listener,
            addr,
            state: AppState::new(services(db, settings)?, settings.secure_cookies),
        })
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The database.
    pub fn db(&self) -> &Db {
        &self.state.db
    }

    /// The services the server runs.
    pub fn services(&self) -> &Services {
        self.state.services()
    }

    /// Serves until Ctrl-C (or SIGTERM), then drains and closes the database.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let db = self.state.db.clone();
        // Build the search index while the first visitors browse, so the first search does
        // not wait for it; a failure here is logged and retried by that search.
        let search = self.state.search.clone();
        tokio::spawn(async move {
            if let Err(e) = search.warm().await {
                tracing::warn!(error = %e, "warming the search index failed");
            }
        });
        // Sessions that expired or went idle are refused already; removing them keeps the
        // table small and leaves no live-looking tokens in a backup.
        let accounts = self.state.accounts.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(std::time::Duration::from_secs(3600));
            loop {
                every.tick().await;
                match accounts.purge_sessions().await {
                    Ok(n) if n > 0 => tracing::info!(sessions = n, "ended sessions removed"),
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "removing ended sessions failed"),
                }
            }
        });
        let app = router(self.state);
        // The peer address reaches handlers (login throttling reads it).
        axum::serve(
            self.listener,
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown_signal())
        .await?;
        db.close().await;
        Ok(())
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}
