//! The service list (基本公共服务清单) as a capability: published versions, the dynamic
//! adjustment (动态调整) that produces them, diffs, each community's own list, and import
//! and export.
//!
//! It owns the rules of change: a published version never changes; a new version comes
//! only from approving an adjustment whose proposals were each decided; an editor may
//! propose only for items their departments lead; an import is an adjustment too, so a
//! file goes through the same checks and leaves the same audit trail as a hand edit.
//!
//! It must never speak SQL (that is gongfu-db) or HTTP (gongfu-http, gongfu-web): callers
//! hand it an [`Actor`] and parsed input and get domain values or a [`CatalogError`].

pub mod eligibility;
pub mod export;
pub mod floor;
pub mod hsds;
pub mod import;
pub mod view;

use gongfu_db::adjustments::{self, Adjustment, NewProposal, Proposal};
use gongfu_db::catalog::{self as store, NewVersion, Version};
use gongfu_db::{regions, Db, DbError};
use gongfu_domain::account::Owned;
use gongfu_domain::catalog::{diff_lists, validate_list, ListDiff};
use gongfu_domain::Clock;
use gongfu_domain::{AdjustmentStatus, Decision, ProposalKind, RegionCode, ServiceItem, Taxonomy};
use import::{Format, ImportFailure, ParsedList};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

pub use gongfu_domain::{Action, Actor, Denied};

/// What went wrong in a catalogue operation.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    /// A version, item, adjustment or proposal does not exist.
    #[error("{}", gongfu_domain::msg!("not-found", what = gongfu_domain::message::thing(what), key = key))]
    NotFound {
        /// Kind of thing.
        what: &'static str,
        /// Its key.
        key: String,
    },
    /// The actor may not do it.
    #[error(transparent)]
    Forbidden(#[from] Denied),
    /// The operation does not fit the current state (e.g. approving with proposals pending).
    #[error("{0}")]
    Conflict(String),
    /// The input is wrong; each message names the field or proposal (`item.code: …`, the
    /// key for programs; people read the field's Chinese name, see [`problem_text`]).
    #[error("{}", .0.iter().map(|p| problem_text(p)).collect::<Vec<_>>().join("；"))]
    Invalid(Vec<String>),
    /// An import file was rejected; nothing changed.
    #[error(transparent)]
    Import(#[from] ImportFailure),
    /// Storage failed.
    #[error(transparent)]
    Db(#[from] DbError),
}

/// A problem (`item.code: 编码为空…`) as people read it: the field by its Chinese name
/// (`编码：编码为空…`). The key stays in the API's `errors` for programs.
pub fn problem_text(problem: &str) -> String {
    let Some((key, message)) = problem.split_once(": ") else {
        return problem.to_string();
    };
    let label = match key {
        "title" => gongfu_domain::msg!("field-title"),
        "target_codes" => gongfu_domain::msg!("field-target-codes"),
        "item" => gongfu_domain::msg!("thing-item"),
        k => match k.strip_prefix("item.") {
            Some(f) => match gongfu_domain::catalog::ITEM_COLUMNS
                .iter()
                .find(|c| c.key == f)
            {
                Some(c) => c.header.to_string(),
                None => return problem.to_string(),
            },
            None => return problem.to_string(),
        },
    };
    format!("{label}：{message}")
}

/// A published version, loaded whole. Versions never change, so snapshots are cached
/// forever and shared between requests.
#[derive(Debug)]
pub struct Snapshot {
    /// The version.
    pub version: Version,
    /// Its areas and categories.
    pub taxonomy: Taxonomy,
    /// Its items in list order.
    pub items: Vec<ServiceItem>,
    by_code: HashMap<String, usize>,
    /// Per item, the lowercased text that `q` searches, built once: versions never change.
    search_text: Vec<String>,
}

/// An area with the number of items in it and in each of its categories.
#[derive(Debug, Clone)]
pub struct AreaCount<'a> {
    /// The area.
    pub area: &'a gongfu_domain::Area,
    /// Items in the area.
    pub items: usize,
    /// Its categories with their items, in the taxonomy's order.
    pub categories: Vec<(&'a gongfu_domain::Category, usize)>,
}

impl Snapshot {
    /// Items per area and per category, in the taxonomy's order: what the areas API and
    /// the home page show.
    pub fn area_counts(&self) -> Vec<AreaCount<'_>> {
        let count =
            |pred: &dyn Fn(&ServiceItem) -> bool| self.items.iter().filter(|i| pred(i)).count();
        self.taxonomy
            .areas
            .iter()
            .map(|a| AreaCount {
                area: a,
                items: count(&|i| i.area_no == a.no),
                categories: self
                    .taxonomy
                    .categories_of(a.no)
                    .map(|c| (c, count(&|i| i.category_no == c.no)))
                    .collect(),
            })
            .collect()
    }

    /// A snapshot of any list, e.g. to export an adjustment's preview or a relabelled copy.
    pub fn new(version: Version, taxonomy: Taxonomy, items: Vec<ServiceItem>) -> Self {
        let by_code = items
            .iter()
            .enumerate()
            .map(|(i, it)| (it.code.to_string(), i))
            .collect();
        let search_text = items.iter().map(search_text).collect();
        Self {
            version,
            taxonomy,
            items,
            by_code,
            search_text,
        }
    }

    /// One item by code.
    pub fn item(&self, code: &str) -> Option<&ServiceItem> {
        self.by_code.get(code).map(|&i| &self.items[i])
    }

    /// The items matching a filter, in list order.
    pub fn filter<'a>(&'a self, f: &'a ItemFilter) -> impl Iterator<Item = &'a ServiceItem> + 'a {
        let area = f.area.as_deref().and_then(|a| {
            a.parse::<u32>()
                .ok()
                .or_else(|| self.taxonomy.area_by_name(a).map(|x| x.no))
        });
        let category = f.category.as_deref().and_then(|c| {
            c.parse::<u32>()
                .ok()
                .or_else(|| self.taxonomy.category_by_name(c).map(|x| x.no))
        });
        let unknown_area = f.area.is_some() && area.is_none();
        let unknown_cat = f.category.is_some() && category.is_none();
        let q: Vec<String> =
            f.q.as_deref()
                .map(|q| q.split_whitespace().map(str::to_lowercase).collect())
                .unwrap_or_default();
        self.items
            .iter()
            .zip(&self.search_text)
            .filter_map(move |(it, text)| {
                let keep = !unknown_area
                    && !unknown_cat
                    && area.is_none_or(|a| it.area_no == a)
                    && category.is_none_or(|c| it.category_no == c)
                    && f.featured.is_none_or(|x| it.featured == x)
                    && f.department
                        .as_deref()
                        .is_none_or(|d| it.lead_departments.iter().any(|x| x.as_str() == d))
                    && f.region.as_ref().is_none_or(|r| applies_in(it, r))
                    && q.iter().all(|w| text.contains(w.as_str()));
                keep.then_some(it)
            })
    }
}

