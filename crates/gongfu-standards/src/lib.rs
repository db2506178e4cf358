//! The standard system (标准体系) as a capability: the registry of standards, the tree they
//! sit in, their links to the list's items, coverage, the lifecycle watch, standard texts
//! and the GB/T 1.1 checker.
//!
//! It owns what a standard number means in this installation (the sector codes and the
//! district's internal-norm patterns, [`NumberRules`]) and the rules of the registry: a
//! standard sits in a node that exists, serves items that the published list has, and no
//! chain of replacements loops; an import changes everything in the file or nothing.
//!
//! Every read is answered from a [`Loaded`] state in memory (the tree, the standards with
//! their links, the texts held without their bodies), read whole from the database and
//! kept while the audit log's newest id stays where it was: each read compares that id,
//! so a change written here or by another process is seen by the next read.
//!
//! It must never speak SQL (that is gongfu-db) or HTTP (gongfu-http, gongfu-web), and never
//! change the service list: it reads published versions through gongfu-catalog and links
//! to items by code.

pub mod export;
pub mod import;
pub mod texts;
pub mod view;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;

use gongfu_catalog::{Action, Actor, Catalog, CatalogError};
use gongfu_db::documents::{self, DocumentSummary};
use gongfu_db::{audit, standards as store, Db, DbError};
use gongfu_domain::standard::{
    supersession_cycle, Attention, Coverage, FieldError, Standard, StandardDraft, SystemTree,
};
pub use gongfu_domain::standard::{InternalPattern, NumberError, NumberRules, StandardNumber};
use gongfu_domain::ItemCode;
use gongfu_sheets::ImportFailure;
use time::Date;

/// How many days ahead the watch warns of a review falling due.
pub const REVIEW_WARNING_DAYS: i64 = 180;

