//! The service list: import list files, regions, populations and departments; export a
//! version.

use super::{read, write, Ctx};
use anyhow::{bail, Context, Result};
use clap::Subcommand;
use gongfu_catalog::export::ExportFormat;
use gongfu_catalog::import::{registry, Format};
use std::path::PathBuf;

/// List imports.
#[derive(Subcommand)]
pub enum Import {
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
    /// An edition of the national standard (国家基本公共服务标准) as the reference list every
    /// adjustment is checked against (不低于国家标准): the official text layout (.txt) or any
    /// list file, of which the rows with 来源层级 国家 are kept. Stored once, never changed.
    National {
        /// The file.
        file: PathBuf,
        /// The edition, e.g. 2021 or 2023.
        #[arg(long)]
        edition: String,
        /// Its title; 国家基本公共服务标准（EDITION年版） when absent.
        #[arg(long, default_value = "")]
        label: String,
        /// csv, xlsx, json or text; guessed from the extension when absent.
        #[arg(long)]
        format: Option<String>,
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
}

/// List exports.
#[derive(Subcommand)]
pub enum Export {
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

/// The `--format` of an import, when given.
fn parse_format(format: Option<&str>) -> Result<Option<Format>> {
    format
        .map(|f| {
            Format::parse(f).with_context(|| {
                gongfu_domain::msg!(
                    "cli-format-unknown",
                    value = f,
                    formats = "csv、xlsx、json、hsds、hsds-csv、text"
                )
            })
        })
        .transpose()
}

/// Runs a list import.
pub async fn import(what: Import, ctx: &Ctx) -> Result<()> {
    match what {
        Import::Items {
            file,
            format,
            title,
            publish,
            label,
            taxonomy,
        } => {
            let format = parse_format(format.as_deref())?;
            let (name, bytes) = read(&file)?;
            let taxonomy = match taxonomy {
                Some(path) => {
                    let (tname, tbytes) = read(&path)?;
                    Some(gongfu_catalog::import::read_taxonomy(&tname, &tbytes)?)
                }
                None => None,
            };
            let s = ctx.services().await?;
            let title = title.unwrap_or_else(|| format!("导入 {name}"));
            let o = s
                .catalog
                .import(
                    &ctx.actor,
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
                "{}",
                gongfu_domain::msg!(
                    "cli-list-imported",
                    file = name,
                    added = o.added,
                    modified = o.modified,
                    retired = o.retired,
                    taxonomy = if o.taxonomy_changed {
                        gongfu_domain::msg!("cli-taxonomy-changed")
                    } else {
                        String::new()
                    }
                )
            );
            match o.version {
                Some(v) => println!("{}", gongfu_domain::msg!("cli-published", version = v)),
                None => println!(
                    "{}",
                    gongfu_domain::msg!("cli-adjustment-opened", id = o.adjustment_id)
                ),
            }
        }
        Import::National {
            file,
            edition,
            label,
            format,
        } => {
            let format = parse_format(format.as_deref())?;
            let (name, bytes) = read(&file)?;
            let s = ctx.services().await?;
            let e = s
                .catalog
                .import_national(
                    &ctx.actor,
                    gongfu_catalog::floor::NationalImport {
                        edition: &edition,
                        label: &label,
                        file: &name,
                        bytes: &bytes,
                        format,
                    },
                )
                .await?;
            let items = s
                .catalog
                .national(Some(&e.edition))
                .await?
                .map_or(0, |r| r.items.len());
            println!(
                "{name}：已导入国家标准参照清单「{}」（{} 版，{items} 项）",
                e.label, e.edition
            );
        }
        Import::Regions { file } => {
            let (name, bytes) = read(&file)?;
            let s = ctx.services().await?;
            let regions = registry::read_regions(&name, &bytes)?;
            gongfu_db::regions::upsert(&s.db, &regions, &[], &ctx.actor.name).await?;
            println!(
                "{}",
                gongfu_domain::msg!(
                    "cli-rows-imported",
                    file = name,
                    count = regions.len(),
                    what = "个区划"
                )
            );
        }
        Import::Populations { file } => {
            let (name, bytes) = read(&file)?;
            let s = ctx.services().await?;
            let known: Vec<_> = gongfu_db::regions::list(&s.db)
                .await?
                .into_iter()
                .map(|r| r.code)
                .collect();
            let pops = registry::read_populations(&name, &bytes, &known)?;
            gongfu_db::regions::upsert(&s.db, &[], &pops, &ctx.actor.name).await?;
            println!(
                "{}",
                gongfu_domain::msg!(
                    "cli-rows-imported",
                    file = name,
                    count = pops.len(),
                    what = "行人口数据"
                )
            );
        }
        Import::Departments { file } => {
            let (name, bytes) = read(&file)?;
            let s = ctx.services().await?;
            let depts = registry::read_departments(&name, &bytes)?;
            gongfu_db::regions::upsert_departments(&s.db, &depts, &ctx.actor.name).await?;
            println!(
                "{}",
                gongfu_domain::msg!(
                    "cli-rows-imported",
                    file = name,
                    count = depts.len(),
                    what = "个部门"
                )
            );
        }
    }
    Ok(())
}

/// Runs a list export.
pub async fn export(what: Export, ctx: &Ctx) -> Result<()> {
    let Export::Items {
        format,
        out,
        version,
    } = what;
    let f = ExportFormat::parse(&format).with_context(|| {
        format!("unknown format '{format}'; use xlsx, csv, json, hsds or hsds-csv")
    })?;
    let services = ctx.services().await?;
    let Some(s) = services.catalog.snapshot(version).await? else {
        bail!("no such version; `gongfu import items FILE --publish` publishes the first")
    };
    write(&out, gongfu_catalog::export::export(&s, f)?)?;
    println!(
        "wrote version {} ({} items) to {}",
        s.version.number,
        s.items.len(),
        out.display()
    );
    Ok(())
}
