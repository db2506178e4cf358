//! `gongfu`: the one binary. `serve` runs the server over a database URL; `demo` loads the
//! demonstration data into an embedded SQLite file and serves it; the other subcommands
//! manage the database and its data from the command line.
//!
//! Settings flags are generated from gongfu-app's settings table, so `--help`, the
//! environment variables and the example config file always agree.

use anyhow::{bail, Context, Result};
use clap::{Arg, ArgAction, CommandFactory, FromArgMatches, Parser, Subcommand};
use gongfu_app::settings::{self, Settings, SETTINGS};
use gongfu_app::Application;
use gongfu_catalog::export::ExportFormat;
use gongfu_catalog::import::{registry, Format};
use gongfu_catalog::{Actor, Catalog};
use gongfu_db::Db;
use gongfu_domain::geo::CoordSystem;
use gongfu_domain::Role;
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
        what: ImportWhat,
    },
    /// Export the list.
    Export {
        #[command(subcommand)]
        what: ExportWhat,
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
        what: UserWhat,
    },
    /// The standard system: parse numbers.
    Standards {
        #[command(subcommand)]
        what: StandardsWhat,
    },
    /// Configuration helpers.
    Config {
        #[command(subcommand)]
        what: ConfigWhat,
    },
    /// Fiscal affordability (财政承受能力评估): count the eligible for every item of a list
    /// version over a population, cost them by payer against the budget, optionally against
    /// a scenario or an adjustment, over 1-5 projected years. The run is kept.
    Simulate {
        /// Population id; the newest when absent (`gongfu simulate --synthesize 2024` makes one).
        #[arg(long)]
        population: Option<i64>,
        /// First synthesize a population matching this year's head counts.
        #[arg(long)]
        synthesize: Option<i64>,
        /// With --synthesize: share drawn (0.01 draws 1%, each person standing for 100).
        #[arg(long, default_value_t = 1.0)]
        scale: f64,
        /// List version; the newest when absent.
        #[arg(long)]
        version: Option<i64>,
        /// First year; the population's year when absent.
        #[arg(long)]
        start_year: Option<i32>,
        /// Years to project, 1 to 5.
        #[arg(long, default_value_t = 3)]
        years: u32,
        /// A scenario file (JSON: name, changes; see docs/affordability.md).
        #[arg(long)]
        scenario: Option<PathBuf>,
        /// Compare an adjustment's preview instead.
        #[arg(long)]
        adjustment: Option<i64>,
        /// Amber band, percent of the general budget expenditure.
        #[arg(long, default_value_t = 7.0)]
        amber: f64,
        /// Red band, percent.
        #[arg(long, default_value_t = 10.0)]
        red: f64,
        /// Yearly budget growth assumed past the last budget entered, percent.
        #[arg(long, default_value_t = 0.0)]
        budget_growth: f64,
        /// Write the workbook (汇总, 事项, 领域, 街道, 支付主体, 社区受益人数) here.
        #[arg(long)]
        xlsx: Option<PathBuf>,
        /// Print the whole result as JSON instead of the summary.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum ImportWhat {
    /// A list file (.xlsx, .csv, .json, HSDS .json or .zip, or .txt in the official text layout), as an adjustment; --publish publishes it at once.
    Items {
        /// The file.
        file: PathBuf,
        /// csv, xlsx, json, hsds, hsds-csv or text; guessed from the extension when absent.
        #[arg(long)]
        format: Option<String>,
        /// Title of the adjustment.
        #[arg(long)]
        title: Option<String>,
        /// Approve every change and publish a new version now.
        #[arg(long)]
        publish: bool,
        /// Label of the published version, e.g. 2025年版.
        #[arg(long, default_value = "")]
        label: String,
        /// Areas and categories (CSV or xlsx: 领域编号, 领域, 大类编号, 大类) for a file that
        /// does not carry its own, e.g. Futian's labels or Taizhou's 13 areas.
        #[arg(long, value_name = "FILE")]
        taxonomy: Option<PathBuf>,
    },
    /// Regions (代码, 名称, 起始年份, 终止年份, 数据来源).
    Regions {
        /// The file.
        file: PathBuf,
    },
    /// Populations (代码, 年份, 类型, 人数, 数据来源).
    Populations {
        /// The file.
        file: PathBuf,
    },
    /// Departments (名称, 简称, 数据来源).
    Departments {
        /// The file.
        file: PathBuf,
    },
    /// Standards (the 标准明细表 layout: 标准编号, 标准名称, 状态, 体系节点, 服务事项, ...);
    /// each row adds a standard or replaces the one with its number.
    Standards {
        /// The file (.csv or .xlsx).
        file: PathBuf,
    },
    /// The standard system tree (节点编号, 节点名称, 上级节点, 说明), replacing the current one.
    StandardTree {
        /// The file (.csv or .xlsx).
        file: PathBuf,
    },
    /// One text: a registered standard's text or an item's service guide (.docx or
    /// Markdown), replacing the text held for it.
    Text {
        /// The file.
        file: PathBuf,
        /// `standard` or `guide`.
        #[arg(long)]
        kind: String,
        /// The standard number or the item code.
        #[arg(long)]
        key: String,
    },
    /// Many texts at once, all or nothing: a folder with a manifest.csv (类型, 编号, 文件:
    /// standard or guide, the number or item code, the file's path inside the folder).
    Texts {
        /// The folder (or its manifest.csv).
        dir: PathBuf,
    },
    /// Service points (编码, 名称, 设施类型, 地址, 纬度, 经度, 坐标系, 电话, 开放时间, 容量,
    /// 建筑面积, 服务事项, 所属社区, 状态, 数据来源) from .csv, .xlsx or .geojson; a point
    /// whose code is held is replaced.
    Points {
        /// The file.
        file: PathBuf,
        /// Coordinate system of rows without a 坐标系: wgs84, gcj02 (Amap, Tencent) or bd09 (Baidu).
        #[arg(long, default_value = "wgs84")]
        coord: String,
    },
    /// Boundaries of the district, sub-districts and communities (GeoJSON Polygon or
    /// MultiPolygon features with properties.code); every point's community is derived again.
    Boundaries {
        /// The .geojson file.
        file: PathBuf,
    },
    /// A population table for the affordability assessment (CSV, one row per person, the
    /// profile's fields as columns: birth_date, sex, residency, community, ...).
    Population {
        /// The file.
        file: PathBuf,
        /// The year it describes (its reference date is 1 July).
        #[arg(long)]
        year: i64,
        /// Name shown to staff.
        #[arg(long, default_value = "")]
        name: String,
    },
    /// Unit costs (事项编码, 年度, 单位成本（元/人·年）, 中央/省级/市级/区级承担比例, 数据来源).
    Costs {
        /// The file.
        file: PathBuf,
    },
    /// Default payer shares per 支出责任 (支出责任, 中央/省级/市级/区级承担比例, 数据来源).
    PayerShares {
        /// The file.
        file: PathBuf,
    },
    /// General budget expenditure (区划代码, 年度, 一般公共预算支出（元）, 数据来源).
    Budgets {
        /// The file.
        file: PathBuf,
    },
    /// Residential sites (编码, 名称, 纬度, 经度, 坐标系, 人口, 所属社区, 数据来源).
    Sites {
        /// The file.
        file: PathBuf,
        /// Coordinate system of rows without a 坐标系.
        #[arg(long, default_value = "wgs84")]
        coord: String,
    },
}

