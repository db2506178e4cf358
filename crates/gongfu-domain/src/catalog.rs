//! The service list: areas, categories, items and the rules a list must keep.
//!
//! Areas and categories are data ([`Taxonomy`]), so Futian's 幼有善育, Chengdu's ten sectors
//! and Taizhou's thirteen areas need no code. An item is accepted only in its parsed form,
//! [`ServiceItem`]; the raw form is [`ItemDraft`], one string per column, which is what every
//! importer (CSV, xlsx, JSON, the official text layout, HTML forms) produces first.

use crate::region::PopulationKind;
use crate::text::{clean, split_list};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

/// One top-level area (领域), e.g. 幼有所育. `no` orders areas (一, 二, ... as 1, 2, ...).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Area {
    /// Position, 1-based.
    pub no: u32,
    /// Name, e.g. 幼有所育.
    pub name: String,
}

/// A category (大类), numbered across areas (1-22 in the national standard).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Category {
    /// Number, unique in the list.
    pub no: u32,
    /// The area it belongs to.
    pub area_no: u32,
    /// Name, e.g. 优孕优生服务.
    pub name: String,
}

/// The areas and categories of one list version.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Taxonomy {
    /// Areas ordered by `no`.
    pub areas: Vec<Area>,
    /// Categories ordered by `no`.
    pub categories: Vec<Category>,
}

/// Why a taxonomy was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TaxonomyError {
    /// Two areas with one number or name.
    #[error("{}", crate::msg!("taxonomy-duplicate-area", area = .0))]
    DuplicateArea(String),
    /// Two categories with one number or name.
    #[error("{}", crate::msg!("taxonomy-duplicate-category", category = .0))]
    DuplicateCategory(String),
    /// A category names an area that is not there.
    #[error("{}", crate::msg!("taxonomy-unknown-area", category = category, area_no = area_no))]
    UnknownArea {
        /// The category's name.
        category: String,
        /// The area number it names.
        area_no: u32,
    },
    /// A blank name.
    #[error("{}", crate::msg!("taxonomy-empty-name"))]
    EmptyName,
}

impl Taxonomy {
    /// Builds a taxonomy, checking numbers and names are unique and every category's area exists.
    pub fn new(mut areas: Vec<Area>, mut categories: Vec<Category>) -> Result<Self, TaxonomyError> {
        areas.iter_mut().for_each(|a| a.name = clean(&a.name));
        categories.iter_mut().for_each(|c| c.name = clean(&c.name));
        areas.sort_by_key(|a| a.no);
        categories.sort_by_key(|c| c.no);
        let mut seen = HashSet::new();
        for a in &areas {
            if a.name.is_empty() {
                return Err(TaxonomyError::EmptyName);
            }
            if !seen.insert(format!("n{}", a.no)) || !seen.insert(a.name.clone()) {
                return Err(TaxonomyError::DuplicateArea(format!("{} {}", a.no, a.name)));
            }
        }
        let mut seen = HashSet::new();
        for c in &categories {
            if c.name.is_empty() {
                return Err(TaxonomyError::EmptyName);
            }
            if !areas.iter().any(|a| a.no == c.area_no) {
                return Err(TaxonomyError::UnknownArea {
                    category: c.name.clone(),
                    area_no: c.area_no,
                });
            }
            if !seen.insert(format!("n{}", c.no)) || !seen.insert(c.name.clone()) {
                return Err(TaxonomyError::DuplicateCategory(format!(
                    "{} {}",
                    c.no, c.name
                )));
            }
        }
        Ok(Self { areas, categories })
    }

    /// Finds an area by name, tolerating a leading Chinese numeral ("一、幼有所育") and width.
    pub fn area_by_name(&self, raw: &str) -> Option<&Area> {
        let name = strip_numbering(raw);
        self.areas.iter().find(|a| a.name == name)
    }

    /// Finds an area by number.
    pub fn area(&self, no: u32) -> Option<&Area> {
        self.areas.iter().find(|a| a.no == no)
    }

    /// Finds a category by name, tolerating a leading number ("1.优孕优生服务").
    pub fn category_by_name(&self, raw: &str) -> Option<&Category> {
        let name = strip_numbering(raw);
        self.categories.iter().find(|c| c.name == name)
    }

    /// Finds a category by number.
    pub fn category(&self, no: u32) -> Option<&Category> {
        self.categories.iter().find(|c| c.no == no)
    }

    /// The categories of one area, in order.
    pub fn categories_of(&self, area_no: u32) -> impl Iterator<Item = &Category> {
        self.categories.iter().filter(move |c| c.area_no == area_no)
    }
}

