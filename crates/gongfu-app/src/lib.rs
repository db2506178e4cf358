//! The application: settings, logging, the assembled router, the demo loader and the
//! server loop. `Application::build` is what both the binary and the tests start, so a
//! test boots exactly what production runs (zero2prod's `spawn_app`).
//!
//! It must never hold business rules or SQL: it wires capability crates together.

pub mod demo;
pub mod settings;

use gongfu_db::Db;
use gongfu_http::AppState;
pub use settings::Settings;
use std::net::SocketAddr;

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

/// Sets up logging once; later calls are ignored (tests call it repeatedly).
pub fn init_tracing(filter: &str) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .try_init();
}

/// Every route: the API and the pages.
pub fn router(state: AppState) -> axum::Router {
    gongfu_http::router(state.clone()).merge(gongfu_web::router(state))
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
        let synonyms = settings.synonyms()?;
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
            state: AppState::new(
                db,
                settings.secure_cookies,
                settings.number_rules(),
                synonyms,
            ),
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
        let app = router(self.state);
        axum::serve(self.listener, app)
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
