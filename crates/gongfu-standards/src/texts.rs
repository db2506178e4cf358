//! Texts the district holds: standard texts (标准文本) and service guides (办事指南).
//!
//! A text is parsed once, when it is imported (gongfu-texts turns .docx and Markdown into a
//! [`Document`]), and stored as that structure; pages render it and search indexes its plain
//! text. A standard text hangs off a registered standard, a guide off an item of the newest
//! list version; both are checked when the text is written.

use std::collections::BTreeSet;

use gongfu_db::documents::{self as store, DocumentSummary, StoredDocument};
use gongfu_domain::standard::{Stage, Standard, StandardNumber};
use gongfu_domain::ItemCode;
use gongfu_texts::{Document, Format, RefStatus, ReferenceLookup};

use crate::{Registry, RegistryError};
use gongfu_catalog::{Action, Actor};

/// What a text belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TextKind {
    /// The text of a registered standard; keyed by its canonical number.
    Standard,
    /// The service guide of an item; keyed by the item code.
    Guide,
}

impl TextKind {
    /// `standard` or `guide`.
    pub fn as_str(self) -> &'static str {
        match self {
            TextKind::Standard => "standard",
            TextKind::Guide => "guide",
        }
    }

    /// Reads `standard` / `guide` (or 标准 / 指南).
    pub fn parse(raw: &str) -> Result<Self, RegistryError> {
        match raw.trim() {
            "standard" | "标准" | "标准文本" => Ok(TextKind::Standard),
            "guide" | "指南" | "办事指南" => Ok(TextKind::Guide),
            other => Err(RegistryError::Invalid(format!(
                "unknown text kind '{other}'; use 'standard' (a standard's text) or 'guide' (an item's service guide)"
            ))),
        }
    }
}

/// A stored text, parsed back.
#[derive(Debug, Clone)]
pub struct Text {
    /// What it belongs to.
    pub kind: TextKind,
    /// Canonical standard number or item code.
    pub key: String,
    /// Title.
    pub title: String,
    /// The file it came from.
    pub source_name: String,
    /// `markdown` or `docx`.
    pub source_format: String,
    /// Illustrative (示例).
    pub demo: bool,
    /// Last written (RFC 3339, UTC).
    pub updated_at: String,
    /// By whom.
    pub updated_by: String,
    /// The structure.
    pub document: Document,
}

/// One file of a text import: what it belongs to and its bytes.
#[derive(Debug, Clone)]
pub struct TextUpload {
    /// Standard text or guide.
    pub kind: TextKind,
    /// The standard number (any spelling) or the item code.
    pub key: String,
    /// The file name, for messages and to tell the format.
    pub file: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// The registry as the checker sees it: which editions are in force, replaced or withdrawn,
/// and, for a registered standard's own text, the references recorded for it.
pub struct RegistryLookup<'a> {
    standards: &'a [Standard],
    recorded: Option<&'a [StandardNumber]>,
}

impl<'a> RegistryLookup<'a> {
    /// A lookup over the registered standards.
    pub fn new(standards: &'a [Standard]) -> Self {
        Self {
            standards,
            recorded: None,
        }
    }

    /// The same, checking the text of the registered standard `number` (its canonical
    /// spelling): the text's chapter 2 is compared with the references recorded for it.
    pub fn for_text_of(standards: &'a [Standard], number: &str) -> Self {
        let own = standards.iter().find(|s| s.number.to_string() == number);
        Self {
            standards,
            recorded: own.map(|s| s.references.as_slice()),
        }
    }
}