/// Removes list numbering in front of a heading: "一、", "1.", "1．", "(1)", "（一）".
pub fn strip_numbering(raw: &str) -> String {
    let s = clean(&crate::text::fold_width(raw));
    let s = s.trim_start();
    let rest = if let Some(r) = s.strip_prefix('(') {
        r.find(')').map(|i| &r[i + 1..]).unwrap_or(s)
    } else {
        let end = s
            .char_indices()
            .find(|(_, c)| !(c.is_ascii_digit() || "一二三四五六七八九十百".contains(*c)))
            .map(|(i, _)| i)
            .unwrap_or(s.len());
        if end > 0 {
            let after = &s[end..];
            after.strip_prefix(['、', '.', ' ']).unwrap_or(s)
        } else {
            s
        }
    };
    rest.trim().to_string()
}

/// An item code: 1-32 characters of ASCII letters, digits, '-', '_' and '.'.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct ItemCode(String);

impl ItemCode {
    /// Parses a code, folding full-width characters and surrounding spaces.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let s = crate::text::fold_width(raw).trim().to_string();
        if s.is_empty() {
            return Err(crate::msg!("item-code-empty"));
        }
        if s.len() > 32 {
            return Err(crate::msg!("item-code-too-long", code = s));
        }
        if let Some(c) = s
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || "-_.".contains(*c)))
        {
            return Err(crate::msg!("item-code-bad-char", code = s, char = c));
        }
        Ok(Self(s))
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ItemCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A department as the list names it (short name, e.g. 退役军人部, 区卫生健康局).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct DepartmentName(String);

impl DepartmentName {
    /// Parses one name: cleaned, non-empty, at most 64 characters.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let s = clean(raw);
        if s.is_empty() {
            return Err(crate::msg!("department-empty"));
        }
        if s.chars().count() > 64 {
            return Err(crate::msg!("department-too-long", name = s));
        }
        Ok(Self(s))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for DepartmentName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Who pays (支出责任). The national standard uses a few fixed phrasings; anything else is
/// kept as written.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ExpenditureResponsibility {
    /// 中央财政承担支出责任
    Central,
    /// 地方财政承担支出责任
    Local,
    /// 中央财政和地方财政共同承担支出责任
    Shared,
    /// Anything else, e.g. a province's own split.
    Other(String),
}

impl ExpenditureResponsibility {
    /// Recognizes the standard phrasings in their common variants ("中央和地方共同承担",
    /// "地方财政") and keeps anything else verbatim. `None` for an empty cell.
    pub fn parse(raw: &str) -> Option<Self> {
        let s = clean(&crate::text::fold_width(raw));
        if s.is_empty() {
            return None;
        }
        let core: String = s.chars().filter(|c| !"。.".contains(*c)).collect();
        let central = core.contains("中央");
        let local = core.contains("地方");
        let known = core
            .replace("中央财政", "")
            .replace("地方财政", "")
            .replace("中央", "")
            .replace("地方", "")
            .replace("共同承担", "")
            .replace("承担", "")
            .replace("支出责任", "")
            .replace("和", "")
            .replace("与", "")
            .replace("、", "");
        Some(match (central, local, known.is_empty()) {
            (true, true, true) => Self::Shared,
            (true, false, true) => Self::Central,
            (false, true, true) => Self::Local,
            _ => Self::Other(s),
        })
    }

    /// The canonical phrasing.
    pub fn text(&self) -> &str {
        match self {
            Self::Central => "中央财政承担支出责任",
            Self::Local => "地方财政承担支出责任",
            Self::Shared => "中央财政和地方财政共同承担支出责任",
            Self::Other(s) => s,
        }
    }

    /// Stable kind name: central, local, shared or other.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Central => "central",
            Self::Local => "local",
            Self::Shared => "shared",
            Self::Other(_) => "other",
        }
    }
}

impl serde::Serialize for ExpenditureResponsibility {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("ExpenditureResponsibility", 2)?;
        st.serialize_field("kind", self.kind())?;
        st.serialize_field("text", self.text())?;
        st.end()
    }
}