#[derive(Subcommand)]
enum ExportWhat {
    /// Every service point.
    Points {
        /// geojson (WGS84, RFC 7946), hsds (HSDS 3.0 locations and service_at_location) or xlsx.
        #[arg(long, default_value = "geojson")]
        format: String,
        /// Coordinate system of the xlsx positions: wgs84, gcj02 or bd09.
        #[arg(long, default_value = "wgs84")]
        coord: String,
        /// The file to write.
        #[arg(long)]
        out: PathBuf,
    },
    /// The service-circle analysis (coverage, gaps, allocation) as xlsx.
    Circles {
        /// Walking distance within reach, metres.
        #[arg(long, default_value_t = 1000.0)]
        walk: f64,
        /// Walking / straight-line distance.
        #[arg(long, default_value_t = 1.0)]
        detour: f64,
        /// The file to write.
        #[arg(long)]
        out: PathBuf,
    },
    /// The registry as the 标准明细表 (imports back unchanged).
    Standards {
        /// xlsx or csv.
        #[arg(long, default_value = "xlsx")]
        format: String,
        /// The file to write.
        #[arg(long)]
        out: PathBuf,
    },
    /// The 标准体系表: the system tree with counts per node (xlsx).
    StandardTree {
        /// The file to write.
        #[arg(long)]
        out: PathBuf,
    },
    /// A version of the list.
    Items {
        /// xlsx, csv, json, hsds (HSDS 3.0 JSON) or hsds-csv (HSDS 3.0 CSV package, zipped).
        #[arg(long, default_value = "xlsx")]
        format: String,
        /// The file to write.
        #[arg(long)]
        out: PathBuf,
        /// Version number; the newest when absent.
        #[arg(long)]
        version: Option<i64>,
    },
}