/// What a text query searches: code, name, 服务对象, 服务内容, 服务标准 and departments,
/// lowercased, separated by a character no query word contains.
fn search_text(it: &ServiceItem) -> String {
    let mut s = format!(
        "{}\u{1}{}\u{1}{}\u{1}{}\u{1}{}",
        it.code, it.name, it.target_population, it.content, it.standard
    );
    for d in &it.lead_departments {
        s.push('\u{1}');
        s.push_str(d.as_str());
    }
    s.to_lowercase()
}

/// True when an item is delivered in (or across) a region: items without regions cover
/// the whole jurisdiction; others where their regions and this one overlap.
pub fn applies_in(it: &ServiceItem, region: &RegionCode) -> bool {
    it.regions.is_empty()
        || it
            .regions
            .iter()
            .any(|r| region.is_within(r) || r.is_within(region))
}

/// Filters for listing items. Area and category accept a number or a name.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ItemFilter {
    /// Area number or name.
    pub area: Option<String>,
    /// Category number or name.
    pub category: Option<String>,
    /// Featured (特色) items only, or none of them.
    pub featured: Option<bool>,
    /// Items delivered in this region.
    #[serde(skip)]
    pub region: Option<RegionCode>,
    /// A lead department's short name.
    pub department: Option<String>,
    /// Words that must all appear (name, code, 服务对象, 服务内容, 服务标准, departments).
    pub q: Option<String>,
}