macro_rules! labelled_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident = ($s:literal, $l:literal $(, $alias:literal)*)),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[$vm])* $v),+ }
        impl $name {
            /// Every value, in order.
            pub const ALL: &'static [$name] = &[$(Self::$v),+];
            /// Stable English name, used in storage and the API.
            pub fn as_str(self) -> &'static str { match self { $(Self::$v => $s),+ } }
            /// Chinese label, used on pages and in spreadsheets.
            pub fn label(self) -> &'static str { match self { $(Self::$v => $l),+ } }
            /// Accepts the English name, the Chinese label or a known alias.
            pub fn parse(raw: &str) -> Option<Self> {
                let s = $crate::text::clean(&$crate::text::fold_width(raw));
                match s.as_str() { $($s | $l $(| $alias)* => Some(Self::$v),)+ _ => None }
            }
            /// The Chinese labels, for messages to people: 国家、省、市、区.
            pub fn labels() -> String {
                [$($l),+].join("、")
            }
            /// The accepted spellings, for error messages.
            pub fn expected() -> String {
                [$(concat!($l, " (", $s, ")")),+].join(", ")
            }
        }
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> { s.serialize_str(self.as_str()) }
        }
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Self::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("unknown value '{s}', expected one of {}", Self::expected())))
            }
        }
    };
}

pub(crate) use labelled_enum;

labelled_enum! {
    /// Which level of government put the item on the list.
    OriginLevel {
        /// From the national standard.
        National = ("national", "国家", "国家级", "国家标准"),
        /// Added or raised by the province.
        Provincial = ("provincial", "省级", "省", "省定"),
        /// Added or raised by the city.
        Municipal = ("municipal", "市级", "市", "市定"),
        /// Added or raised by the district.
        District = ("district", "区级", "区", "区定", "县级"),
    }
}

labelled_enum! {
    /// How a local item relates to the national item it names as base.
    BaseRelation {
        /// Implements the national item as it is.
        Implements = ("implements", "落实", "执行"),
        /// Raises the national item's standard or widens its target population.
        Raises = ("raises", "提标", "提高", "扩面"),
    }
}

labelled_enum! {
    /// Whether the item is being delivered.
    ItemStatus {
        /// Delivered now.
        Active = ("active", "实施中", "有效", "正常"),
        /// Listed but not yet delivered (e.g. from next year).
        Planned = ("planned", "拟实施", "计划"),
        /// Temporarily not delivered.
        Suspended = ("suspended", "暂停"),
    }
}

labelled_enum! {
    /// What a proposal in a dynamic adjustment (动态调整) asks for.
    ProposalKind {
        /// Add a new item (新增).
        Add = ("add", "新增"),
        /// Change an existing item's fields (调整).
        Modify = ("modify", "调整", "修改"),
        /// Replace two or more items with one (合并).
        Merge = ("merge", "合并"),
        /// Take an item off the list (退出).
        Retire = ("retire", "退出", "取消", "删除"),
    }
}

labelled_enum! {
    /// A reviewer's decision on one proposal.
    Decision {
        /// Not decided yet.
        Pending = ("pending", "待审核"),
        /// Goes into the next version when the adjustment is approved.
        Accepted = ("accepted", "同意"),
        /// Left out.
        Rejected = ("rejected", "不同意", "驳回"),
    }
}

labelled_enum! {
    /// Where a dynamic adjustment stands.
    AdjustmentStatus {
        /// Proposals may be added and decided.
        Open = ("open", "进行中"),
        /// Approved: its accepted proposals were published as a new version.
        Approved = ("approved", "已发布"),
        /// Turned down as a whole.
        Rejected = ("rejected", "已否决"),
        /// Withdrawn by its author.
        Withdrawn = ("withdrawn", "已撤回"),
    }
}

/// Population scope of an item (户籍 / 常住 / 服务人口).
pub type PopulationScope = PopulationKind;

/// One service item, parsed and complete.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ServiceItem {
    /// Code, unique in a list version.
    pub code: ItemCode,
    /// Name (服务项目).
    pub name: String,
    /// Area number in the version's taxonomy.
    pub area_no: u32,
    /// Category number in the version's taxonomy.
    pub category_no: u32,
    /// Position within the category (序号).
    pub seq: u32,
    /// 服务对象.
    pub target_population: String,
    /// 服务内容.
    pub content: String,
    /// 服务标准.
    pub standard: String,
    /// 支出责任.
    pub expenditure_responsibility: ExpenditureResponsibility,
    /// 牵头负责单位, in the order the list gives them.
    pub lead_departments: Vec<DepartmentName>,
    /// Level of government that put it on the list.
    pub origin_level: OriginLevel,
    /// 特色事项: a local item beyond the national list.
    pub featured: bool,
    /// The national item this one implements or raises.
    pub base_code: Option<ItemCode>,
    /// How it relates to its base.
    pub base_relation: Option<BaseRelation>,
    /// 户籍 / 常住 / 服务人口.
    pub population_scope: PopulationScope,
    /// Channels through which it is delivered (窗口, 网上, 电话...).
    pub delivery_channels: Vec<String>,
    /// 政策依据.
    pub policy_basis: String,
    /// 服务流程.
    pub process: String,
    /// Delivered, planned or suspended.
    pub status: ItemStatus,
    /// Region codes where it is delivered; empty means the whole jurisdiction.
    pub regions: Vec<crate::region::RegionCode>,
    /// 资格规则: who may use the item, in the rule language (docs/eligibility-rules.md),
    /// as written; empty when not written yet. Checked against the profile schema by the
    /// catalog, which knows the installation's fields.
    pub eligibility_rule: String,
    /// 资格示例: profiles that must and must not qualify, as written.
    pub eligibility_examples: String,
    /// Where the row comes from; illustrative rows say 示例.
    pub provenance: String,
}