impl ReferenceLookup for RegistryLookup<'_> {
    fn recorded_references(&self) -> Option<&[StandardNumber]> {
        self.recorded
    }

    fn status(&self, number: &StandardNumber) -> Option<RefStatus> {
        let replacement = |n: &StandardNumber| {
            self.standards
                .iter()
                .find(|s| s.supersedes.contains(n))
                .map(|s| s.number.to_string())
        };
        if number.year().is_some() {
            if let Some(s) = self.standards.iter().find(|s| &s.number == number) {
                return Some(match s.stage {
                    Stage::Superseded => RefStatus::Superseded {
                        by: s
                            .superseded_by
                            .as_ref()
                            .map(|n| n.to_string())
                            .or_else(|| replacement(number)),
                    },
                    Stage::Withdrawn => RefStatus::Withdrawn,
                    _ => match &s.superseded_by {
                        Some(by) => RefStatus::Superseded {
                            by: Some(by.to_string()),
                        },
                        None => RefStatus::InForce,
                    },
                });
            }
            // An unregistered edition that a registered standard replaces.
            return replacement(number).map(|by| RefStatus::Superseded { by: Some(by) });
        }
        // An undated reference follows the newest edition: fine while any is not gone.
        let editions: Vec<&Standard> = self
            .standards
            .iter()
            .filter(|s| s.number.undated() == *number)
            .collect();
        if editions.is_empty() {
            return None;
        }
        if editions.iter().any(|s| !s.stage.is_gone()) {
            return Some(RefStatus::InForce);
        }
        let newest = editions.iter().max_by_key(|s| s.number.year())?;
        Some(if newest.stage == Stage::Withdrawn {
            RefStatus::Withdrawn
        } else {
            RefStatus::Superseded {
                by: newest
                    .superseded_by
                    .as_ref()
                    .map(|n| n.to_string())
                    .or_else(|| replacement(&newest.number)),
            }
        })
    }
}

fn parse_file(file: &str, bytes: &[u8]) -> Result<Document, RegistryError> {
    let format = Format::detect(bytes, Some(file));
    gongfu_texts::parse(bytes, format).map_err(|e| RegistryError::Text {
        file: file.to_string(),
        source: e,
    })
}

fn format_name(bytes: &[u8], file: &str) -> &'static str {
    match Format::detect(bytes, Some(file)) {
        Format::Docx => "docx",
        Format::Markdown => "markdown",
    }
}

