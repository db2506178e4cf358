//! Running and keeping the installation: serve, demo, migrate, backup, config.

use super::Ctx;
use anyhow::Result;
use clap::Subcommand;
use gongfu_app::settings;
use gongfu_app::Application;
use gongfu_db::Db;
use std::path::{Path, PathBuf};

/// `gongfu config …`.
#[derive(Subcommand)]
pub enum Config {
    /// Print an example config file with every setting and its default.
    Example,
    /// Print the settings in effect.
    Show,
}

/// `gongfu serve`.
pub async fn serve(ctx: &Ctx) -> Result<()> {
    let app = Application::build(&ctx.settings).await?;
    println!(
        "gongfu serving {} on http://{}",
        app.db().display_url(),
        app.addr()
    );
    app.run_until_stopped().await?;
    Ok(())
}

/// `gongfu demo`: the demo data in an embedded SQLite file, served.
pub async fn demo(mut ctx: Ctx) -> Result<()> {
    let settings = &mut ctx.settings;
    gongfu_app::demo::apply_settings(settings);
    let path = PathBuf::from(&settings.data_dir).join("gongfu.db");
    settings.database_url = format!("sqlite://{}", path.display());
    let app = Application::build(settings).await?;
    let summary = gongfu_app::demo::load(app.services()).await?;
    if summary.loaded {
        println!("loaded the demo data into {}", path.display());
    } else {
        println!("reusing the demo database {}", path.display());
    }
    println!(
        "{} versions, {} items in the newest",
        summary.versions, summary.items
    );
    let t = std::time::Instant::now();
    let runs = gongfu_app::demo::run_affordability(app.services()).await?;
    if runs > 0 {
        println!(
            "ran {runs} affordability assessments over the synthetic population in {:.1} s",
            t.elapsed().as_secs_f64()
        );
    }
    let a = app.addr();
    println!();
    println!("  open      http://{a}/");
    println!("  standards http://{a}/standards");
    println!("  nearby    http://{a}/nearby");
    println!("  circles   http://{a}/circles");
    println!("  enjoy     http://{a}/eligibility  (我能享受什么)");
    println!("  afford    http://{a}/admin/affordability  (财政承受能力评估)");
    println!(
        "  search    http://{a}/search?q=%E8%80%81%E5%B9%B4%E4%BA%BA%E4%BD%93%E6%A3%80  (老年人体检)"
    );
    println!("  admin     http://{a}/admin");
    for (user, pass, role, _) in gongfu_app::demo::DEMO_ACCOUNTS {
        println!("  login     {user} / {pass}  ({})", role.label());
    }
    println!();
    println!(
        "demo passwords are public: never expose the demo database to a network. Ctrl-C stops."
    );
    app.run_until_stopped().await?;
    Ok(())
}

/// `gongfu migrate`.
pub async fn migrate(ctx: &Ctx) -> Result<()> {
    let db = Db::connect(&ctx.settings.database_url).await?;
    let ran = db.migrate().await?;
    println!("{} migration(s) applied to {}", ran.len(), db.display_url());
    Ok(())
}

/// `gongfu backup --to FILE`.
pub async fn backup(to: &Path, ctx: &Ctx) -> Result<()> {
    let db = Db::connect(&ctx.settings.database_url).await?;
    db.backup(to).await?;
    println!("backed up {} to {}", db.display_url(), to.display());
    Ok(())
}

/// `gongfu config …`.
pub fn config(what: Config, ctx: &Ctx) {
    match what {
        Config::Example => print!("{}", settings::example_toml()),
        Config::Show => println!("{:#?}", ctx.settings),
    }
}