/// An item as raw text, one string per column, before parsing. Every importer produces
/// this first. Field names are the stable English column keys of [`ITEM_COLUMNS`].
// Each field is the raw text of the [`ServiceItem`] field of the same name.
#[allow(missing_docs)]
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct ItemDraft {
    pub code: String,
    pub name: String,
    pub area: String,
    pub category: String,
    pub seq: String,
    pub target_population: String,
    pub content: String,
    pub standard: String,
    pub expenditure_responsibility: String,
    pub lead_departments: String,
    pub origin_level: String,
    pub featured: String,
    pub base_code: String,
    pub base_relation: String,
    pub population_scope: String,
    pub delivery_channels: String,
    pub policy_basis: String,
    pub process: String,
    pub status: String,
    pub regions: String,
    pub eligibility_rule: String,
    pub eligibility_examples: String,
    pub provenance: String,
}

/// A column of the list: stable key, Chinese header, whether the national layout has it.
#[derive(Debug, Clone, Copy)]
pub struct ItemColumn {
    /// English key, the JSON field name.
    pub key: &'static str,
    /// Chinese header as spreadsheets write it.
    pub header: &'static str,
    /// Other headers accepted on import.
    pub aliases: &'static [&'static str],
    /// In the national standard's layout (the other columns are local).
    pub national: bool,
}

/// Every column, in export order: the national layout first, then the local columns.
pub const ITEM_COLUMNS: &[ItemColumn] = &[
    ItemColumn {
        key: "area",
        header: "领域",
        aliases: &["方面", "服务领域"],
        national: true,
    },
    ItemColumn {
        key: "category",
        header: "大类",
        aliases: &["服务大类", "类别"],
        national: true,
    },
    ItemColumn {
        key: "seq",
        header: "序号",
        aliases: &[],
        national: true,
    },
    ItemColumn {
        key: "name",
        header: "服务项目",
        aliases: &["服务事项", "项目名称", "事项名称"],
        national: true,
    },
    ItemColumn {
        key: "target_population",
        header: "服务对象",
        aliases: &[],
        national: true,
    },
    ItemColumn {
        key: "content",
        header: "服务内容",
        aliases: &[],
        national: true,
    },
    ItemColumn {
        key: "standard",
        header: "服务标准",
        aliases: &[],
        national: true,
    },
    ItemColumn {
        key: "expenditure_responsibility",
        header: "支出责任",
        aliases: &[],
        national: true,
    },
    ItemColumn {
        key: "lead_departments",
        header: "牵头负责单位",
        aliases: &["责任单位", "牵头单位"],
        national: true,
    },
    ItemColumn {
        key: "code",
        header: "编码",
        aliases: &["事项编码", "项目编码"],
        national: false,
    },
    ItemColumn {
        key: "origin_level",
        header: "来源层级",
        aliases: &["层级"],
        national: false,
    },
    ItemColumn {
        key: "featured",
        header: "特色事项",
        aliases: &["是否特色"],
        national: false,
    },
    ItemColumn {
        key: "base_code",
        header: "基准事项编码",
        aliases: &["国家事项编码"],
        national: false,
    },
    ItemColumn {
        key: "base_relation",
        header: "基准关系",
        aliases: &[],
        national: false,
    },
    ItemColumn {
        key: "population_scope",
        header: "人口范围",
        aliases: &["服务人口范围"],
        national: false,
    },
    ItemColumn {
        key: "delivery_channels",
        header: "服务渠道",
        aliases: &["办理渠道"],
        national: false,
    },
    ItemColumn {
        key: "policy_basis",
        header: "政策依据",
        aliases: &[],
        national: false,
    },
    ItemColumn {
        key: "process",
        header: "服务流程",
        aliases: &[],
        national: false,
    },
    ItemColumn {
        key: "status",
        header: "状态",
        aliases: &[],
        national: false,
    },
    ItemColumn {
        key: "regions",
        header: "实施区域",
        aliases: &["区域"],
        national: false,
    },
    ItemColumn {
        key: "eligibility_rule",
        header: "资格规则",
        aliases: &["享受条件规则", "资格条件"],
        national: false,
    },
    ItemColumn {
        key: "eligibility_examples",
        header: "资格示例",
        aliases: &["规则示例"],
        national: false,
    },
    ItemColumn {
        key: "provenance",
        header: "数据来源",
        aliases: &["来源", "备注"],
        national: false,
    },
];

