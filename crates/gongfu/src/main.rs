//! `gongfu`: the one binary. `serve` runs the server over a database URL; `demo` loads the
//! demonstration data into an embedded SQLite file and serves it; the other subcommands
//! manage the database and its data from the command line, one module per capability in
//! `cli/`.
//!
//! Settings flags are generated from gongfu-app's settings table, so `--help`, the
//! environment variables and the example config file always agree.

mod cli;

use anyhow::{Context, Result};
use clap::{Arg, ArgAction, CommandFactory, FromArgMatches, Parser, Subcommand};
use gongfu_app::settings::{self, Settings, SETTINGS};
use gongfu_catalog::Actor;
use std::collections::BTreeMap;
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "gongfu",
    version,
    about = "基本公共服务标准化平台: the basic public service list, its standards, service points and eligibility."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web pages and the API over --database-url.
    Serve,
    /// Load the demo data into an embedded SQLite database in --data-dir (created or reused) and serve it.
    Demo,
    /// Apply database migrations and exit.
    Migrate,
    /// Import data files (all or nothing; errors name the row and column).
    Import {
        #[command(subcommand)]
        what: cli::Import,
    },
    /// Export the list, the standard system, service points and circles.
    Export {
        #[command(subcommand)]
        what: cli::Export,
    },
    /// Write a consistent copy of the SQLite database while the server runs.
    Backup {
        /// The file to write; must not exist.
        #[arg(long)]
        to: PathBuf,
    },
    /// Manage staff accounts.
    User {
        #[command(subcommand)]
        what: cli::accounts::User,
    },
    /// The standard system: parse numbers, check texts.
    Standards {
        #[command(subcommand)]
        what: cli::standards::Command,
    },
    /// Configuration helpers.
    Config {
        #[command(subcommand)]
        what: cli::server::Config,
    },
    /// Fiscal affordability (财政承受能力评估): count the eligible for every item of a list
    /// version over a population, cost them by payer against the budget, optionally against
    /// a scenario or an adjustment, over 1-5 projected years. The run is kept.
    Simulate(cli::affordability::Simulate),
}

fn command() -> clap::Command {
    let mut cmd = Cli::command().arg(
        Arg::new("config")
            .long("config")
            .env("GONGFU_CONFIG")
            .global(true)
            .value_name("FILE")
            .help("TOML config file with any of the settings below"),
    );
    for s in SETTINGS {
        let flag = s.flag();
        cmd = cmd.arg(
            Arg::new(s.key)
                .long(flag)
                .global(true)
                .action(ArgAction::Set)
                .value_name("VALUE")
                .help(format!(
                    "{} [env: {}] [default: {}]",
                    s.help, s.env, s.default
                )),
        );
    }
    cmd
}

fn load_settings(m: &clap::ArgMatches) -> Result<Settings> {
    let mut flags = BTreeMap::new();
    for s in SETTINGS {
        if let Some(v) = m.get_one::<String>(s.key) {
            flags.insert(s.key.to_string(), v.clone());
        }
    }
    let file = match m.get_one::<String>("config") {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read config file {path}"))?;
            settings::read_file(path, &text)?
        }
        None => BTreeMap::new(),
    };
    Ok(Settings::resolve(&flags, |k| std::env::var(k).ok(), &file)?)
}

#[tokio::main]
async fn main() {
    if let Err(e) = run().await {
        eprintln!(
            "{}",
            gongfu_domain::msg!("cli-error", error = format!("{e:#}"))
        );
        std::process::exit(1);
    }
}

async fn run() -> Result<()> {
    let matches = command().get_matches();
    let cli = Cli::from_arg_matches(&matches)?;
    let settings = load_settings(&matches)?;
    gongfu_app::init_tracing(&settings.log, settings.log_format);
    let ctx = cli::Ctx {
        settings,
        actor: Actor::system("cli"),
    };
    match cli.command {
        Command::Serve => cli::server::serve(&ctx).await,
        Command::Demo => cli::server::demo(ctx).await,
        Command::Migrate => cli::server::migrate(&ctx).await,
        Command::Backup { to } => cli::server::backup(&to, &ctx).await,
        Command::Config { what } => {
            cli::server::config(what, &ctx);
            Ok(())
        }
        // Each import reads its file before opening the database, so a wrong path
        // leaves no empty database behind.
        Command::Import { what } => cli::import(what, &ctx).await,
        Command::Export { what } => cli::export(what, &ctx).await,
        Command::User { what } => cli::accounts::run(what, &ctx).await,
        Command::Standards { what } => cli::standards::run(what, &ctx).await,
        Command::Simulate(args) => cli::affordability::simulate(args, &ctx).await,
    }
}
