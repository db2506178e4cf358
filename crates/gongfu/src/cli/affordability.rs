//! Fiscal affordability (财政承受能力评估): `gongfu simulate`, and the imports of
//! populations, unit costs, payer shares and budgets.

use super::{read, write, Ctx};
use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use std::path::PathBuf;

/// Affordability imports.
#[derive(Subcommand)]
pub enum Import {
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
}

/// Runs an affordability import.
pub async fn import(what: Import, ctx: &Ctx) -> Result<()> {
    let (kind, file) = match what {
        Import::Population { file, year, name } => {
            let (fname, bytes) = read(&file)?;
            let s = ctx.services().await?;
            let id = s
                .affordability
                .import_population(&ctx.actor, &name, year, &fname, &bytes)
                .await?;
            println!(
                "{}",
                gongfu_domain::msg!("cli-population-imported", file = fname, id = id)
            );
            return Ok(());
        }
        Import::Costs { file } => ("costs", file),
        Import::PayerShares { file } => ("shares", file),
        Import::Budgets { file } => ("budgets", file),
    };
    let (fname, bytes) = read(&file)?;
    let s = ctx.services().await?;
    let n = s
        .affordability
        .import_finance(&ctx.actor, kind, &fname, &bytes)
        .await?;
    println!(
        "{}",
        gongfu_domain::msg!("cli-rows-imported", file = fname, count = n, what = "行")
    );
    Ok(())
}

/// Fiscal affordability (财政承受能力评估): count the eligible for every item of a list
/// version over a population, cost them by payer against the budget, optionally against
/// a scenario or an adjustment, over 1-5 projected years. The run is kept.
#[derive(Args)]
pub struct Simulate {
    /// Population id; the newest when absent (`gongfu simulate --synthesize 2024` makes one).
    #[arg(long)]
    pub population: Option<i64>,
    /// First synthesize a population matching this year's head counts.
    #[arg(long)]
    pub synthesize: Option<i64>,
    /// With --synthesize: share drawn (0.01 draws 1%, each person standing for 100).
    #[arg(long, default_value_t = 1.0)]
    pub scale: f64,
    /// List version; the newest when absent.
    #[arg(long)]
    pub version: Option<i64>,
    /// First year; the population's year when absent.
    #[arg(long)]
    pub start_year: Option<i32>,
    /// Years to project, 1 to 5.
    #[arg(long, default_value_t = 3)]
    pub years: u32,
    /// A scenario file (JSON: name, changes; see docs/affordability.md).
    #[arg(long)]
    pub scenario: Option<PathBuf>,
    /// Compare an adjustment's preview instead.
    #[arg(long)]
    pub adjustment: Option<i64>,
    /// Amber band, percent of the general budget expenditure.
    #[arg(long, default_value_t = 7.0)]
    pub amber: f64,
    /// Red band, percent.
    #[arg(long, default_value_t = 10.0)]
    pub red: f64,
    /// Yearly budget growth assumed past the last budget entered, percent.
    #[arg(long, default_value_t = 0.0)]
    pub budget_growth: f64,
    /// Write the workbook (汇总, 事项, 领域, 街道, 支付主体, 社区受益人数, 假设与说明) here.
    #[arg(long)]
    pub xlsx: Option<PathBuf>,
    /// Print the whole result as JSON instead of the summary.
    #[arg(long)]
    pub json: bool,
}

/// Runs `gongfu simulate`.
pub async fn simulate(args: Simulate, ctx: &Ctx) -> Result<()> {
    let Simulate {
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
    } = args;
    // Read the scenario before touching the database: a bad file changes nothing.
    let scenario = match scenario {
        Some(path) => {
            let (name, bytes) = read(&path)?;
            let v: serde_json::Value =
                serde_json::from_slice(&bytes).with_context(|| format!("{name} is not JSON"))?;
            Some(
                gongfu_affordability::afford::Scenario::from_value(v)
                    .map_err(|e| anyhow::anyhow!("{name}: {e}"))?,
            )
        }
        None => None,
    };
    let s = ctx.services().await?;
    let e = &s.affordability;
    let population = match synthesize {
        Some(year) => {
            let id = e
                .synthesize(
                    &ctx.actor,
                    gongfu_affordability::service::SynthRequest {
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
            &ctx.actor,
            gongfu_affordability::service::RunRequest {
                version,
                population,
                start_year,
                years: Some(years),
                scenario,
                adjustment,
                bands: Some(gongfu_affordability::afford::Bands {
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
        let bytes = gongfu_affordability::report::xlsx_report(&run.title, result)?;
        write(&path, bytes)?;
        println!("wrote {}", path.display());
    }
    Ok(())
}

/// The summary `gongfu simulate` prints: one line per year.
fn print_run(run: &gongfu_affordability::service::Run) {
    use gongfu_affordability::afford::PAYERS;
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
    for u in &r.without_rule {
        println!(
            "警告：事项 {} {} {}，受益人数无法计算，费用按0计；请补充其资格规则后重新测算",
            u.code, u.name, u.reason
        );
    }
    for a in &r.assumptions {
        println!("假设：{} {}（{}）", a.name, a.value, a.basis);
    }
    for n in &r.notes {
        println!("note: {n}");
    }
}