impl ItemColumn {
    /// Finds a column by its header, an alias or its key.
    pub fn by_header(raw: &str) -> Option<&'static ItemColumn> {
        let h = clean(&crate::text::fold_width(raw));
        ITEM_COLUMNS
            .iter()
            .find(|c| c.header == h || c.key == h || c.aliases.contains(&h.as_str()))
    }
}

impl ItemDraft {
    /// The cell for a column key.
    pub fn get(&self, key: &str) -> &str {
        match key {
            "code" => &self.code,
            "name" => &self.name,
            "area" => &self.area,
            "category" => &self.category,
            "seq" => &self.seq,
            "target_population" => &self.target_population,
            "content" => &self.content,
            "standard" => &self.standard,
            "expenditure_responsibility" => &self.expenditure_responsibility,
            "lead_departments" => &self.lead_departments,
            "origin_level" => &self.origin_level,
            "featured" => &self.featured,
            "base_code" => &self.base_code,
            "base_relation" => &self.base_relation,
            "population_scope" => &self.population_scope,
            "delivery_channels" => &self.delivery_channels,
            "policy_basis" => &self.policy_basis,
            "process" => &self.process,
            "status" => &self.status,
            "regions" => &self.regions,
            "eligibility_rule" => &self.eligibility_rule,
            "eligibility_examples" => &self.eligibility_examples,
            "provenance" => &self.provenance,
            _ => "",
        }
    }

    /// Sets the cell for a column key; unknown keys are ignored.
    pub fn set(&mut self, key: &str, value: String) {
        let slot = match key {
            "code" => &mut self.code,
            "name" => &mut self.name,
            "area" => &mut self.area,
            "category" => &mut self.category,
            "seq" => &mut self.seq,
            "target_population" => &mut self.target_population,
            "content" => &mut self.content,
            "standard" => &mut self.standard,
            "expenditure_responsibility" => &mut self.expenditure_responsibility,
            "lead_departments" => &mut self.lead_departments,
            "origin_level" => &mut self.origin_level,
            "featured" => &mut self.featured,
            "base_code" => &mut self.base_code,
            "base_relation" => &mut self.base_relation,
            "population_scope" => &mut self.population_scope,
            "delivery_channels" => &mut self.delivery_channels,
            "policy_basis" => &mut self.policy_basis,
            "process" => &mut self.process,
            "status" => &mut self.status,
            "regions" => &mut self.regions,
            "eligibility_rule" => &mut self.eligibility_rule,
            "eligibility_examples" => &mut self.eligibility_examples,
            "provenance" => &mut self.provenance,
            _ => return,
        };
        *slot = value;
    }
}

/// One thing wrong with one field of one item.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize)]
#[error("{header}：{message}")]
pub struct ItemError {
    /// Column key.
    pub field: &'static str,
    /// Column header in Chinese.
    pub header: &'static str,
    /// What is wrong and how to fix it.
    pub message: String,
}

fn col(key: &str) -> &'static ItemColumn {
    ITEM_COLUMNS
        .iter()
        .find(|c| c.key == key)
        .unwrap_or(&ITEM_COLUMNS[0])
}

fn err(field: &'static str, message: impl Into<String>) -> ItemError {
    ItemError {
        field,
        header: col(field).header,
        message: message.into(),
    }
}

fn parse_bool(s: &str) -> Option<bool> {
    match clean(&crate::text::fold_width(s)).to_lowercase().as_str() {
        "" | "否" | "no" | "false" | "0" | "n" | "×" => Some(false),
        "是" | "yes" | "true" | "1" | "y" | "√" | "✓" | "特色" => Some(true),
        _ => None,
    }
}