/// What to import and how.
#[derive(Debug, Clone, Copy)]
pub struct ImportRequest<'a> {
    /// File name: the format is guessed from its extension, and errors name it.
    pub file: &'a str,
    /// The file's bytes.
    pub bytes: &'a [u8],
    /// The format, when the name does not tell it.
    pub format: Option<Format>,
    /// Title of the adjustment the import opens.
    pub title: &'a str,
    /// Label of the version, when published at once.
    pub label: &'a str,
    /// Accept every change and publish at once (administrators).
    pub publish: bool,
    /// Areas and categories for a file that does not carry its own (CSV); `None` keeps
    /// the current version's (or the national ones). A file with its own taxonomy (xlsx
    /// 领域大类 sheet, JSON, HSDS, text layout) uses that.
    pub taxonomy: Option<&'a Taxonomy>,
}

/// The result of an import.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ImportOutcome {
    /// The adjustment holding the changes as proposals.
    pub adjustment_id: i64,
    /// The version published, when the import was published at once.
    pub version: Option<i64>,
    /// Items added, modified and retired relative to the current version.
    pub added: usize,
    /// Items changed.
    pub modified: usize,
    /// Items no longer in the list.
    pub retired: usize,
    /// Whether the taxonomy changed.
    pub taxonomy_changed: bool,
}

/// The result of applying an adjustment's accepted proposals to its base.
#[derive(Debug, Clone)]
pub struct Preview {
    /// The taxonomy of the new version.
    pub taxonomy: Taxonomy,
    /// The items of the new version.
    pub items: Vec<ServiceItem>,
    /// What changes against the base.
    pub diff: ListDiff,
    /// Problems that block approval, each naming its proposal.
    pub problems: Vec<String>,
    /// The new list against the newest national reference edition; `None` when none is
    /// stored. Its new findings need a written justification at approval.
    pub floor: Option<floor::FloorCheck>,
}

/// The service list capability.
pub struct Catalog {
    db: Db,
    clock: Arc<dyn Clock>,
    cache: RwLock<HashMap<i64, Arc<Snapshot>>>,
    national: Taxonomy,
}

/// The national standard's 9 areas and 22 categories (国家基本公共服务标准 2021年版), the
/// taxonomy a new installation starts with. Source: data/national/taxonomy.csv.
pub const NATIONAL_TAXONOMY_CSV: &str = include_str!("../../../data/national/taxonomy.csv");

/// Parses [`NATIONAL_TAXONOMY_CSV`].
pub fn national_taxonomy() -> Taxonomy {
    import::read_taxonomy("national/taxonomy.csv", NATIONAL_TAXONOMY_CSV.as_bytes())
        .unwrap_or_default()
}

impl Catalog {
    /// The capability over a database, with the installation's clock.
    pub fn new(db: Db, clock: Arc<dyn Clock>) -> Self {
        Self {
            db,
            clock,
            cache: RwLock::new(HashMap::new()),
            national: national_taxonomy(),
        }
    }

    /// The database.
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// The installation's clock, which the capabilities built over the list share.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// Today in China Standard Time as the rules read dates: examples are checked on it.
    fn today(&self) -> gongfu_rules::date::Ymd {
        eligibility::ymd(self.clock.today())
    }

    /// Every published version, oldest first.
    pub async fn versions(&self) -> Result<Vec<Version>, CatalogError> {
        Ok(store::versions(&self.db).await?)
    }

    /// A version by number, or the newest when `number` is `None`. `Ok(None)` when there
    /// is no such version (or none yet).
    pub async fn snapshot(
        &self,
        number: Option<i64>,
    ) -> Result<Option<Arc<Snapshot>>, CatalogError> {
        let version = match number {
            Some(n) => store::version(&self.db, n).await?,
            None => store::latest(&self.db).await?,
        };
        let Some(version) = version else {
            return Ok(None);
        };
        if let Some(s) = self
            .cache
            .read()
            .ok()
            .and_then(|c| c.get(&version.number).cloned())
        {
            return Ok(Some(s));
        }
        let taxonomy = store::taxonomy(&self.db, version.id).await?;
        let items = store::items(&self.db, version.id).await?;
        let snap = Arc::new(Snapshot::new(version, taxonomy, items));
        if let Ok(mut c) = self.cache.write() {
            c.insert(snap.version.number, snap.clone());
        }
        Ok(Some(snap))
    }

