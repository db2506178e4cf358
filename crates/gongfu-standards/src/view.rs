//! JSON views of the registry, shared by the API, the CLI and the exports.

use gongfu_domain::standard::number::province_name;
use gongfu_domain::standard::{Issuer, Nature, NumberRules, StandardNumber};

/// A standard number taken apart: what `standards parse` prints and
/// `GET /api/v1/standards/parse` returns.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct NumberView {
    /// The canonical form, `DB4403/T 300.1-2022`.
    pub canonical: String,
    /// The form official texts print, with an em dash: `DB4403/T 300.1—2022`.
    pub official: String,
    /// The code with its suffix: `DB4403/T`.
    pub code: String,
    /// `national`, `sector`, `local`, `group`, `enterprise` or `internal`.
    pub issuer_kind: String,
    /// The sector code, division code, group or enterprise code (empty for national and
    /// internal numbers).
    pub issuer: String,
    /// The sector's name or the province of a local standard where known: 民政, 广东省.
    pub issuer_name: Option<String>,
    /// `mandatory`, `recommended` or `guidance`.
    pub nature: String,
    /// The level (`city_local`, ...).
    pub level: String,
    /// The level in Chinese (市级地方标准).
    pub level_label: String,
    /// The serial number without parts: `300`.
    pub serial: String,
    /// The parts: `["1"]`.
    pub parts: Vec<String>,
    /// The year, if dated.
    pub year: Option<u16>,
}

impl NumberView {
    /// The view of a parsed number.
    pub fn new(n: &StandardNumber, rules: &NumberRules) -> Self {
        let (kind, issuer, name) = match n.issuer() {
            Issuer::National => ("national", String::new(), None),
            Issuer::Sector(c) => (
                "sector",
                c.clone(),
                rules.sector_name(c).map(str::to_string),
            ),
            Issuer::Local(d) => {
                let province = province_name(&d[..2.min(d.len())]).map(str::to_string);
                ("local", d.clone(), province)
            }
            Issuer::Group(g) => ("group", g.clone(), None),
            Issuer::Enterprise(q) => ("enterprise", q.clone(), None),
            Issuer::Internal(_) => ("internal", String::new(), None),
        };
        let nature = match n.nature() {
            Nature::Mandatory => "mandatory",
            Nature::Recommended => "recommended",
            Nature::Guidance => "guidance",
        };
        Self {
            canonical: n.to_string(),
            official: n.official(),
            code: n.code(),
            issuer_kind: kind.into(),
            issuer,
            issuer_name: name,
            nature: nature.into(),
            level: n.level().as_str().into(),
            level_label: n.level().label().into(),
            serial: n.serial().into(),
            parts: n.parts().into_iter().map(str::to_string).collect(),
            year: n.year(),
        }
    }
}

/// A standard as the API and the JSON export show it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct StandardView {
    /// Canonical number, `GB/T 1.1-2020`.
    pub number: String,
    /// With the em dash, `GB/T 1.1—2020`.
    pub official_number: String,
    /// 标准名称.
    pub title: String,
    /// English title.
    pub title_en: String,
    /// Level (`national_recommended`, ...), read off the number.
    pub level: String,
    /// Level in Chinese.
    pub level_label: String,
    /// 发布机构.
    pub issued_by: String,
    /// Lifecycle stage (`effective`, `withdrawn`, ...).
    pub stage: String,
    /// Stage in Chinese.
    pub stage_label: String,
    /// `cited` or `self_built`.
    pub origin: String,
    /// The system-tree node's code.
    pub node: Option<String>,
    /// In force today.
    pub in_force: bool,
    /// 发布日期, YYYY-MM-DD.
    pub published_on: Option<String>,
    /// 实施日期.
    pub effective_on: Option<String>,
    /// 上次复审日期.
    pub reviewed_on: Option<String>,
    /// 下次复审日期 as the registry schedules it (`review_due` is what is in effect).
    pub next_review_on: Option<String>,
    /// 废止日期.
    pub withdrawn_on: Option<String>,
    /// When the next review is due.
    pub review_due: Option<String>,
    /// Standards it replaces.
    pub supersedes: Vec<String>,
    /// The standard that replaced it.
    pub superseded_by: Option<String>,
    /// Normative references.
    pub references: Vec<String>,
    /// Codes of the items it serves.
    pub items: Vec<String>,
    /// 备注.
    pub notes: String,
    /// 数据来源; contains 示例 for illustrative rows.
    pub source: String,
}

impl StandardView {
    /// The view of a standard on `today`.
    pub fn new(s: &gongfu_domain::standard::Standard, today: time::Date) -> Self {
        let d = |d: Option<time::Date>| d.map(|d| d.to_string());
        let list = |v: &[StandardNumber]| v.iter().map(|n| n.to_string()).collect();
        Self {
            number: s.number.to_string(),
            official_number: s.number.official(),
            title: s.title.clone(),
            title_en: s.title_en.clone(),
            level: s.level().as_str().into(),
            level_label: s.level().label().into(),
            issued_by: s.issued_by.clone(),
            stage: s.stage.as_str().into(),
            stage_label: s.stage.label().into(),
            origin: s.origin.as_str().into(),
            node: s.node.clone(),
            in_force: s.in_force(today),
            published_on: d(s.published_on),
            effective_on: d(s.effective_on),
            reviewed_on: d(s.reviewed_on),
            next_review_on: d(s.next_review_on),
            withdrawn_on: d(s.withdrawn_on),
            review_due: d(s.review_due(today)),
            supersedes: list(&s.supersedes),
            superseded_by: s.superseded_by.as_ref().map(|n| n.to_string()),
            references: list(&s.references),
            items: s.items.iter().map(|c| c.as_str().to_string()).collect(),
            notes: s.notes.clone(),
            source: s.source.clone(),
        }
    }
}