impl ServiceItem {
    /// Parses a draft against a taxonomy. Returns every problem found, not just the first,
    /// so an import report can list them all.
    pub fn parse(d: &ItemDraft, taxonomy: &Taxonomy) -> Result<Self, Vec<ItemError>> {
        let mut errors = Vec::new();
        let code = ItemCode::parse(&d.code)
            .map_err(|m| errors.push(err("code", m)))
            .ok();
        let name = clean(&d.name);
        if name.is_empty() {
            errors.push(err("name", crate::msg!("item-name-empty")));
        }
        let category = if clean(&d.category).is_empty() {
            errors.push(err("category", crate::msg!("item-category-empty")));
            None
        } else {
            match taxonomy.category_by_name(&d.category) {
                Some(c) => Some(c.clone()),
                None => {
                    let known: Vec<_> = taxonomy
                        .categories
                        .iter()
                        .map(|c| c.name.as_str())
                        .collect();
                    errors.push(err(
                        "category",
                        crate::msg!(
                            "item-category-unknown",
                            name = clean(&d.category),
                            known = known.join("、")
                        ),
                    ));
                    None
                }
            }
        };
        let area = if clean(&d.area).is_empty() {
            category
                .as_ref()
                .and_then(|c| taxonomy.area(c.area_no))
                .cloned()
        } else {
            match taxonomy.area_by_name(&d.area) {
                Some(a) => Some(a.clone()),
                None => {
                    let known: Vec<_> = taxonomy.areas.iter().map(|a| a.name.as_str()).collect();
                    errors.push(err(
                        "area",
                        crate::msg!(
                            "item-area-unknown",
                            name = clean(&d.area),
                            known = known.join("、")
                        ),
                    ));
                    None
                }
            }
        };
        if let (Some(a), Some(c)) = (&area, &category) {
            if c.area_no != a.no {
                let owner = taxonomy
                    .area(c.area_no)
                    .map(|a| a.name.as_str())
                    .unwrap_or("?");
                errors.push(err(
                    "category",
                    crate::msg!(
                        "item-category-wrong-area",
                        category = c.name,
                        owner = owner,
                        area = a.name
                    ),
                ));
            }
        }
        let seq_raw = clean(&crate::text::fold_width(&d.seq));
        let seq_digits: String = seq_raw
            .chars()
            .filter(|c| !"()（）.、".contains(*c))
            .collect();
        let seq = if seq_digits.is_empty() {
            Some(0)
        } else {
            seq_digits
                .parse::<u32>()
                .map_err(|_| {
                    errors.push(err(
                        "seq",
                        crate::msg!("item-seq-not-number", seq = seq_raw),
                    ))
                })
                .ok()
        };
        let mut required = |key: &'static str, v: &str, label: &str| {
            let s = clean(v);
            if s.is_empty() {
                errors.push(err(key, crate::msg!("item-required-empty", label = label)));
            }
            s
        };
        let target_population = required("target_population", &d.target_population, "服务对象");
        let content = required("content", &d.content, "服务内容");
        let standard = required("standard", &d.standard, "服务标准");
        let expenditure_responsibility =
            ExpenditureResponsibility::parse(&d.expenditure_responsibility);
        if expenditure_responsibility.is_none() {
            errors.push(err(
                "expenditure_responsibility",
                crate::msg!("item-expenditure-empty"),
            ));
        }
        let mut lead_departments = Vec::new();
        for n in split_list(&d.lead_departments) {
            match DepartmentName::parse(&n) {
                Ok(dn) if !lead_departments.contains(&dn) => lead_departments.push(dn),
                Ok(_) => {}
                Err(m) => errors.push(err("lead_departments", m)),
            }
        }
        if lead_departments.is_empty() {
            errors.push(err(
                "lead_departments",
                crate::msg!("item-departments-empty"),
            ));
        }
        let origin_level = if clean(&d.origin_level).is_empty() {
            Some(OriginLevel::National)
        } else {
            OriginLevel::parse(&d.origin_level).or_else(|| {
                errors.push(err(
                    "origin_level",
                    crate::msg!(
                        "value-unknown",
                        value = clean(&d.origin_level),
                        expected = OriginLevel::labels()
                    ),
                ));
                None
            })
        };
        let featured = parse_bool(&d.featured).unwrap_or_else(|| {
            errors.push(err(
                "featured",
                crate::msg!("item-featured-not-bool", value = clean(&d.featured)),
            ));
            false
        });
        let base_code = if clean(&d.base_code).is_empty() {
            None
        } else {
            ItemCode::parse(&d.base_code)
                .map_err(|m| errors.push(err("base_code", m)))
                .ok()
        };
        let base_relation = if clean(&d.base_relation).is_empty() {
            base_code.as_ref().map(|_| BaseRelation::Implements)
        } else {
            BaseRelation::parse(&d.base_relation).or_else(|| {
                errors.push(err(
                    "base_relation",
                    crate::msg!(
                        "value-unknown",
                        value = clean(&d.base_relation),
                        expected = BaseRelation::labels()
                    ),
                ));
                None
            })
        };
        if base_relation.is_some() && base_code.is_none() && !clean(&d.base_relation).is_empty() {
            errors.push(err("base_code", crate::msg!("item-relation-without-base")));
        }
        if origin_level == Some(OriginLevel::National) && base_code.is_some() {
            errors.push(err("base_code", crate::msg!("item-national-has-base")));
        }
        let population_scope = if clean(&d.population_scope).is_empty() {
            Some(PopulationKind::Hukou)
        } else {
            PopulationKind::parse(&d.population_scope).or_else(|| {
                errors.push(err(
                    "population_scope",
                    crate::msg!(
                        "value-unknown",
                        value = clean(&d.population_scope),
                        expected = "户籍人口、常住人口、服务人口"
                    ),
                ));
                None
            })
        };
        let status = if clean(&d.status).is_empty() {
            Some(ItemStatus::Active)
        } else {
            ItemStatus::parse(&d.status).or_else(|| {
                errors.push(err(
                    "status",
                    crate::msg!(
                        "value-unknown",
                        value = clean(&d.status),
                        expected = ItemStatus::labels()
                    ),
                ));
                None
            })
        };
        let mut regions = Vec::new();
        for r in split_list(&d.regions) {
            match crate::region::RegionCode::parse(&r) {
                Ok(c) if !regions.contains(&c) => regions.push(c),
                Ok(_) => {}
                Err(e) => errors.push(err("regions", e.to_string())),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        // Every Option below is Some when no error was recorded.
        match (
            code,
            area,
            category,
            seq,
            expenditure_responsibility,
            origin_level,
            population_scope,
            status,
        ) {
            (
                Some(code),
                Some(area),
                Some(category),
                Some(seq),
                Some(er),
                Some(origin_level),
                Some(population_scope),
                Some(status),
            ) => Ok(Self {
                code,
                name,
                area_no: area.no,
                category_no: category.no,
                seq,
                target_population,
                content,
                standard,
                expenditure_responsibility: er,
                lead_departments,
                origin_level,
                featured,
                base_code,
                base_relation,
                population_scope,
                delivery_channels: split_list(&d.delivery_channels),
                policy_basis: clean(&d.policy_basis),
                process: clean(&d.process),
                status,
                regions,
                eligibility_rule: d.eligibility_rule.trim().to_string(),
                eligibility_examples: d.eligibility_examples.trim().to_string(),
                provenance: clean(&d.provenance),
            }),
            _ => Err(vec![err("code", "item could not be parsed")]),
        }
    }

    /// The item back as raw text, in the canonical spelling of every field. Parsing the
    /// result against the same taxonomy gives the same item: this is what makes export
    /// then import exact.
    pub fn to_draft(&self, taxonomy: &Taxonomy) -> ItemDraft {
        ItemDraft {
            code: self.code.to_string(),
            name: self.name.clone(),
            area: taxonomy
                .area(self.area_no)
                .map(|a| a.name.clone())
                .unwrap_or_default(),
            category: taxonomy
                .category(self.category_no)
                .map(|c| c.name.clone())
                .unwrap_or_default(),
            seq: if self.seq == 0 {
                String::new()
            } else {
                self.seq.to_string()
            },
            target_population: self.target_population.clone(),
            content: self.content.clone(),
            standard: self.standard.clone(),
            expenditure_responsibility: self.expenditure_responsibility.text().to_string(),
            lead_departments: self
                .lead_departments
                .iter()
                .map(|d| d.as_str())
                .collect::<Vec<_>>()
                .join("、"),
            origin_level: self.origin_level.label().to_string(),
            featured: if self.featured { "是" } else { "否" }.to_string(),
            base_code: self
                .base_code
                .as_ref()
                .map(|c| c.to_string())
                .unwrap_or_default(),
            base_relation: self
                .base_relation
                .map(|r| r.label().to_string())
                .unwrap_or_default(),
            population_scope: self.population_scope.label().to_string(),
            delivery_channels: self.delivery_channels.join("、"),
            policy_basis: self.policy_basis.clone(),
            process: self.process.clone(),
            status: self.status.label().to_string(),
            regions: self
                .regions
                .iter()
                .map(|r| r.as_str())
                .collect::<Vec<_>>()
                .join("、"),
            eligibility_rule: self.eligibility_rule.clone(),
            eligibility_examples: self.eligibility_examples.clone(),
            provenance: self.provenance.clone(),
        }
    }

    /// True for illustrative rows (示例), which pages label as such.
    pub fn is_illustrative(&self) -> bool {
        self.provenance.contains("示例")
    }
}

/// A rule broken by a whole list rather than one item.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize)]
pub enum ListError {
    /// Two items with one code.
    #[error("{}", crate::msg!("list-duplicate-code", code = code, first = first + 1, second = second + 1))]
    DuplicateCode {
        /// The code.
        code: String,
        /// Index of the first item (0-based).
        first: usize,
        /// Index of the second.
        second: usize,
    },
    /// A local item names a base that is not a national item of the same list.
    #[error("{}", crate::msg!("list-unknown-base", code = code, base = base))]
    UnknownBase {
        /// The item.
        code: String,
        /// The base it names.
        base: String,
        /// Index of the item.
        index: usize,
    },
}

impl ListError {
    /// Index of the item at fault.
    pub fn index(&self) -> usize {
        match self {
            Self::DuplicateCode { second, .. } => *second,
            Self::UnknownBase { index, .. } => *index,
        }
    }