    /// A version that must exist.
    pub async fn require(&self, number: Option<i64>) -> Result<Arc<Snapshot>, CatalogError> {
        self.snapshot(number)
            .await?
            .ok_or_else(|| CatalogError::NotFound {
                what: "list version",
                key: number
                    .map(|n| n.to_string())
                    .unwrap_or_else(|| "(latest: none published yet)".into()),
            })
    }

    /// The taxonomy new input is read against: the newest version's, or the national one.
    pub async fn current_taxonomy(&self) -> Result<Taxonomy, CatalogError> {
        Ok(match self.snapshot(None).await? {
            Some(s) => s.taxonomy.clone(),
            None => self.national.clone(),
        })
    }

    /// What changed from version `a` to version `b`.
    pub async fn diff(&self, a: i64, b: i64) -> Result<ListDiff, CatalogError> {
        let (sa, sb) = (self.require(Some(a)).await?, self.require(Some(b)).await?);
        Ok(diff_lists(
            (&sa.taxonomy, &sa.items),
            (&sb.taxonomy, &sb.items),
        ))
    }

    /// Reads a list file. Nothing is stored.
    pub async fn read_file(
        &self,
        file: &str,
        bytes: &[u8],
        format: Option<Format>,
    ) -> Result<ParsedList, CatalogError> {
        self.read_file_with(file, bytes, format, None).await
    }

    /// Reads a list file against `taxonomy` when the file carries none of its own (the
    /// current version's when `None`). Nothing is stored.
    pub async fn read_file_with(
        &self,
        file: &str,
        bytes: &[u8],
        format: Option<Format>,
        taxonomy: Option<&Taxonomy>,
    ) -> Result<ParsedList, CatalogError> {
        let format = format
            .or_else(|| Format::detect(file, bytes))
            .ok_or_else(|| {
                CatalogError::Invalid(vec![gongfu_domain::msg!(
                    "list-format-unknown",
                    file = file
                )])
            })?;
        let fallback = match taxonomy {
            Some(t) => t.clone(),
            None => self.current_taxonomy().await?,
        };
        Ok(import::read_list(
            file,
            bytes,
            format,
            &fallback,
            self.today(),
        )?)
    }

    /// Imports a list file as an adjustment against the newest version: new codes become
    /// `add` proposals, changed items `modify`, missing ones `retire`. With `publish`, an
    /// administrator accepts them all and publishes at once. All or nothing.
    #[tracing::instrument(name = "import_list", skip_all, fields(actor = %actor.name, file = %req.file))]
    pub async fn import(
        &self,
        actor: &Actor,
        req: ImportRequest<'_>,
    ) -> Result<ImportOutcome, CatalogError> {
        let ImportRequest {
            file,
            bytes,
            format,
            title,
            label,
            publish,
            taxonomy,
        } = req;
        actor.may(Action::Administer)?;
        let parsed = self.read_file_with(file, bytes, format, taxonomy).await?;
        let base = self.snapshot(None).await?;
        let base_tax = base
            .as_ref()
            .map(|b| b.taxonomy.clone())
            .unwrap_or_else(|| self.national.clone());
        let taxonomy_changed = parsed.taxonomy != base_tax;
        let mut proposals = Vec::new();
        let (mut added, mut modified, mut retired) = (0, 0, 0);
        let base_items: HashMap<&str, &ServiceItem> = base
            .as_ref()
            .map(|b| b.items.iter().map(|i| (i.code.as_str(), i)).collect())
            .unwrap_or_default();
        let rationale = format!("导入文件 {file}");
        for it in &parsed.items {
            let draft = it.to_draft(&parsed.taxonomy);
            match base_items.get(it.code.as_str()) {
                None => {
                    added += 1;
                    proposals.push(NewProposal {
                        kind: ProposalKind::Add,
                        target_codes: vec![],
                        item: Some(draft),
                        rationale: rationale.clone(),
                        evidence: vec![],
                    });
                }
                Some(old) => {
                    let old_draft = old.to_draft(&base_tax);
                    if old_draft != draft {
                        modified += 1;
                        proposals.push(NewProposal {
                            kind: ProposalKind::Modify,
                            target_codes: vec![it.code.to_string()],
                            item: Some(draft),
                            rationale: rationale.clone(),
                            evidence: vec![],
                        });
                    }
                }
            }
        }
        if let Some(b) = &base {
            let new_codes: std::collections::HashSet<&str> =
                parsed.items.iter().map(|i| i.code.as_str()).collect();
            for it in b
                .items
                .iter()
                .filter(|i| !new_codes.contains(i.code.as_str()))
            {
                retired += 1;
                proposals.push(NewProposal {
                    kind: ProposalKind::Retire,
                    target_codes: vec![it.code.to_string()],
                    item: None,
                    rationale: rationale.clone(),
                    evidence: vec![],
                });
            }
        }
        if proposals.is_empty() && !taxonomy_changed {
            return Err(CatalogError::Conflict(gongfu_domain::msg!(
                "list-import-unchanged",
                file = file,
                version = base.map(|b| b.version.number).unwrap_or(0)
            )));
        }
        let id = adjustments::create(
            &self.db,
            title,
            &format!("由文件 {file} 导入"),
            base.as_ref().map(|b| b.version.id),
            taxonomy_changed.then_some(&parsed.taxonomy),
            &proposals,
            &actor.name,
        )
        .await?;
        let mut outcome = ImportOutcome {
            adjustment_id: id,
            version: None,
            added,
            modified,
            retired,
            taxonomy_changed,
        };
        if publish {
            adjustments::decide_all_pending(
                &self.db,
                id,
                Decision::Accepted,
                "导入时一并同意",
                &actor.name,
            )
            .await?;
            outcome.version = Some(self.approve(actor, id, label, "").await?.number);
        }
        Ok(outcome)
    }