#[derive(Subcommand)]
enum UserWhat {
    /// Create an account, or reset its password and role. The password is read from
    /// GONGFU_PASSWORD or, when unset, from the first line of standard input.
    Add {
        /// Login name.
        username: String,
        /// administrator, department_editor, reviewer or viewer.
        #[arg(long, default_value = "viewer")]
        role: String,
        /// Departments an editor works for (short names, separated by 、 or commas).
        #[arg(long, default_value = "")]
        departments: String,
        /// Name shown on pages.
        #[arg(long, default_value = "")]
        name: String,
    },
    /// List accounts.
    List,
}

#[derive(Subcommand)]
enum StandardsWhat {
    /// Take a standard number apart and print its canonical form; a malformed number is
    /// an error naming the part at fault. Internal norms follow --internal-norm-patterns.
    Parse {
        /// The number, e.g. "DB4403/T 300.1—2022".
        number: String,
        /// Print JSON (the API's shape) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Check a standard's text (.docx or Markdown) against GB/T 1.1-2020 and the registry.
    /// Prints one line per finding (file:line: severity[rule] clause: message); exits 1
    /// when any finding is an error.
    Check {
        /// The file.
        file: PathBuf,
        /// Print JSON (the API's shape) instead of text.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum ConfigWhat {
    /// Print an example config file with every setting and its default.
    Example,
    /// Print the settings in effect.
    Show,
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
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}

async fn open(settings: &Settings) -> Result<Db> {
    let db = Db::connect(&settings.database_url).await?;
    db.migrate().await?;
    Ok(db)
}

fn registry_over(db: Db, settings: &Settings) -> gongfu_standards::Registry {
    let catalog = std::sync::Arc::new(Catalog::new(db.clone()));
    gongfu_standards::Registry::new(db, settings.number_rules(), catalog)
}

fn places_over(db: Db) -> gongfu_places::Places {
    let catalog = std::sync::Arc::new(Catalog::new(db.clone()));
    gongfu_places::Places::new(db, catalog)
}

fn eligibility_over(db: Db) -> gongfu_eligibility::Eligibility {
    let catalog = std::sync::Arc::new(Catalog::new(db.clone()));
    let places = std::sync::Arc::new(gongfu_places::Places::new(db.clone(), catalog.clone()));
    gongfu_eligibility::Eligibility::new(db, catalog, places)
}

async fn import_finance(
    settings: &Settings,
    actor: &Actor,
    kind: &str,
    file: &PathBuf,
) -> Result<()> {
    let (fname, bytes) = read(file)?;
    let e = eligibility_over(open(settings).await?);
    let n = e.import_finance(actor, kind, &fname, &bytes).await?;
    println!("{fname}: {n} rows imported");
    Ok(())
}

/// The summary `gongfu simulate` prints: one line per year.
fn print_run(run: &gongfu_eligibility::service::Run) {
    use gongfu_eligibility::afford::PAYERS;
    println!("run {}: {} ({})", run.id, run.title, run.population);
    let Some(r) = &run.result else { return };
    let wan = |y: f64| format!("{:.0}万元", y / 10_000.0);
    for y in &r.years {
        let payers: Vec<String> = PAYERS
            .iter()
            .zip(y.base.by_payer)
            .map(|((_, zh), v)| format!("{zh} {}", wan(v)))
            .collect();
        let ratio =
            |v: Option<f64>| v.map_or("no budget".to_string(), |v| format!("{:.2}%", v * 100.0));
        print!(
            "{}: {} persons, {} beneficiaries, cost {} ({}), district share {} of budget: {}",
            y.year,
            y.persons,
            y.base.beneficiaries,
            wan(y.base.cost),
            payers.join(", "),
            ratio(y.base.ratio),
            y.base.band.label()
        );
        if let Some(c) = &y.candidate {
            print!(
                "; candidate {} (Δ {}, Δ beneficiaries {:+}), {}: {}",
                wan(c.cost),
                wan(c.cost - y.base.cost),
                c.beneficiaries as i64 - y.base.beneficiaries as i64,
                ratio(c.ratio),
                c.band.label()
            );
        }
        println!();
    }
    for n in &r.notes {
        println!("note: {n}");
    }
}

fn read(path: &PathBuf) -> Result<(String, Vec<u8>)> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok((path.display().to_string(), bytes))
}

async fn run() -> Result<()> {
    let matches = command().get_matches();
    let cli = Cli::from_arg_matches(&matches)?;
    let mut settings = load_settings(&matches)?;
    gongfu_app::init_tracing(&settings.log);
    let cli_actor = Actor::system("cli");
    match cli.command {
        Command::Serve => {
            let app = Application::build(&settings).await?;
            println!(
                "gongfu serving {} on http://{}",
                app.db().display_url(),
                app.addr()
            );
            app.run_until_stopped().await?;
        }
        Command::Demo => {
            gongfu_app::demo::apply_settings(&mut settings);
            let path = PathBuf::from(&settings.data_dir).join("gongfu.db");
            settings.database_url = format!("sqlite://{}", path.display());
            let app = Application::build(&settings).await?;
            let summary = gongfu_app::demo::load(app.db()).await?;
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
            let runs = gongfu_app::demo::run_affordability(app.db()).await?;
            if runs > 0 {
                println!(
                    "ran {runs} affordability assessments over the synthetic population in {:.1} s",
                    t.elapsed().as_secs_f64()
                );
            }
            println!();
            println!("  open      http://{}/", app.addr());
            println!("  standards http://{}/standards", app.addr());
            println!("  nearby    http://{}/nearby", app.addr());
            println!("  circles   http://{}/circles", app.addr());
            println!(
                "  enjoy     http://{}/eligibility  (我能享受什么)",
                app.addr()
            );
            println!(
                "  afford    http://{}/admin/affordability  (财政承受能力评估)",
                app.addr()
            );
            println!(
                "  search    http://{}/search?q=%E8%80%81%E5%B9%B4%E4%BA%BA%E4%BD%93%E6%A3%80  (老年人体检)",
                app.addr()
            );
            println!("  admin     http://{}/admin", app.addr());
            for (user, pass, role, _) in gongfu_app::demo::DEMO_ACCOUNTS {
                println!("  login     {user} / {pass}  ({})", role.label());
            }
            println!();
            println!("demo passwords are public: never expose the demo database to a network. Ctrl-C stops.");
            app.run_until_stopped().await?;
        }
        Command::Migrate => {
            let db = Db::connect(&settings.database_url).await?;
            let ran = db.migrate().await?;
            println!("{} migration(s) applied to {}", ran.len(), db.display_url());
        }
        // Each import reads its file before opening the database, so a wrong path
        // leaves no empty database behind.
        Command::Import { what } => {
            match what {
                ImportWhat::Items {
                    file,
                    format,
                    title,
                    publish,
                    label,
                    taxonomy,
                } => {
                    let format = format
                        .as_deref()
                        .map(|f| {
                            Format::parse(f).with_context(|| {
                                format!("unknown format '{f}'; use csv, xlsx, json, hsds, hsds-csv or text")
                            })
                        })
                        .transpose()?;
                    let (name, bytes) = read(&file)?;
                    let db = open(&settings).await?;
                    let taxonomy = match taxonomy {
                        Some(path) => {
                            let (tname, tbytes) = read(&path)?;
                            Some(gongfu_catalog::import::read_taxonomy(&tname, &tbytes)?)
                        }
                        None => None,
                    };
                    let catalog = Catalog::new(db);
                    let title = title.unwrap_or_else(|| format!("导入 {name}"));
                    let o = catalog
                        .import(
                            &cli_actor,
                            gongfu_catalog::ImportRequest {
                                taxonomy: taxonomy.as_ref(),
                                file: &name,
                                bytes: &bytes,
                                format,
                                title: &title,
                                label: &label,
                                publish,
                            },
                        )
                        .await?;
                    println!(
                        "{name}: {} added, {} modified, {} retired{}",
                        o.added,
                        o.modified,
                        o.retired,
                        if o.taxonomy_changed {
                            ", areas/categories changed"
                        } else {
                            ""
                        }
                    );
                    match o.version {
                        Some(v) => println!("published version {v}"),
                        None => println!("opened adjustment {} for review; approve it in /admin or rerun with --publish", o.adjustment_id),
                    }
                }
                ImportWhat::Regions { file } => {
                    let (name, bytes) = read(&file)?;
                    let db = open(&settings).await?;
                    let regions = registry::read_regions(&name, &bytes)?;
                    gongfu_db::regions::upsert(&db, &regions, &[], "cli").await?;
                    println!("{name}: {} regions imported", regions.len());
                }
                ImportWhat::Populations { file } => {
                    let (name, bytes) = read(&file)?;
                    let db = open(&settings).await?;
                    let known: Vec<_> = gongfu_db::regions::list(&db)
                        .await?
                        .into_iter()
                        .map(|r| r.code)
                        .collect();
                    let pops = registry::read_populations(&name, &bytes, &known)?;
                    gongfu_db::regions::upsert(&db, &[], &pops, "cli").await?;
                    println!("{name}: {} population rows imported", pops.len());
                }
                ImportWhat::Standards { file } => {
                    let (name, bytes) = read(&file)?;
                    let registry = registry_over(open(&settings).await?, &settings);
                    let o = registry.import_standards(&cli_actor, &name, &bytes).await?;
                    println!(
                        "{name}: {} standards added, {} replaced",
                        o.added, o.updated
                    );
                }
                ImportWhat::StandardTree { file } => {
                    let (name, bytes) = read(&file)?;
                    let registry = registry_over(open(&settings).await?, &settings);
                    let n = registry.import_tree(&cli_actor, &name, &bytes).await?;
                    println!("{name}: the standard system tree now has {n} nodes");
                }
                ImportWhat::Text { file, kind, key } => {
                    let (name, bytes) = read(&file)?;
                    let registry = registry_over(open(&settings).await?, &settings);
                    let upload = gongfu_standards::texts::TextUpload {
                        kind: gongfu_standards::texts::TextKind::parse(&kind)?,
                        key: key.clone(),
                        file: name.clone(),
                        bytes,
                    };
                    registry.import_texts(&cli_actor, &[upload], false).await?;
                    println!("{name}: imported as the {kind} text of {key}");
                }
                ImportWhat::Texts { dir } => {
                    let (dir, manifest) = if dir.is_dir() {
                        (dir.clone(), dir.join("manifest.csv"))
                    } else {
                        (
                            dir.parent().map(PathBuf::from).unwrap_or_default(),
                            dir.clone(),
                        )
                    };
                    let (mname, mbytes) = read(&manifest)?;
                    let uploads = gongfu_standards::texts::read_manifest(&mname, &mbytes, |f| {
                        std::fs::read(dir.join(f)).map_err(|e| e.to_string())
                    })?;
                    let registry = registry_over(open(&settings).await?, &settings);
                    let n = registry.import_texts(&cli_actor, &uploads, false).await?;
                    println!("{mname}: {n} texts imported");
                }
                ImportWhat::Points { file, coord } => {
                    let coord: CoordSystem = coord.parse().map_err(anyhow::Error::msg)?;
                    let (name, bytes) = read(&file)?;
                    let places = places_over(open(&settings).await?);
                    let c = places
                        .import_points(&cli_actor, &name, &bytes, coord, false)
                        .await?;
                    println!(
                        "{name}: {} points added, {} replaced",
                        c.inserted, c.updated
                    );
                }
                ImportWhat::Population { file, year, name } => {
                    let (fname, bytes) = read(&file)?;
                    let e = eligibility_over(open(&settings).await?);
                    let id = e
                        .import_population(&cli_actor, &name, year, &fname, &bytes)
                        .await?;
                    println!("{fname}: imported as population {id}");
                }
                ImportWhat::Costs { file } => {
                    import_finance(&settings, &cli_actor, "costs", &file).await?
                }
                ImportWhat::PayerShares { file } => {
                    import_finance(&settings, &cli_actor, "shares", &file).await?
                }
                ImportWhat::Budgets { file } => {
                    import_finance(&settings, &cli_actor, "budgets", &file).await?
                }
                ImportWhat::Boundaries { file } => {
                    let (name, bytes) = read(&file)?;
                    let places = places_over(open(&settings).await?);
                    let c = places
                        .import_boundaries(&cli_actor, &name, &bytes, false)
                        .await?;
                    println!(
                        "{name}: {} boundaries added, {} replaced",
                        c.inserted, c.updated
                    );
                }
                ImportWhat::Sites { file, coord } => {
                    let coord: CoordSystem = coord.parse().map_err(anyhow::Error::msg)?;
                    let (name, bytes) = read(&file)?;
                    let places = places_over(open(&settings).await?);
                    let c = places
                        .import_sites(&cli_actor, &name, &bytes, coord, false)
                        .await?;
                    println!(
                        "{name}: {} residential sites added, {} replaced",
                        c.inserted, c.updated
                    );
                }
                ImportWhat::Departments { file } => {
                    let (name, bytes) = read(&file)?;
                    let db = open(&settings).await?;
                    let depts = registry::read_departments(&name, &bytes)?;
                    gongfu_db::regions::upsert_departments(&db, &depts, "cli").await?;
                    println!("{name}: {} departments imported", depts.len());
                }
            }
        }
        Command::Export {
            what: ExportWhat::Standards { format, out },
        } => {
            let registry = registry_over(open(&settings).await?, &settings);
            let tree = registry.tree().await?;
            let all = registry.standards().await?;
            let bytes = match format.as_str() {
                "xlsx" => gongfu_standards::export::standards_xlsx(&all, &tree)?,
                "csv" => gongfu_standards::export::standards_csv(&all, &tree),
                other => bail!("unknown format '{other}'; use xlsx or csv"),
            };
            std::fs::write(&out, bytes)
                .with_context(|| format!("cannot write {}", out.display()))?;
            println!("wrote {} standards to {}", all.len(), out.display());
        }
        Command::Export {
            what: ExportWhat::Points { format, coord, out },
        } => {
            use gongfu_places::export::{self, PointFormat};
            let format = PointFormat::parse(&format)?;
            let coord: CoordSystem = coord.parse().map_err(anyhow::Error::msg)?;
            let places = places_over(open(&settings).await?);
            let l = places.loaded().await?;
            let all: Vec<_> = l.points.iter().collect();
            let bytes = match format {
                PointFormat::GeoJson => export::geojson(&all, &l, places.types())
                    .to_string()
                    .into_bytes(),
                PointFormat::Hsds => {
                    serde_json::to_vec_pretty(&export::hsds(&all, places.types()))?
                }
                PointFormat::Xlsx => export::xlsx(&all, places.types(), coord)?,
            };
            std::fs::write(&out, bytes)
                .with_context(|| format!("cannot write {}", out.display()))?;
            println!("wrote {} service points to {}", all.len(), out.display());
        }
        Command::Export {
            what: ExportWhat::Circles { walk, detour, out },
        } => {
            let params = gongfu_places::Places::circle_params(Some(walk), Some(detour))?;
            let places = places_over(open(&settings).await?);
            let (l, report) = places.circles(params).await?;
            let (_, alloc) = places.allocation().await?;
            let bytes = gongfu_places::export::circles_xlsx(
                &l,
                &report,
                &alloc,
                places.norms(),
                places.types(),
            )?;
            std::fs::write(&out, bytes)
                .with_context(|| format!("cannot write {}", out.display()))?;
            println!(
                "wrote the service-circle analysis ({} residential sites, {} points) to {}",
                l.sites.len(),
                l.points.len(),
                out.display()
            );
        }
        Command::Export {
            what: ExportWhat::StandardTree { out },
        } => {
            let registry = registry_over(open(&settings).await?, &settings);
            let counts = registry.tree_counts(gongfu_standards::today()).await?;
            let bytes = gongfu_standards::export::tree_xlsx(&counts)?;
            std::fs::write(&out, bytes)
                .with_context(|| format!("cannot write {}", out.display()))?;
            println!(
                "wrote the standard system table ({} nodes) to {}",
                counts.len(),
                out.display()
            );
        }
        Command::Export {
            what:
                ExportWhat::Items {
                    format,
                    out,
                    version,
                },
        } => {
            let f = ExportFormat::parse(&format).with_context(|| {
                format!("unknown format '{format}'; use xlsx, csv, json, hsds or hsds-csv")
            })?;
            let catalog = Catalog::new(open(&settings).await?);
            let Some(s) = catalog.snapshot(version).await? else {
                bail!("no such version; `gongfu import items FILE --publish` publishes the first")
            };
            let bytes = gongfu_catalog::export::export(&s, f)?;
            std::fs::write(&out, bytes)
                .with_context(|| format!("cannot write {}", out.display()))?;
            println!(
                "wrote version {} ({} items) to {}",
                s.version.number,
                s.items.len(),
                out.display()
            );
        }
        Command::Simulate {
            population,
            synthesize,
            scale,
            version,
            start_year,
            years,
            scenario,
            adjustment,
            amber,
            red,
            budget_growth,
            xlsx,
            json,
        } => {
            // Read the scenario before touching the database: a bad file changes nothing.
            let scenario = match scenario {
                Some(path) => {
                    let (name, bytes) = read(&path)?;
                    let v: serde_json::Value = serde_json::from_slice(&bytes)
                        .with_context(|| format!("{name} is not JSON"))?;
                    Some(
                        gongfu_eligibility::afford::Scenario::from_value(v)
                            .map_err(|e| anyhow::anyhow!("{name}: {e}"))?,
                    )
                }
                None => None,
            };
            let e = eligibility_over(open(&settings).await?);
            let population = match synthesize {
                Some(year) => {
                    let id = e
                        .synthesize(
                            &cli_actor,
                            gongfu_eligibility::service::SynthRequest {
                                year,
                                scale: Some(scale),
                                ..Default::default()
                            },
                        )
                        .await?;
                    println!("synthesized population {id} for {year}");
                    Some(id)
                }
                None => population,
            };
            let run = e
                .run(
                    &cli_actor,
                    gongfu_eligibility::service::RunRequest {
                        version,
                        population,
                        start_year,
                        years: Some(years),
                        scenario,
                        adjustment,
                        bands: Some(gongfu_eligibility::afford::Bands {
                            amber: amber / 100.0,
                            red: red / 100.0,
                        }),
                        budget_growth: Some(budget_growth / 100.0),
                        ..Default::default()
                    },
                )
                .await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&run)?);
            } else {
                print_run(&run);
            }
            if let (Some(path), Some(result)) = (xlsx, &run.result) {
                let bytes = gongfu_eligibility::report::xlsx_report(&run.title, result)?;
                std::fs::write(&path, bytes)
                    .with_context(|| format!("cannot write {}", path.display()))?;
                println!("wrote {}", path.display());
            }
        }
        Command::Backup { to } => {
            let db = Db::connect(&settings.database_url).await?;
            db.backup(&to).await?;
            println!("backed up {} to {}", db.display_url(), to.display());
        }
        Command::User {
            what:
                UserWhat::Add {
                    username,
                    role,
                    departments,
                    name,
                },
        } => {
            let role = Role::parse(&role).with_context(|| format!("unknown role '{role}'; use administrator, department_editor, reviewer or viewer"))?;
            let password = match std::env::var("GONGFU_PASSWORD") {
                Ok(p) => p,
                Err(_) => {
                    eprintln!("password for {username} (one line on standard input):");
                    let mut line = String::new();
                    std::io::stdin().read_line(&mut line)?;
                    line.trim_end_matches(['\r', '\n']).to_string()
                }
            };
            let db = open(&settings).await?;
            let depts = gongfu_domain::text::split_list(&departments);
            gongfu_accounts::save_user(&db, &username, &name, &password, role, &depts, "cli")
                .await?;
            println!("saved user {username} ({})", role.label());
        }
        Command::User {
            what: UserWhat::List,
        } => {
            let db = open(&settings).await?;
            for u in gongfu_db::accounts::users(&db).await? {
                println!(
                    "{}\t{}\t{}\t{}{}",
                    u.username,
                    u.display_name,
                    u.role.as_str(),
                    u.departments.join("、"),
                    if u.disabled { "\tdisabled" } else { "" }
                );
            }
        }
        Command::Standards {
            what: StandardsWhat::Parse { number, json },
        } => {
            let rules = settings.number_rules();
            let n = gongfu_domain::StandardNumber::parse(&number, &rules)?;
            let v = gongfu_standards::view::NumberView::new(&n, &rules);
            if json {
                println!("{}", serde_json::to_string_pretty(&v)?);
            } else {
                println!("canonical  {}", v.canonical);
                println!("official   {}", v.official);
                println!("level      {} ({})", v.level_label, v.level);
                println!("code       {}", v.code);
                if !v.issuer.is_empty() {
                    let name = v.issuer_name.as_deref().unwrap_or("");
                    println!("issuer     {} {name}", v.issuer);
                }
                println!("serial     {}", v.serial);
                if !v.parts.is_empty() {
                    println!("parts      {}", v.parts.join("."));
                }
                match v.year {
                    Some(y) => println!("year       {y}"),
                    None => println!("year       (undated: refers to the latest edition)"),
                }
            }
        }
        Command::Standards {
            what: StandardsWhat::Check { file, json },
        } => {
            let (name, bytes) = read(&file)?;
            let registry = registry_over(open(&settings).await?, &settings);
            let (doc, findings) = registry.check(&name, &bytes).await?;
            if json {
                let v = serde_json::json!({
                    "file": name, "title": doc.title, "number": doc.number, "findings": findings,
                });
                println!("{}", serde_json::to_string_pretty(&v)?);
            } else {
                print!("{}", gongfu_texts::render_text(&findings, &name));
            }
            if findings
                .iter()
                .any(|f| f.severity == gongfu_texts::Severity::Error)
            {
                std::process::exit(1);
            }
        }
        Command::Config {
            what: ConfigWhat::Example,
        } => print!("{}", settings::example_toml()),
        Command::Config {
            what: ConfigWhat::Show,
        } => println!("{settings:#?}"),
    }
    Ok(())
}