    /// Column key at fault.
    pub fn field(&self) -> &'static str {
        match self {
            Self::DuplicateCode { .. } => "code",
            Self::UnknownBase { .. } => "base_code",
        }
    }
}

/// Checks the rules that span items: unique codes, and every base is a national item.
pub fn validate_list(items: &[ServiceItem]) -> Vec<ListError> {
    let mut errors = Vec::new();
    let mut by_code: HashMap<&str, usize> = HashMap::new();
    for (i, it) in items.iter().enumerate() {
        if let Some(first) = by_code.insert(it.code.as_str(), i) {
            errors.push(ListError::DuplicateCode {
                code: it.code.to_string(),
                first,
                second: i,
            });
            by_code.insert(it.code.as_str(), first);
        }
    }
    for (i, it) in items.iter().enumerate() {
        if let Some(base) = &it.base_code {
            let ok = by_code
                .get(base.as_str())
                .is_some_and(|&j| items[j].origin_level == OriginLevel::National);
            if !ok {
                errors.push(ListError::UnknownBase {
                    code: it.code.to_string(),
                    base: base.to_string(),
                    index: i,
                });
            }
        }
    }
    errors
}

/// One field of one item that differs between two versions.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldChange {
    /// Column key.
    pub field: &'static str,
    /// Chinese header.
    pub header: &'static str,
    /// Value in the older version.
    pub old: String,
    /// Value in the newer version.
    pub new: String,
}