    /// Every adjustment, newest first.
    pub async fn adjustments(&self) -> Result<Vec<Adjustment>, CatalogError> {
        Ok(adjustments::list(&self.db).await?)
    }

    /// One adjustment and its proposals.
    pub async fn adjustment(&self, id: i64) -> Result<(Adjustment, Vec<Proposal>), CatalogError> {
        adjustments::get_with_proposals(&self.db, id)
            .await?
            .ok_or_else(|| CatalogError::NotFound {
                what: "adjustment",
                key: id.to_string(),
            })
    }

    /// Opens an adjustment against the newest version.
    pub async fn open_adjustment(
        &self,
        actor: &Actor,
        title: &str,
        description: &str,
        taxonomy: Option<Taxonomy>,
    ) -> Result<i64, CatalogError> {
        actor.may(Action::Propose)?;
        let title = gongfu_domain::text::clean(title);
        if title.is_empty() {
            return Err(CatalogError::Invalid(vec![format!(
                "title: {}",
                gongfu_domain::msg!("adjustment-title-empty")
            )]));
        }
        if taxonomy.is_some() {
            // Areas and categories frame every department's items.
            actor.may(Action::Administer)?;
        }
        let base = store::latest(&self.db).await?;
        Ok(adjustments::create(
            &self.db,
            &title,
            description,
            base.map(|b| b.id),
            taxonomy.as_ref(),
            &[],
            &actor.name,
        )
        .await?)
    }