/// What went wrong in a registry operation.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// A standard or node does not exist.
    #[error("{}", gongfu_domain::msg!("not-found", what = gongfu_domain::message::thing(what), key = key))]
    NotFound {
        /// Kind of thing.
        what: &'static str,
        /// Its key.
        key: String,
        /// Where to look instead.
        hint: &'static str,
    },
    /// The actor's role does not allow this.
    #[error(transparent)]
    Forbidden(#[from] gongfu_domain::Denied),
    /// The change breaks a rule of the registry; nothing was changed.
    #[error("{0}")]
    Invalid(String),
    /// A standard entered in a form breaks the registry's rules; nothing was changed.
    #[error("{}", gongfu_domain::msg!("standard-fields", errors = errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("；")))]
    Fields {
        /// Each field at fault, with how to fix it.
        errors: Vec<FieldError>,
    },
    /// An import file was rejected; nothing was changed.
    #[error(transparent)]
    Import(#[from] ImportFailure),
    /// A text could not be read.
    #[error("{file}: {source}")]
    Text {
        /// The file.
        file: String,
        /// Why.
        source: gongfu_texts::TextError,
    },
    /// A malformed standard number.
    #[error(transparent)]
    Number(#[from] NumberError),
    /// Reading the list failed.
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    /// Writing an export failed.
    #[error(transparent)]
    Export(#[from] export::ExportError),
    /// Work on the blocking pool stopped before it finished (a bug: it panicked).
    #[error("the check stopped before it finished: {0}")]
    Stopped(String),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Counts of one node of the tree, its descendants included.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct NodeCount {
    /// Node code (`未归入` for standards placed in no node).
    pub code: String,
    /// Node name.
    pub name: String,
    /// Parent code.
    pub parent: Option<String>,
    /// 0 for a top-level sub-system.
    pub depth: usize,
    /// Standards in the node and below.
    pub total: usize,
    /// Of those, in force today.
    pub in_force: usize,
    /// Cited (引用).
    pub cited: usize,
    /// Self-built (自建).
    pub self_built: usize,
    /// By level (`national_recommended`, ...).
    pub by_level: BTreeMap<String, usize>,
    /// By lifecycle stage (`effective`, ...).
    pub by_stage: BTreeMap<String, usize>,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ImportOutcome {
    /// Standards new to the registry.
    pub added: usize,
    /// Standards replaced by the file's rows.
    pub updated: usize,
}

/// A standard with what hangs off it, for its page.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StandardDetail {
    /// The standard.
    pub standard: Standard,
    /// In force today.
    pub in_force: bool,
    /// The node's path from the top, as (code, name).
    pub node_path: Vec<(String, String)>,
    /// The items it serves, with their names in the newest list version ('' if retired).
    pub items: Vec<(ItemCode, String)>,
    /// Registered standards that reference this one.
    pub referenced_by: Vec<StandardNumber>,
    /// Registered standards that replace this one.
    pub replaced_by: Vec<StandardNumber>,
    /// When the next review is due.
    pub review_due: Option<Date>,
}

/// The registry as read at one audit-log generation: what every read of the tree, the
/// standards, their links and the texts held is answered from. Replaced whole, never
/// patched, when the log moves.
#[derive(Debug)]
pub struct Loaded {
    /// The audit-log id it was read at.
    pub generation: i64,
    /// The system tree.
    pub tree: SystemTree,
    /// Every standard, ordered by number.
    pub standards: Vec<Standard>,
    /// The texts held, without their bodies, ordered by kind and key.
    pub texts: Vec<DocumentSummary>,
    /// Per number, its position in `standards`.
    by_number: HashMap<StandardNumber, usize>,
    /// Per item code, the positions in `standards` of the standards serving it.
    by_item: HashMap<ItemCode, Vec<usize>>,
}

impl Loaded {
    fn new(
        generation: i64,
        tree: SystemTree,
        standards: Vec<Standard>,
        texts: Vec<DocumentSummary>,
    ) -> Self {
        let mut by_item: HashMap<ItemCode, Vec<usize>> = HashMap::new();
        for (i, s) in standards.iter().enumerate() {
            for code in &s.items {
                let at = by_item.entry(code.clone()).or_default();
                // A standard listing an item twice still serves it once.
                if at.last() != Some(&i) {
                    at.push(i);
                }
            }
        }
        let by_number = standards
            .iter()
            .enumerate()
            .map(|(i, s)| (s.number.clone(), i))
            .collect();
        Loaded {
            generation,
            tree,
            standards,
            texts,
            by_number,
            by_item,
        }
    }

    /// The standards serving an item, ordered by number.
    pub fn for_item<'a>(&'a self, code: &ItemCode) -> impl Iterator<Item = &'a Standard> + 'a {
        self.by_item
            .get(code)
            .into_iter()
            .flatten()
            .map(|&i| &self.standards[i])
    }

    /// A registered standard by its number.
    pub fn find(&self, number: &StandardNumber) -> Option<&Standard> {
        self.by_number.get(number).map(|&i| &self.standards[i])
    }

    /// The text held for a standard (by canonical number) or an item (by code), without
    /// its body.
    pub fn text(&self, kind: texts::TextKind, key: &str) -> Option<&DocumentSummary> {
        self.texts
            .iter()
            .find(|t| t.kind == kind.as_str() && t.key == key)
    }
}

/// The standards capability over a database.
#[derive(Clone)]
pub struct Registry {
    db: Db,
    rules: NumberRules,
    catalog: Arc<Catalog>,
    /// Compared on every read: the comparison is one indexed query where a reload reads six
    /// tables whole, and a read must never be older than a write that committed before it
    /// (the search index stamps what it reads from here with the generation it saw).
    state: Arc<audit::Cached<Loaded>>,
}

impl Registry {
    /// A registry over `db`, reading numbers with `rules` and the list through `catalog`.
    pub fn new(db: Db, rules: NumberRules, catalog: Arc<Catalog>) -> Self {
        Self {
            db,
            rules,
            catalog,
            state: Arc::new(audit::Cached::new(Duration::ZERO)),
        }
    }

    /// The registry as it is now: kept in memory while the audit log does not move.
    pub async fn loaded(&self) -> Result<Arc<Loaded>, RegistryError> {
        self.state
            .get(&self.db, |generation| self.read_all(generation))
            .await
    }

    #[tracing::instrument(name = "reload_standards", skip(self))]
    async fn read_all(&self, generation: i64) -> Result<Loaded, RegistryError> {
        let tree = store::tree(&self.db).await?;
        let standards = store::standards(&self.db).await?;
        let texts = documents::list(&self.db, None).await?;
        Ok(Loaded::new(generation, tree, standards, texts))
    }

    /// How numbers are read here.
    pub fn rules(&self) -> &NumberRules {
        &self.rules
    }

    /// Parses a standard number with this installation's rules.
    pub fn parse_number(&self, raw: &str) -> Result<StandardNumber, NumberError> {
        StandardNumber::parse(raw, &self.rules)
    }

    /// The system tree (a copy: readers that only look use [`Registry::loaded`]).
    pub async fn tree(&self) -> Result<SystemTree, RegistryError> {
        Ok(self.loaded().await?.tree.clone())
    }

    /// Every standard, ordered by number (a copy: readers that only look use
    /// [`Registry::loaded`]).
    pub async fn standards(&self) -> Result<Vec<Standard>, RegistryError> {
        Ok(self.loaded().await?.standards.clone())
    }

    /// Replaces the system tree from a file (节点编号, 节点名称, 上级节点, 说明). Refused, with
    /// nothing changed, when a registered standard sits in a node the new tree lacks.
    #[tracing::instrument(skip_all, fields(actor = %actor.name, file = %file))]
    pub async fn import_tree(
        &self,
        actor: &Actor,
        file: &str,
        bytes: &[u8],
    ) -> Result<usize, RegistryError> {
        actor.may(Action::Administer)?;
        let tree = import::read_tree(file, bytes)?;
        let orphans: Vec<String> = self
            .loaded()
            .await?
            .standards
            .iter()
            .filter_map(|s| {
                let node = s.node.as_deref()?;
                tree.find(node)
                    .is_none()
                    .then(|| format!("{}（节点 {node}）", s.number))
            })
            .collect();
        if !orphans.is_empty() {
            return Err(RegistryError::Invalid(gongfu_domain::msg!(
                "tree-lacks-nodes",
                file = file,
                standards = orphans.join("、")
            )));
        }
        store::replace_tree(&self.db, &tree, &actor.name).await?;
        Ok(tree.nodes.len())
    }

    /// Imports registry rows (the 标准明细表): each row adds a standard or replaces the one
    /// with its number. All or nothing.
    #[tracing::instrument(skip_all, fields(actor = %actor.name, file = %file))]
    pub async fn import_standards(
        &self,
        actor: &Actor,
        file: &str,
        bytes: &[u8],
    ) -> Result<ImportOutcome, RegistryError> {
        actor.may(Action::Administer)?;
        let tree = self.tree().await?;
        let snapshot = self.catalog.snapshot(None).await?;
        let codes: Option<(i64, BTreeSet<ItemCode>)> = snapshot.as_ref().map(|s| {
            (
                s.version.number,
                s.items.iter().map(|i| i.code.clone()).collect(),
            )
        });
        let cx = import::RegistryContext {
            rules: &self.rules,
            tree: &tree,
            items: codes.as_ref().map(|(v, set)| (*v, set)),
        };
        let rows = import::read_standards(file, bytes, &cx)?;
        let updated = self
            .merge_and_save(&rows, &[], actor, "standards.import", file)
            .await?;
        Ok(ImportOutcome {
            added: rows.len() - updated,
            updated,
        })
    }

    /// Saves `rows` over the registry and removes `remove`, after checking that no chain of
    /// replacements loops in the registry that results. Returns how many rows replaced a
    /// registered standard.
    async fn merge_and_save(
        &self,
        rows: &[Standard],
        remove: &[StandardNumber],
        actor: &Actor,
        action: &str,
        source: &str,
    ) -> Result<usize, RegistryError> {
        let existing = self.loaded().await?;
        let known: BTreeSet<String> = existing
            .standards
            .iter()
            .map(|s| s.number.to_string())
            .collect();
        let incoming: BTreeSet<String> = rows
            .iter()
            .map(|s| s.number.to_string())
            .chain(remove.iter().map(|n| n.to_string()))
            .collect();
        let mut merged: Vec<Standard> = existing
            .standards
            .iter()
            .filter(|s| !incoming.contains(&s.number.to_string()))
            .cloned()
            .collect();
        merged.extend(rows.iter().cloned());
        if let Some(cycle) = supersession_cycle(&merged) {
            let path: Vec<String> = cycle.iter().map(|n| n.to_string()).collect();
            return Err(RegistryError::Invalid(gongfu_domain::msg!(
                "standards-replacement-cycle",
                file = source,
                path = path.join(" 代替 ")
            )));
        }
        let updated = rows
            .iter()
            .filter(|s| known.contains(&s.number.to_string()))
            .count();
        store::save_standards(&self.db, rows, remove, &actor.name, action).await?;
        Ok(updated)
    }

    /// Adds or edits one standard from a form. `previous` is the number it had when the form
    /// was opened (None for a new one): a changed number renames the standard, and a new
    /// standard may not take the number of a registered one. Field errors come back together.
    pub async fn save_draft(
        &self,
        actor: &Actor,
        draft: &StandardDraft,
        previous: Option<&str>,
    ) -> Result<Standard, RegistryError> {
        actor.may(Action::Administer)?;
        let registry = self.loaded().await?;
        let standard = Standard::parse(draft, &self.rules, &registry.tree)
            .map_err(|errors| RegistryError::Fields { errors })?;
        let snapshot = self.catalog.snapshot(None).await?;
        let mut errors = vec![];
        for code in &standard.items {
            let message = match &snapshot {
                Some(s) if s.items.iter().any(|i| &i.code == code) => continue,
                Some(s) => gongfu_domain::msg!(
                    "standard-item-not-in-version",
                    code = code,
                    version = s.version.number
                ),
                None => gongfu_domain::msg!("standard-item-no-version", code = code),
            };
            errors.push(FieldError::new("items", message));
        }
        let previous = previous
            .filter(|p| !p.trim().is_empty())
            .map(|p| self.parse_number(p))
            .transpose()?;
        let taken = registry.find(&standard.number).is_some();
        if taken && previous.as_ref() != Some(&standard.number) {
            errors.push(FieldError::new(
                "number",
                gongfu_domain::msg!("standard-taken", number = standard.number),
            ));
        }
        if let Some(p) = &previous {
            if registry.find(p).is_none() {
                return Err(RegistryError::NotFound {
                    what: "standard",
                    key: p.to_string(),
                    hint: "it may have been removed meanwhile; reload the registry",
                });
            }
        }
        if !errors.is_empty() {
            return Err(RegistryError::Fields { errors });
        }
        let remove: Vec<StandardNumber> = previous
            .clone()
            .filter(|p| *p != standard.number)
            .into_iter()
            .collect();
        let action = if previous.is_some() {
            "standards.edit"
        } else {
            "standards.add"
        };
        self.merge_and_save(
            std::slice::from_ref(&standard),
            &remove,
            actor,
            action,
            "the form",
        )
        .await?;
        Ok(standard)
    }

    /// Removes a standard from the registry (its links go with it; standards that cite it
    /// keep their references, which the watch then reports as unregistered).
    pub async fn remove_standard(&self, actor: &Actor, raw: &str) -> Result<(), RegistryError> {
        actor.may(Action::Administer)?;
        let number = self.parse_number(raw)?;
        if self.loaded().await?.find(&number).is_none() {
            return Err(RegistryError::NotFound {
                what: "standard",
                key: number.to_string(),
                hint: "GET /api/v1/standards lists the registry",
            });
        }
        store::save_standards(&self.db, &[], &[number], &actor.name, "standards.remove").await?;
        Ok(())
    }

    /// One standard with its links.
    pub async fn standard(&self, raw: &str) -> Result<StandardDetail, RegistryError> {
        let number = self.parse_number(raw)?;
        let registry = self.loaded().await?;
        let Some(s) = registry.find(&number).cloned() else {
            return Err(RegistryError::NotFound {
                what: "standard",
                key: number.to_string(),
                hint: "GET /api/v1/standards lists the registry; add it with `gongfu import standards FILE`",
            });
        };
        let tree = &registry.tree;
        let node_path = s
            .node
            .as_deref()
            .map(|c| {
                let mut path: Vec<(String, String)> = tree
                    .ancestry(c)
                    .into_iter()
                    .filter_map(|c| tree.nodes.iter().find(|n| n.code == c))
                    .map(|n| (n.code.clone(), n.name.clone()))
                    .collect();
                path.reverse();
                path
            })
            .unwrap_or_default();
        let names: BTreeMap<ItemCode, String> = match self.catalog.snapshot(None).await? {
            Some(snap) => snap
                .items
                .iter()
                .map(|i| (i.code.clone(), i.name.clone()))
                .collect(),
            None => BTreeMap::new(),
        };
        let undated = number.undated();
        let referenced_by = registry
            .standards
            .iter()
            .filter(|o| o.references.iter().any(|r| *r == number || *r == undated))
            .map(|o| o.number.clone())
            .collect();
        let replaced_by = registry
            .standards
            .iter()
            .filter(|o| o.supersedes.contains(&number))
            .map(|o| o.number.clone())
            .chain(s.superseded_by.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let today = self.catalog.clock().today();
        Ok(StandardDetail {
            in_force: s.in_force(today),
            review_due: s.review_due(today),
            items: s
                .items
                .iter()
                .map(|c| (c.clone(), names.get(c).cloned().unwrap_or_default()))
                .collect(),
            node_path,
            referenced_by,
            replaced_by,
            standard: s,
        })
    }

    /// The standards serving an item.
    pub async fn for_item(&self, code: &ItemCode) -> Result<Vec<Standard>, RegistryError> {
        Ok(self.loaded().await?.for_item(code).cloned().collect())
    }

    /// Counts per node of the tree, descendants included, in tree order; a last row
    /// `未归入` counts standards placed in no node, when there are any.
    pub async fn tree_counts(&self, today: Date) -> Result<Vec<NodeCount>, RegistryError> {
        let registry = self.loaded().await?;
        Ok(node_counts(&registry.tree, &registry.standards, today))
    }

    /// Coverage of a list version (the newest when None) on `today`.
    pub async fn coverage(
        &self,
        version: Option<i64>,
        today: Date,
    ) -> Result<(Arc<gongfu_catalog::Snapshot>, Coverage), RegistryError> {
        let Some(snap) = self.catalog.snapshot(version).await? else {
            return Err(RegistryError::NotFound {
                what: "list version",
                key: version
                    .map(|v| v.to_string())
                    .unwrap_or_else(|| "(newest)".into()),
                hint: "GET /api/v1/versions lists the published versions; publish one with `gongfu import items FILE --publish`",
            });
        };
        let registry = self.loaded().await?;
        let c = gongfu_domain::standard::coverage(
            &snap.taxonomy,
            &snap.items,
            &registry.standards,
            today,
        );
        Ok((snap, c))
    }

    /// The lifecycle watch on `today`, against the newest list version's items.
    pub async fn attention(&self, today: Date) -> Result<Attention, RegistryError> {
        let registry = self.loaded().await?;
        let snapshot = self.catalog.snapshot(None).await?;
        let items = snapshot.as_ref().map(|s| s.items.as_slice()).unwrap_or(&[]);
        Ok(gongfu_domain::standard::attention(
            &registry.standards,
            items,
            today,
            REVIEW_WARNING_DAYS,
        ))
    }
}

/// Counts per node, descendants included (see [`Registry::tree_counts`]).
pub fn node_counts(tree: &SystemTree, standards: &[Standard], today: Date) -> Vec<NodeCount> {
    let mut counts: Vec<NodeCount> = tree
        .nodes
        .iter()
        .map(|n| NodeCount {
            code: n.code.clone(),
            name: n.name.clone(),
            parent: n.parent.clone(),
            depth: tree.depth(&n.code),
            ..Default::default()
        })
        .collect();
    let index: BTreeMap<String, usize> = counts
        .iter()
        .enumerate()
        .map(|(i, c)| (c.code.clone(), i))
        .collect();
    let mut unplaced = NodeCount {
        code: "未归入".into(),
        name: "未归入体系".into(),
        ..Default::default()
    };
    for s in standards {
        let add = |c: &mut NodeCount| {
            c.total += 1;
            c.in_force += s.in_force(today) as usize;
            match s.origin {
                gongfu_domain::standard::Origin::Cited => c.cited += 1,
                gongfu_domain::standard::Origin::SelfBuilt => c.self_built += 1,
            }
            *c.by_level.entry(s.level().as_str().into()).or_default() += 1;
            *c.by_stage.entry(s.stage.as_str().into()).or_default() += 1;
        };
        match s.node.as_deref().filter(|c| index.contains_key(*c)) {
            Some(code) => {
                for a in tree.ancestry(code) {
                    if let Some(&i) = index.get(a) {
                        add(&mut counts[i]);
                    }
                }
            }
            None => add(&mut unplaced),
        }
    }
    if unplaced.total > 0 {
        counts.push(unplaced);
    }
    counts
}