/// What changed between two lists.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ListDiff {
    /// Codes and names of items only in the newer list.
    pub added: Vec<(String, String)>,
    /// Codes and names of items only in the older list.
    pub removed: Vec<(String, String)>,
    /// Items in both with per-field changes.
    pub changed: Vec<ItemChange>,
}

/// The changes to one item.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ItemChange {
    /// Item code.
    pub code: String,
    /// Name in the newer list.
    pub name: String,
    /// The fields that differ.
    pub fields: Vec<FieldChange>,
}

/// Compares two lists field by field, through their canonical text form, so a change of
/// area name or of a department's order shows as such.
pub fn diff_lists(old: (&Taxonomy, &[ServiceItem]), new: (&Taxonomy, &[ServiceItem])) -> ListDiff {
    let olds: BTreeMap<&str, ItemDraft> = old
        .1
        .iter()
        .map(|i| (i.code.as_str(), i.to_draft(old.0)))
        .collect();
    let news: BTreeMap<&str, ItemDraft> = new
        .1
        .iter()
        .map(|i| (i.code.as_str(), i.to_draft(new.0)))
        .collect();
    let mut diff = ListDiff::default();
    for (code, n) in &news {
        match olds.get(code) {
            None => diff.added.push((code.to_string(), n.name.clone())),
            Some(o) => {
                let fields: Vec<FieldChange> = ITEM_COLUMNS
                    .iter()
                    .filter(|c| o.get(c.key) != n.get(c.key))
                    .map(|c| FieldChange {
                        field: c.key,
                        header: c.header,
                        old: o.get(c.key).to_string(),
                        new: n.get(c.key).to_string(),
                    })
                    .collect();
                if !fields.is_empty() {
                    diff.changed.push(ItemChange {
                        code: code.to_string(),
                        name: n.name.clone(),
                        fields,
                    });
                }
            }
        }
    }
    for (code, o) in &olds {
        if !news.contains_key(code) {
            diff.removed.push((code.to_string(), o.name.clone()));
        }
    }
    diff
}

impl ListDiff {
    /// True when the lists are the same.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

#[cfg(test)]
mod tests;