impl Registry {
    /// Imports texts: every file is parsed and its standard or item checked before anything
    /// is written; then all are saved in one transaction (replacing texts with the same key).
    #[tracing::instrument(skip_all, fields(actor = %actor.name, files = uploads.len()))]
    pub async fn import_texts(
        &self,
        actor: &Actor,
        uploads: &[TextUpload],
        demo: bool,
    ) -> Result<usize, RegistryError> {
        actor.may(Action::Administer)?;
        let registered: BTreeSet<String> = self
            .loaded()
            .await?
            .standards
            .iter()
            .map(|s| s.number.to_string())
            .collect();
        let items: BTreeSet<ItemCode> = match self.catalog.snapshot(None).await? {
            Some(s) => s.items.iter().map(|i| i.code.clone()).collect(),
            None => BTreeSet::new(),
        };
        let mut docs = Vec::with_capacity(uploads.len());
        // (file, what is wrong with it): every file is looked at before anything is refused.
        let mut problems: Vec<(String, RegistryError)> = vec![];
        for u in uploads {
            let key = match u.kind {
                TextKind::Standard => match self.parse_number(&u.key) {
                    Ok(n) if registered.contains(&n.to_string()) => n.to_string(),
                    Ok(n) => {
                        problems.push((u.file.clone(), RegistryError::NotFound {
                            what: "standard",
                            key: n.to_string(),
                            hint: "a text belongs to a registered standard: add the standard first (import the 标准明细表 or use the form)",
                        }));
                        continue;
                    }
                    Err(e) => {
                        problems.push((u.file.clone(), e.into()));
                        continue;
                    }
                },
                TextKind::Guide => match ItemCode::parse(&u.key) {
                    Ok(c) if items.contains(&c) => c.as_str().to_string(),
                    Ok(c) => {
                        problems.push((u.file.clone(), RegistryError::NotFound {
                            what: "item",
                            key: c.to_string(),
                            hint: "a guide belongs to an item of the newest published list version",
                        }));
                        continue;
                    }
                    Err(e) => {
                        problems.push((
                            u.file.clone(),
                            RegistryError::Invalid(format!("item code '{}': {e}", u.key)),
                        ));
                        continue;
                    }
                },
            };
            let document = match parse_file(&u.file, &u.bytes) {
                Ok(d) => d,
                Err(e) => {
                    problems.push((u.file.clone(), e));
                    continue;
                }
            };
            let title = if document.title.trim().is_empty() {
                key.clone()
            } else {
                document.title.clone()
            };
            docs.push(StoredDocument {
                kind: u.kind.as_str().into(),
                key,
                demo: demo || title.contains("示例"),
                title,
                source_name: u.file.clone(),
                source_format: format_name(&u.bytes, &u.file).into(),
                plain_text: document.plain_text(),
                body: serde_json::to_string(&document).map_err(|e| {
                    RegistryError::Invalid(format!("{}: cannot store the document: {e}", u.file))
                })?,
                updated_at: String::new(),
                updated_by: String::new(),
            });
        }
        // One file at fault keeps its own error (an unreadable document, an unknown
        // standard); several are listed together. Either way nothing was written.
        if problems.len() == 1 && uploads.len() == 1 {
            if let Some((_, e)) = problems.pop() {
                return Err(e);
            }
        }
        if !problems.is_empty() {
            let list: Vec<String> = problems
                .iter()
                .map(|(file, e)| {
                    let m = e.to_string();
                    if m.contains(file.as_str()) {
                        m
                    } else {
                        format!("{file}: {m}")
                    }
                })
                .collect();
            return Err(RegistryError::Invalid(format!(
                "{} of {} files cannot be imported (nothing was imported): {}",
                problems.len(),
                uploads.len(),
                list.join("; ")
            )));
        }
        store::save(&self.db, &docs, &[], &actor.name, "texts.import").await?;
        Ok(docs.len())
    }

    /// The texts held, of one kind or all, without their bodies, ordered by kind and key.
    pub async fn texts(
        &self,
        kind: Option<TextKind>,
    ) -> Result<Vec<DocumentSummary>, RegistryError> {
        Ok(self
            .loaded()
            .await?
            .texts
            .iter()
            .filter(|t| kind.is_none_or(|k| t.kind == k.as_str()))
            .cloned()
            .collect())
    }

    /// One text, or None when the district holds none for it.
    pub async fn text(&self, kind: TextKind, key: &str) -> Result<Option<Text>, RegistryError> {
        let key = match kind {
            TextKind::Standard => self.parse_number(key)?.to_string(),
            TextKind::Guide => key.trim().to_string(),
        };
        // Most standards have no text: the list in memory answers that without a query.
        if self.loaded().await?.text(kind, &key).is_none() {
            return Ok(None);
        }
        let Some(d) = store::get_document(&self.db, kind.as_str(), &key).await? else {
            return Ok(None);
        };
        let document: Document = serde_json::from_str(&d.body).map_err(|e| {
            RegistryError::Db(gongfu_db::DbError::Corrupt {
                what: "document",
                detail: format!("{}:{}: {e}", d.kind, d.key),
            })
        })?;
        Ok(Some(Text {
            kind,
            key: d.key,
            title: d.title,
            source_name: d.source_name,
            source_format: d.source_format,
            demo: d.demo,
            updated_at: d.updated_at,
            updated_by: d.updated_by,
            document,
        }))
    }

    /// Removes a text.
    pub async fn remove_text(
        &self,
        actor: &Actor,
        kind: TextKind,
        key: &str,
    ) -> Result<(), RegistryError> {
        actor.may(Action::Administer)?;
        let Some(t) = self.text(kind, key).await? else {
            return Err(RegistryError::NotFound {
                what: "text",
                key: key.to_string(),
                hint: "GET /api/v1/texts lists the texts held",
            });
        };
        store::save(
            &self.db,
            &[],
            &[(kind.as_str().to_string(), t.key)],
            &actor.name,
            "texts.remove",
        )
        .await?;
        Ok(())
    }

