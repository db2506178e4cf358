//! The standard system: import the registry, the tree and texts; export the 标准明细表 and
//! the 标准体系表; parse numbers and check texts against GB/T 1.1.

use super::{read, write, Ctx};
use anyhow::{bail, Result};
use clap::Subcommand;
use std::path::PathBuf;

/// Standard-system imports.
#[derive(Subcommand)]
pub enum Import {
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
}

/// Standard-system exports.
#[derive(Subcommand)]
pub enum Export {
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
}

/// `gongfu standards …`.
#[derive(Subcommand)]
pub enum Command {
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

/// Runs a standard-system import.
pub async fn import(what: Import, ctx: &Ctx) -> Result<()> {
    match what {
        Import::Standards { file } => {
            let (name, bytes) = read(&file)?;
            let s = ctx.services().await?;
            let o = s
                .standards
                .import_standards(&ctx.actor, &name, &bytes)
                .await?;
            println!(
                "{}",
                gongfu_domain::msg!(
                    "cli-added-replaced",
                    file = name,
                    what = "标准",
                    added = o.added,
                    replaced = o.updated
                )
            );
        }
        Import::StandardTree { file } => {
            let (name, bytes) = read(&file)?;
            let s = ctx.services().await?;
            let n = s.standards.import_tree(&ctx.actor, &name, &bytes).await?;
            println!(
                "{}",
                gongfu_domain::msg!("cli-tree-imported", file = name, count = n)
            );
        }
        Import::Text { file, kind, key } => {
            let (name, bytes) = read(&file)?;
            let s = ctx.services().await?;
            let upload = gongfu_standards::texts::TextUpload {
                kind: gongfu_standards::texts::TextKind::parse(&kind)?,
                key: key.clone(),
                file: name.clone(),
                bytes,
            };
            s.standards
                .import_texts(&ctx.actor, &[upload], false)
                .await?;
            println!(
                "{}",
                gongfu_domain::msg!("cli-text-imported", file = name, key = key)
            );
        }
        Import::Texts { dir } => {
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
            let s = ctx.services().await?;
            let n = s
                .standards
                .import_texts(&ctx.actor, &uploads, false)
                .await?;
            println!(
                "{}",
                gongfu_domain::msg!(
                    "cli-rows-imported",
                    file = mname,
                    count = n,
                    what = "份文本"
                )
            );
        }
    }
    Ok(())
}

/// Runs a standard-system export.
pub async fn export(what: Export, ctx: &Ctx) -> Result<()> {
    let s = ctx.services().await?;
    match what {
        Export::Standards { format, out } => {
            let tree = s.standards.tree().await?;
            let all = s.standards.standards().await?;
            let bytes = match format.as_str() {
                "xlsx" => gongfu_standards::export::standards_xlsx(&all, &tree)?,
                "csv" => gongfu_standards::export::standards_csv(&all, &tree),
                other => bail!("unknown format '{other}'; use xlsx or csv"),
            };
            write(&out, bytes)?;
            println!("wrote {} standards to {}", all.len(), out.display());
        }
        Export::StandardTree { out } => {
            let counts = s.standards.tree_counts(s.clock.today()).await?;
            let all = s.standards.standards().await?;
            write(&out, gongfu_standards::export::tree_xlsx(&counts, &all)?)?;
            println!(
                "wrote the standard system table ({} nodes) to {}",
                counts.len(),
                out.display()
            );
        }
    }
    Ok(())
}

/// Runs `gongfu standards …`.
pub async fn run(what: Command, ctx: &Ctx) -> Result<()> {
    match what {
        Command::Parse { number, json } => {
            let rules = ctx.settings.number_rules();
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
        Command::Check { file, json } => {
            let (name, bytes) = read(&file)?;
            let s = ctx.services().await?;
            let (doc, findings) = s.standards.check(&name, bytes).await?;
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
    }
    Ok(())
}
