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