    /// Adds a proposal after checking it against the adjustment's base: the targets exist,
    /// the proposed item parses, and an editor only touches their departments' items.
    pub async fn propose(
        &self,
        actor: &Actor,
        adjustment_id: i64,
        p: NewProposal,
    ) -> Result<i64, CatalogError> {
        let (adj, _) = self.adjustment(adjustment_id).await?;
        if adj.status != AdjustmentStatus::Open {
            return Err(CatalogError::Conflict(gongfu_domain::msg!(
                "adjustment-not-open-for-proposals",
                id = adjustment_id,
                status = adj.status.label()
            )));
        }
        actor.may(Action::Propose)?;
        let base = match adj.base_version {
            Some(n) => Some(self.require(Some(n)).await?),
            None => None,
        };
        let taxonomy = adj
            .taxonomy
            .clone()
            .or_else(|| base.as_ref().map(|b| b.taxonomy.clone()))
            .unwrap_or_else(|| self.national.clone());
        let mut problems = Vec::new();
        let exists = |code: &str| base.as_ref().and_then(|b| b.item(code)).is_some();
        let need_targets = match p.kind {
            ProposalKind::Add => 0,
            ProposalKind::Modify | ProposalKind::Retire => 1,
            ProposalKind::Merge => 2,
        };
        if p.kind == ProposalKind::Merge && p.target_codes.len() < 2
            || p.kind != ProposalKind::Merge && p.target_codes.len() != need_targets
        {
            problems.push(format!(
                "target_codes: {}",
                gongfu_domain::msg!(
                    "proposal-targets-count",
                    kind = p.kind.label(),
                    count = if need_targets == 2 {
                        gongfu_domain::msg!("proposal-two-or-more")
                    } else {
                        need_targets.to_string()
                    }
                )
            ));
        }
        for c in &p.target_codes {
            if !exists(c) {
                problems.push(format!(
                    "target_codes: {}",
                    gongfu_domain::msg!("proposal-target-unknown", code = c)
                ));
            }
        }
        let item = match (&p.item, p.kind) {
            (None, ProposalKind::Retire) => None,
            (None, _) => {
                problems.push(format!(
                    "item: {}",
                    gongfu_domain::msg!("proposal-item-missing", kind = p.kind.label())
                ));
                None
            }
            (Some(_), ProposalKind::Retire) => {
                problems.push(format!(
                    "item: {}",
                    gongfu_domain::msg!("proposal-retire-with-item")
                ));
                None
            }
            (Some(d), _) => match ServiceItem::parse(d, &taxonomy) {
                Ok(it) => {
                    let rules =
                        eligibility::check(&it, gongfu_rules::Schema::shared(), self.today());
                    problems.extend(rules.iter().map(|(f, m)| format!("item.{f}: {m}")));
                    Some(it)
                }
                Err(errs) => {
                    problems.extend(
                        errs.iter()
                            .map(|e| format!("item.{}: {}", e.field, e.message)),
                    );
                    None
                }
            },
        };
        if let Some(it) = &item {
            let code = it.code.as_str();
            let keeps_code = p.kind == ProposalKind::Modify
                && p.target_codes.first().map(String::as_str) == Some(code);
            if !keeps_code
                && exists(code)
                && !(p.kind == ProposalKind::Merge && p.target_codes.iter().any(|t| t == code))
            {
                problems.push(format!(
                    "item.code: {}",
                    gongfu_domain::msg!("proposal-code-taken", code = code)
                ));
            }
        }
        // Scope is judged on the items as they stand in the base and the item proposed.
        let before: Vec<Owned> = base
            .as_ref()
            .map(|b| {
                p.target_codes
                    .iter()
                    .filter_map(|c| b.item(c))
                    .map(|it| {
                        Owned::new(format!("事项 {}", it.code.as_str()), &it.lead_departments)
                    })
                    .collect()
            })
            .unwrap_or_default();
        let after = item
            .as_ref()
            .map(|it| Owned::new(format!("事项 {}", it.code.as_str()), &it.lead_departments));
        actor.may_change(Action::Propose, &before, after.as_ref())?;
        if !problems.is_empty() {
            return Err(CatalogError::Invalid(problems));
        }
        let p = NewProposal {
            item: item.map(|i| i.to_draft(&taxonomy)),
            ..p
        };
        Ok(adjustments::add_proposal(&self.db, adjustment_id, &p, &actor.name).await?)
    }

    /// Records a reviewer's decision.
    pub async fn decide(
        &self,
        actor: &Actor,
        proposal_id: i64,
        adjustment_id: i64,
        decision: Decision,
        note: &str,
    ) -> Result<(), CatalogError> {
        actor.may(Action::Review)?;
        let (adj, props) = self.adjustment(adjustment_id).await?;
        if adj.status != AdjustmentStatus::Open {
            return Err(CatalogError::Conflict(gongfu_domain::msg!(
                "adjustment-not-open-for-decisions",
                id = adjustment_id,
                status = adj.status.label()
            )));
        }
        if !props.iter().any(|p| p.id == proposal_id) {
            return Err(CatalogError::NotFound {
                what: "proposal",
                key: format!("{proposal_id} in adjustment {adjustment_id}"),
            });
        }
        Ok(adjustments::decide(&self.db, proposal_id, decision, note, &actor.name).await?)
    }

