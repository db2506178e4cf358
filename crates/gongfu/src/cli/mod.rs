//! The subcommands, one module per capability: `list` (the service list), `standards`,
//! `places`, `affordability`, `accounts`, and `server` (serve, demo, migrate, backup,
//! config). `main.rs` holds only the top of the command tree and the settings flags.

pub mod accounts;
pub mod affordability;
pub mod list;
pub mod places;
pub mod server;
pub mod standards;

use anyhow::{Context, Result};
use clap::Subcommand;
use gongfu_app::{Services, Settings};
use gongfu_catalog::Actor;
use std::path::Path;

/// What every subcommand runs with.
pub struct Ctx {
    /// The settings in effect.
    pub settings: Settings,
    /// Who the audit log names for changes made here.
    pub actor: Actor,
}

impl Ctx {
    /// The services over the configured database, opened and migrated. Subcommands read
    /// their input files first, so a wrong path leaves no empty database behind.
    pub async fn services(&self) -> Result<Services> {
        Ok(gongfu_app::open(&self.settings).await?)
    }
}

/// A file's name (as shown in messages) and bytes.
pub fn read(path: &Path) -> Result<(String, Vec<u8>)> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok((path.display().to_string(), bytes))
}

/// Writes a file, naming it when that fails.
pub fn write(path: &Path, bytes: impl AsRef<[u8]>) -> Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))
}

/// `gongfu import …`: data files, all or nothing; errors name the row and column.
#[derive(Subcommand)]
pub enum Import {
    #[command(flatten)]
    List(list::Import),
    #[command(flatten)]
    Standards(standards::Import),
    #[command(flatten)]
    Places(places::Import),
    #[command(flatten)]
    Affordability(affordability::Import),
}

/// `gongfu export …`.
#[derive(Subcommand)]
pub enum Export {
    #[command(flatten)]
    List(list::Export),
    #[command(flatten)]
    Standards(standards::Export),
    #[command(flatten)]
    Places(places::Export),
}

/// Runs an import.
pub async fn import(what: Import, ctx: &Ctx) -> Result<()> {
    match what {
        Import::List(w) => list::import(w, ctx).await,
        Import::Standards(w) => standards::import(w, ctx).await,
        Import::Places(w) => places::import(w, ctx).await,
        Import::Affordability(w) => affordability::import(w, ctx).await,
    }
}

/// Runs an export.
pub async fn export(what: Export, ctx: &Ctx) -> Result<()> {
    match what {
        Export::List(w) => list::export(w, ctx).await,
        Export::Standards(w) => standards::export(w, ctx).await,
        Export::Places(w) => places::export(w, ctx).await,
    }
}