    /// Checks a stored text against GB/T 1.1-2020; a standard's text is also compared with
    /// the normative references the registry records for that standard.
    pub async fn check_text(
        &self,
        text: &Text,
    ) -> Result<Vec<gongfu_texts::Finding>, RegistryError> {
        let registry = self.loaded().await?;
        let lookup = match text.kind {
            TextKind::Standard => RegistryLookup::for_text_of(&registry.standards, &text.key),
            TextKind::Guide => RegistryLookup::new(&registry.standards),
        };
        Ok(gongfu_texts::check(&text.document, &self.rules, &lookup))
    }

    /// Checks a document against GB/T 1.1-2020, with references judged by this registry.
    /// Parsing and checking are CPU work of up to a second on a large upload: they run on
    /// the blocking pool, so the async workers go on serving pages meanwhile.
    pub async fn check(
        &self,
        file: &str,
        bytes: Vec<u8>,
    ) -> Result<(Document, Vec<gongfu_texts::Finding>), RegistryError> {
        // The registry as loaded (shared, not copied), moved to the blocking pool with the
        // upload.
        let registry = self.loaded().await?;
        let rules = self.rules.clone();
        let file = file.to_string();
        tokio::task::spawn_blocking(move || {
            let document = parse_file(&file, &bytes)?;
            let findings =
                gongfu_texts::check(&document, &rules, &RegistryLookup::new(&registry.standards));
            Ok((document, findings))
        })
        .await
        .map_err(|e| RegistryError::Stopped(e.to_string()))?
    }
}

/// Reads a text manifest (类型, 编号, 文件 per row; English headers kind, key, file also
/// accepted) and each file it names through `read`. Every problem is collected, with the
/// manifest's row, before anything is returned.
pub fn read_manifest(
    name: &str,
    bytes: &[u8],
    read: impl Fn(&str) -> Result<Vec<u8>, String>,
) -> Result<Vec<TextUpload>, RegistryError> {
    let mut r = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let headers = r
        .headers()
        .map_err(|e| RegistryError::Invalid(format!("{name}: cannot read the header: {e}")))?
        .clone();
    let col = |names: &[&str]| headers.iter().position(|h| names.contains(&h.trim()));
    let (Some(k), Some(key), Some(f)) = (
        col(&["类型", "kind"]),
        col(&["编号", "key"]),
        col(&["文件", "file"]),
    ) else {
        return Err(RegistryError::Invalid(format!(
            "{name}: the header must name the columns 类型, 编号 and 文件 (or kind, key, file)"
        )));
    };
    let mut out = vec![];
    let mut problems = vec![];
    for (i, rec) in r.records().enumerate() {
        let row = i + 2;
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                problems.push(format!("{name} row {row}: {e}"));
                continue;
            }
        };
        let cell = |c: usize| rec.get(c).unwrap_or("").trim().to_string();
        let kind = match TextKind::parse(&cell(k)) {
            Ok(kind) => kind,
            Err(e) => {
                problems.push(format!("{name} row {row}, column 类型: {e}"));
                continue;
            }
        };
        let file = cell(f);
        match read(&file) {
            Ok(bytes) => out.push(TextUpload {
                kind,
                key: cell(key),
                file,
                bytes,
            }),
            Err(e) => problems.push(format!(
                "{name} row {row}, column 文件: cannot read {file}: {e}"
            )),
        }
    }
    if !problems.is_empty() {
        return Err(RegistryError::Invalid(format!(
            "{} (nothing was imported)",
            problems.join("; ")
        )));
    }
    if out.is_empty() {
        return Err(RegistryError::Invalid(format!(
            "{name} lists no files; add one row per text under the header 类型,编号,文件"
        )));
    }
    Ok(out)
}