    /// Applies the accepted proposals to the base, without storing anything.
    pub async fn preview(&self, adjustment_id: i64) -> Result<Preview, CatalogError> {
        let (adj, props) = self.adjustment(adjustment_id).await?;
        let base = match adj.base_version {
            Some(n) => Some(self.require(Some(n)).await?),
            None => None,
        };
        let base_tax = base
            .as_ref()
            .map(|b| b.taxonomy.clone())
            .unwrap_or_else(|| self.national.clone());
        let taxonomy = adj.taxonomy.clone().unwrap_or_else(|| base_tax.clone());
        let mut problems = Vec::new();
        // Base items re-read against the new taxonomy, so renamed areas carry over by name.
        let mut items: Vec<ServiceItem> = Vec::new();
        for it in base.as_ref().map(|b| b.items.as_slice()).unwrap_or(&[]) {
            match ServiceItem::parse(&it.to_draft(&base_tax), &taxonomy) {
                Ok(x) => items.push(x),
                Err(e) => problems.push(gongfu_domain::msg!(
                    "adjustment-item-misfits-taxonomy",
                    code = it.code,
                    problems = e
                        .iter()
                        .map(|e| e.to_string())
                        .collect::<Vec<_>>()
                        .join("；")
                )),
            }
        }
        for p in props.iter().filter(|p| p.decision == Decision::Accepted) {
            let parsed = p.item.as_ref().map(|d| ServiceItem::parse(d, &taxonomy));
            let new_item = match parsed {
                Some(Ok(it)) => Some(it),
                Some(Err(e)) => {
                    problems.push(gongfu_domain::msg!(
                        "adjustment-proposal-problems",
                        id = p.id,
                        problems = e
                            .iter()
                            .map(|e| e.to_string())
                            .collect::<Vec<_>>()
                            .join("；")
                    ));
                    continue;
                }
                None => None,
            };
            let pos =
                |items: &Vec<ServiceItem>, c: &str| items.iter().position(|i| i.code.as_str() == c);
            match p.kind {
                ProposalKind::Add => {
                    if let Some(it) = new_item {
                        items.push(it);
                    }
                }
                ProposalKind::Modify => match (
                    p.target_codes.first().and_then(|c| pos(&items, c)),
                    new_item,
                ) {
                    (Some(i), Some(it)) => items[i] = it,
                    _ => problems.push(gongfu_domain::msg!(
                        "adjustment-target-gone",
                        id = p.id,
                        code = p.target_codes.join("、")
                    )),
                },
                ProposalKind::Retire | ProposalKind::Merge => {
                    for c in &p.target_codes {
                        match pos(&items, c) {
                            Some(i) => {
                                items.remove(i);
                            }
                            None => problems.push(gongfu_domain::msg!(
                                "adjustment-target-gone",
                                id = p.id,
                                code = c
                            )),
                        }
                    }
                    if let Some(it) = new_item {
                        items.push(it);
                    }
                }
            }
        }
        items.sort_by(|a, b| {
            (a.category_no, a.seq, a.code.as_str()).cmp(&(b.category_no, b.seq, b.code.as_str()))
        });
        for e in validate_list(&items) {
            problems.push(e.to_string());
        }
        let today = self.today();
        for it in &items {
            for (field, m) in eligibility::check(it, gongfu_rules::Schema::shared(), today) {
                problems.push(gongfu_domain::msg!(
                    "adjustment-item-rule",
                    code = it.code,
                    field = field,
                    message = m
                ));
            }
        }
        let diff = diff_lists(
            (
                &base_tax,
                base.as_ref().map(|b| b.items.as_slice()).unwrap_or(&[]),
            ),
            (&taxonomy, &items),
        );
        let floor = self.floor_check(base.as_deref(), &items).await?;
        Ok(Preview {
            taxonomy,
            items,
            diff,
            problems,
            floor,
        })
    }

    /// Approves an adjustment: every proposal decided, the base still the newest version,
    /// the resulting list valid; then publishes it as the next version.
    /// Without a justification: refused when the adjustment brings national floor findings.
    pub async fn approve(
        &self,
        actor: &Actor,
        adjustment_id: i64,
        label: &str,
        notes: &str,
    ) -> Result<Version, CatalogError> {
        self.approve_justified(actor, adjustment_id, label, notes, "")
            .await
    }

