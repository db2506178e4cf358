//! The national floor over the list: the national reference lists (editions of the
//! 国家基本公共服务标准, stored apart from the local list) and the floor check
//! ([`gongfu_domain::floor::check_floor`]) run on every adjustment preview, at approval and
//! on any published version.
//!
//! Approval is where it bites: a finding the adjustment brings (one its base version did not
//! have) is approved only with a written justification, which the approval's audit entry
//! keeps with the findings.

use crate::{Catalog, CatalogError, Snapshot};
use gongfu_db::catalog::Version;
use gongfu_db::national::{self, Edition, NewEdition};
use gongfu_domain::floor::{check_floor, Finding, FloorReport};
use gongfu_domain::{Action, Actor, OriginLevel, ServiceItem, Taxonomy};

use crate::import::Format;

/// One edition of the national standard, parsed.
#[derive(Debug, Clone)]
pub struct Reference {
    /// The stored edition.
    pub edition: Edition,
    /// Its areas and categories.
    pub taxonomy: Taxonomy,
    /// Its items, in order.
    pub items: Vec<ServiceItem>,
}

/// What to import as a national reference edition.
#[derive(Debug, Clone, Copy)]
pub struct NationalImport<'a> {
    /// The edition's key, e.g. `2021` or `2023`.
    pub edition: &'a str,
    /// Its title; 国家基本公共服务标准（{edition}年版） when empty.
    pub label: &'a str,
    /// File name: the format is guessed from it, and errors name it.
    pub file: &'a str,
    /// The file's bytes: the official text layout, or any list format. Only rows whose
    /// 来源层级 is 国家 are kept, so a whole local list can serve as a source.
    pub bytes: &'a [u8],
    /// The format, when the name does not tell it.
    pub format: Option<Format>,
}

/// The floor check of a list against an edition.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FloorCheck {
    /// The edition checked against, e.g. `2021`.
    pub edition: String,
    /// Its title.
    pub edition_label: String,
    /// The whole check.
    pub report: FloorReport,
    /// The findings the base version did not have: what approval must justify.
    pub new_findings: Vec<Finding>,
}

/// A published version against the national standard.
#[derive(Debug, Clone)]
pub struct Compliance {
    /// The version.
    pub version: Version,
    /// The edition.
    pub edition: Edition,
    /// The check.
    pub report: FloorReport,
}

/// The key of an edition: 1-16 ASCII letters, digits or '-' (`2021`, `2023`).
fn edition_key(raw: &str) -> Result<String, CatalogError> {
    let s = gongfu_domain::text::fold_width(raw).trim().to_string();
    if s.is_empty() || s.len() > 16 || !s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(CatalogError::Invalid(vec![format!(
            "edition（版本）：「{s}」不是有效的版本号；请填写如 2021 或 2023（1-16 位字母、数字或 -）"
        )]));
    }
    Ok(s)
}

impl Catalog {
    /// Stores an edition of the national standard read from a file. Administrators only;
    /// an edition is stored once and never changes.
    #[tracing::instrument(name = "import_national", skip_all, fields(actor = %actor.name, file = %req.file))]
    pub async fn import_national(
        &self,
        actor: &Actor,
        req: NationalImport<'_>,
    ) -> Result<Edition, CatalogError> {
        actor.may(Action::Administer)?;
        let edition = edition_key(req.edition)?;
        if national::items(&self.db, &edition).await?.is_some() {
            return Err(CatalogError::Conflict(format!(
                "国家标准 {edition} 版已导入；已导入的版本不再改变，新的版本请用新的版本号导入"
            )));
        }
        let parsed = self
            .read_file_with(req.file, req.bytes, req.format, Some(&self.national))
            .await?;
        let items: Vec<_> = parsed
            .items
            .iter()
            .filter(|i| i.origin_level == OriginLevel::National)
            .map(|i| i.to_draft(&parsed.taxonomy))
            .collect();
        if items.is_empty() {
            return Err(CatalogError::Invalid(vec![format!(
                "{}：文件中没有来源层级为「国家」的事项；国家标准参照清单只收国家事项",
                req.file
            )]));
        }
        let label = gongfu_domain::text::clean(req.label);
        let label = if label.is_empty() {
            format!("国家基本公共服务标准（{edition}年版）")
        } else {
            label
        };
        Ok(national::store(
            &self.db,
            NewEdition {
                edition: &edition,
                label: &label,
                source: req.file,
                actor: &actor.name,
                taxonomy: &parsed.taxonomy,
                items: &items,
            },
        )
        .await?)
    }

    /// The stored editions, oldest first.
    pub async fn national_editions(&self) -> Result<Vec<Edition>, CatalogError> {
        Ok(national::editions(&self.db).await?)
    }

    /// An edition, or the newest when `edition` is `None`; `Ok(None)` when there is none.
    pub async fn national(&self, edition: Option<&str>) -> Result<Option<Reference>, CatalogError> {
        let key = match edition {
            Some(e) => e.to_string(),
            None => match national::editions(&self.db).await?.pop() {
                Some(e) => e.edition,
                None => return Ok(None),
            },
        };
        let Some((edition, taxonomy, drafts)) = national::items(&self.db, &key).await? else {
            return Ok(None);
        };
        let items = drafts
            .iter()
            .map(|d| {
                ServiceItem::parse(d, &taxonomy).map_err(|e| {
                    CatalogError::Db(gongfu_db::DbError::Corrupt {
                        what: "national item",
                        detail: format!("{}: {e:?}", d.code),
                    })
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(Some(Reference {
            edition,
            taxonomy,
            items,
        }))
    }

    /// Checks `items` against the newest edition and tells what `base` did not have;
    /// `None` when no edition is stored.
    pub(crate) async fn floor_check(
        &self,
        base: Option<&Snapshot>,
        items: &[ServiceItem],
    ) -> Result<Option<FloorCheck>, CatalogError> {
        let Some(reference) = self.national(None).await? else {
            return Ok(None);
        };
        let report = check_floor(&reference.items, items);
        let before = check_floor(&reference.items, base.map_or(&[][..], |b| &b.items));
        let new_findings = if base.is_some() {
            report.new_findings(&before).into_iter().cloned().collect()
        } else {
            report.findings.clone()
        };
        Ok(Some(FloorCheck {
            edition: reference.edition.edition,
            edition_label: reference.edition.label,
            report,
            new_findings,
        }))
    }

    /// A published version against an edition (the newest when `None`).
    pub async fn compliance(
        &self,
        version: Option<i64>,
        edition: Option<&str>,
    ) -> Result<Compliance, CatalogError> {
        let snap = self.require(version).await?;
        let reference = self
            .national(edition)
            .await?
            .ok_or_else(|| CatalogError::NotFound {
                what: "national reference edition",
                key: edition.unwrap_or("(newest: none imported yet)").to_string(),
            })?;
        Ok(Compliance {
            version: snap.version.clone(),
            report: check_floor(&reference.items, &snap.items),
            edition: reference.edition,
        })
    }
}

/// The refusal of an approval that brings findings without a justification: names every
/// finding, in Chinese, and says what to do.
pub(crate) fn justification_needed(check: &FloorCheck) -> CatalogError {
    let list: Vec<String> = check
        .new_findings
        .iter()
        .map(|f| format!("【{}】{}", f.kind.label(), f.message))
        .collect();
    CatalogError::Conflict(format!(
        "本次调整有 {} 项低于或可能低于{}的情形：{}。请逐项核实；确需批准的，请在“批准理由”（justification）中写明理由后再批准，理由将记入审计日志",
        list.len(),
        check.edition_label,
        list.join("；")
    ))
}