    /// Approves an adjustment as [`Catalog::approve`] does; when the new list brings
    /// findings against the national standard that its base did not have, `justification`
    /// must say why, and is kept with the findings in the approval's audit entry.
    #[tracing::instrument(skip_all, fields(actor = %actor.name, adjustment = adjustment_id))]
    pub async fn approve_justified(
        &self,
        actor: &Actor,
        adjustment_id: i64,
        label: &str,
        notes: &str,
        justification: &str,
    ) -> Result<Version, CatalogError> {
        actor.may(Action::Administer)?;
        let (adj, props) = self.adjustment(adjustment_id).await?;
        if adj.status != AdjustmentStatus::Open {
            return Err(CatalogError::Conflict(gongfu_domain::msg!(
                "adjustment-already",
                id = adjustment_id,
                status = adj.status.label()
            )));
        }
        let pending: Vec<String> = props
            .iter()
            .filter(|p| p.decision == Decision::Pending)
            .map(|p| p.id.to_string())
            .collect();
        if !pending.is_empty() {
            return Err(CatalogError::Conflict(gongfu_domain::msg!(
                "adjustment-pending",
                ids = pending.join("、")
            )));
        }
        let latest = store::latest(&self.db).await?.map(|v| v.number);
        if latest != adj.base_version {
            return Err(CatalogError::Conflict(gongfu_domain::msg!(
                "adjustment-stale",
                latest = latest.unwrap_or(0),
                base = adj.base_version.unwrap_or(0)
            )));
        }
        let preview = self.preview(adjustment_id).await?;
        if !preview.problems.is_empty() {
            return Err(CatalogError::Invalid(preview.problems));
        }
        let justification = gongfu_domain::text::clean(justification);
        let floor = match &preview.floor {
            Some(check) if !check.new_findings.is_empty() && justification.is_empty() => {
                return Err(floor::justification_needed(check));
            }
            Some(check) => Some(serde_json::json!({
                "edition": check.edition,
                "findings": check.new_findings,
                "justification": justification,
            })),
            None => None,
        };
        let label = gongfu_domain::text::clean(label);
        let label = if label.is_empty() {
            format!("第{}版", latest.unwrap_or(0) + 1)
        } else {
            label
        };
        let v = store::publish(
            &self.db,
            NewVersion {
                label,
                notes: notes.into(),
                actor: actor.name.clone(),
                adjustment_id: Some(adjustment_id),
                taxonomy: &preview.taxonomy,
                items: &preview.items,
                floor,
            },
        )
        .await?;
        Ok(v)
    }

    /// Rejects or withdraws an open adjustment.
    pub async fn close(
        &self,
        actor: &Actor,
        adjustment_id: i64,
        status: AdjustmentStatus,
    ) -> Result<(), CatalogError> {
        let (adj, _) = self.adjustment(adjustment_id).await?;
        if adj.status != AdjustmentStatus::Open {
            return Err(CatalogError::Conflict(gongfu_domain::msg!(
                "adjustment-already",
                id = adjustment_id,
                status = adj.status.label()
            )));
        }
        match status {
            AdjustmentStatus::Withdrawn => {
                actor.may_withdraw(&format!("调整 {adjustment_id}"), &adj.created_by)?
            }
            AdjustmentStatus::Rejected => actor.may(Action::Administer)?,
            _ => {
                return Err(CatalogError::Conflict(gongfu_domain::msg!(
                    "adjustment-close-how",
                    status = status.label()
                )))
            }
        }
        Ok(adjustments::close(&self.db, adjustment_id, status, &actor.name).await?)
    }

    /// The list a community (or any region) can enjoy (本社区可享受的基本公共服务): the items
    /// of the version delivered there.
    pub async fn region_items(
        &self,
        region: &RegionCode,
        version: Option<i64>,
    ) -> Result<(regions::Region, Arc<Snapshot>, Vec<usize>), CatalogError> {
        let r = regions::get_region(&self.db, region)
            .await?
            .ok_or_else(|| CatalogError::NotFound {
                what: "region",
                key: region.to_string(),
            })?;
        let snap = self.require(version).await?;
        let idx = snap
            .items
            .iter()
            .enumerate()
            .filter(|(_, it)| applies_in(it, region))
            .map(|(i, _)| i)
            .collect();
        Ok((r, snap, idx))
    }
}

/// Re-exported for callers building proposals.
pub use gongfu_db::adjustments::NewProposal as ProposalInput;
