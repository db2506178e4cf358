//! The fiscal affordability assessment (财政承受能力评估): a list's cost over a population
//! and a run of years, split by payer, set against the district's budget; and the same for
//! a candidate list (a scenario, or an adjustment's preview), with the difference.
//!
//! Pure functions of their inputs: the population, the list items, unit costs, payer
//! shares and budgets are handed in; nothing here reads the database or the clock.
//!
//! Cost of an item in a year = persons eligible on that year's reference date (1 July,
//! mid-year, so the count stands for the year's average) x its take-up (受益比例: the share
//! of the eligible who use it in a year, 1 unless given) x the item's unit cost for the
//! year (the latest year entered at or before it). Who pays: the item's own shares when
//! its cost row gives them, else the default shares of its 支出责任.

use std::collections::{BTreeMap, HashMap};

use gongfu_domain::{ExpenditureResponsibility, ItemDraft, ServiceItem, Taxonomy};
use gongfu_rules::date::{self, Ymd};
use gongfu_rules::{Cond, Population, Program, Schema};

use crate::project::{advance, Rates};
use gongfu_eligibility::synth::Marginals;

/// The four payers, in the order every share array uses.
pub const PAYERS: [(&str, &str); 4] = [
    ("central", "中央"),
    ("provincial", "省级"),
    ("municipal", "市级"),
    ("district", "区级"),
];

/// Fractions of a cost each payer bears; they sum to 1.
#[derive(
    Debug, Clone, Copy, PartialEq, Default, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(deny_unknown_fields)]
pub struct Shares {
    /// 中央财政.
    pub central: f64,
    /// 省级财政.
    pub provincial: f64,
    /// 市级财政.
    pub municipal: f64,
    /// 区级财政.
    pub district: f64,
}

impl Shares {
    /// All on the district.
    pub const DISTRICT: Shares = Shares {
        central: 0.0,
        provincial: 0.0,
        municipal: 0.0,
        district: 1.0,
    };

    /// From an array in [`PAYERS`] order.
    pub fn from_array(a: [f64; 4]) -> Self {
        Shares {
            central: a[0],
            provincial: a[1],
            municipal: a[2],
            district: a[3],
        }
    }

    /// As an array in [`PAYERS`] order.
    pub fn array(&self) -> [f64; 4] {
        [self.central, self.provincial, self.municipal, self.district]
    }

    /// Each share in 0..1 and together 1; `what` names the row in the message.
    pub fn check(&self, what: &str) -> Result<(), String> {
        let a = self.array();
        if a.iter().any(|s| !(0.0..=1.0).contains(s)) {
            return Err(format!(
                "{what}: shares must each be between 0 and 1, got 中央 {}, 省级 {}, 市级 {}, 区级 {}",
                a[0], a[1], a[2], a[3]
            ));
        }
        let sum: f64 = a.iter().sum();
        if (sum - 1.0).abs() > 1e-6 {
            return Err(format!(
                "{what}: shares sum to {sum}, not 1; give all four (中央, 省级, 市级, 区级) so that they add up to 1"
            ));
        }
        Ok(())
    }
}

/// The key of a 支出责任 in the payer-share table: `central`, `local`, `shared`, or the
/// text of any other split.
pub fn responsibility_key(r: &ExpenditureResponsibility) -> String {
    match r {
        ExpenditureResponsibility::Central => "central".into(),
        ExpenditureResponsibility::Local => "local".into(),
        ExpenditureResponsibility::Shared => "shared".into(),
        ExpenditureResponsibility::Other(s) => s.clone(),
    }
}

/// What one beneficiary of an item costs in a year.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct UnitCost {
    /// Item code.
    pub item: String,
    /// Year.
    pub year: i32,
    /// Yuan per beneficiary per year.
    pub unit_cost: f64,
    /// Share of the eligible who use the item in a year (受益比例), 0 to 1. Why: a rule
    /// says who may use an item; not everyone who may, does (a health check, a training
    /// course), and some rules cannot see the condition at all (a follow-up for a disease
    /// the profile does not ask about), so the entitled count overstates the cost.
    #[serde(default = "one")]
    pub take_up: f64,
    /// Who pays, when the item's split differs from its 支出责任's default.
    pub shares: Option<Shares>,
    /// Where the figure comes from.
    pub provenance: String,
}

fn one() -> f64 {
    1.0
}

/// Unit costs and the default payer shares.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CostBook {
    /// Unit costs, any order.
    pub unit_costs: Vec<UnitCost>,
    /// Default shares per [`responsibility_key`].
    pub payer_shares: BTreeMap<String, Shares>,
}

impl CostBook {
    /// The unit cost that applies to `year`: the latest entered at or before it.
    pub fn unit_cost(&self, item: &str, year: i32) -> Option<&UnitCost> {
        self.unit_costs
            .iter()
            .filter(|c| c.item == item && c.year <= year)
            .max_by_key(|c| c.year)
    }

    /// Who pays for an item in a year.
    pub fn shares(&self, item: &ServiceItem, year: i32) -> Shares {
        self.unit_cost(item.code.as_str(), year)
            .and_then(|c| c.shares)
            .or_else(|| {
                self.payer_shares
                    .get(&responsibility_key(&item.expenditure_responsibility))
                    .copied()
            })
            .unwrap_or(Shares::DISTRICT)
    }
}

/// Where the district's share of the cost stands against its budget.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Band {
    /// Below amber.
    Green,
    /// At or above amber, below red.
    Amber,
    /// At or above red.
    Red,
    /// No budget entered for the year.
    Unknown,
}

impl Band {
    /// Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Band::Green => "可承受",
            Band::Amber => "黄色预警",
            Band::Red => "红色预警",
            Band::Unknown => "未录入预算",
        }
    }
}

/// Warning thresholds: the district's cost as a share of its general budget expenditure.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Bands {
    /// Amber from this share (e.g. 0.07).
    pub amber: f64,
    /// Red from this share (e.g. 0.10).
    pub red: f64,
}

impl Default for Bands {
    fn default() -> Self {
        Bands {
            amber: 0.07,
            red: 0.10,
        }
    }
}

impl Bands {
    /// 0 < amber < red < 1.
    pub fn check(&self) -> Result<(), String> {
        if !(self.amber > 0.0 && self.amber < self.red && self.red < 1.0) {
            return Err(format!(
                "bands: amber {} and red {} must satisfy 0 < amber < red < 1 (shares of the budget, e.g. 0.07 and 0.10)",
                self.amber, self.red
            ));
        }
        Ok(())
    }

    /// The band of a ratio.
    pub fn of(&self, ratio: Option<f64>) -> Band {
        match ratio {
            None => Band::Unknown,
            Some(r) if r >= self.red => Band::Red,
            Some(r) if r >= self.amber => Band::Amber,
            Some(_) => Band::Green,
        }
    }
}

/// A scenario: changes to a list version, as data.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Short name (shown on the report).
    pub name: String,
    /// What it is about.
    #[serde(default)]
    pub description: String,
    /// The changes, applied in order.
    pub changes: Vec<Change>,
}

impl Scenario {
    /// Reads a scenario from JSON, refusing keys no change of its kind has (a misspelt
    /// `precent` must not silently become "no change").
    pub fn from_value(v: serde_json::Value) -> Result<Scenario, String> {
        const KEYS: [(&str, &[&str]); 4] = [
            (
                "add_item",
                &[
                    "code",
                    "name",
                    "area",
                    "category",
                    "rule",
                    "population_scope",
                    "expenditure_responsibility",
                    "unit_cost",
                    "shares",
                ],
            ),
            ("raise_standard", &["item", "percent", "amount"]),
            ("widen_population", &["item", "population_scope", "rule"]),
            ("remove_item", &["item"]),
        ];
        if let Some(changes) = v.get("changes").and_then(|c| c.as_array()) {
            for (n, c) in changes.iter().enumerate() {
                let kind = c.get("kind").and_then(|k| k.as_str()).unwrap_or("");
                let Some((_, keys)) = KEYS.iter().find(|(k, _)| *k == kind) else {
                    return Err(format!(
                        "scenario change {}: kind '{kind}' is not one of add_item, raise_standard, widen_population, remove_item",
                        n + 1
                    ));
                };
                if let Some(obj) = c.as_object() {
                    if let Some(bad) = obj
                        .keys()
                        .find(|k| *k != "kind" && !keys.contains(&k.as_str()))
                    {
                        return Err(format!(
                            "scenario change {}: '{bad}' is not a key of {kind}; its keys are {}",
                            n + 1,
                            keys.join(", ")
                        ));
                    }
                }
            }
        }
        serde_json::from_value(v).map_err(|e| format!("scenario: {e}"))
    }
}

/// One change of a scenario.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Change {
    /// A new item.
    AddItem {
        /// Its code (not in the list yet).
        code: String,
        /// Its name.
        name: String,
        /// 领域, by name as the list writes it.
        area: String,
        /// 大类, by name.
        category: String,
        /// 资格规则.
        rule: String,
        /// 人口范围 (户籍人口, 常住人口, 服务人口); 常住人口 when absent.
        #[serde(default)]
        population_scope: Option<String>,
        /// 支出责任; 地方财政承担支出责任 when absent.
        #[serde(default)]
        expenditure_responsibility: Option<String>,
        /// Yuan per beneficiary per year.
        unit_cost: f64,
        /// Who pays, when not the 支出责任's default.
        #[serde(default)]
        shares: Option<Shares>,
    },
    /// A higher standard: the unit cost raised by a percentage or an amount.
    RaiseStandard {
        /// Item code.
        item: String,
        /// Percent, e.g. 10 for +10%.
        #[serde(default)]
        percent: Option<f64>,
        /// Yuan per beneficiary per year added.
        #[serde(default)]
        amount: Option<f64>,
    },
    /// A wider target population: a wider 人口范围, or a new rule.
    WidenPopulation {
        /// Item code.
        item: String,
        /// New 人口范围.
        #[serde(default)]
        population_scope: Option<String>,
        /// New 资格规则.
        #[serde(default)]
        rule: Option<String>,
    },
    /// The item taken off the list.
    RemoveItem {
        /// Item code.
        item: String,
    },
}

/// A unit-cost change a scenario makes to an item.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct CostChange {
    /// Multiply by this (1.1 for +10%).
    pub factor: f64,
    /// Then add this.
    pub add: f64,
    /// Or use this instead (new items).
    pub replace: Option<f64>,
    /// Who pays, when given.
    pub shares: Option<Shares>,
}

impl CostChange {
    fn identity() -> Self {
        CostChange {
            factor: 1.0,
            ..Default::default()
        }
    }

    fn apply(&self, base: Option<f64>) -> Option<f64> {
        self.replace.or(base).map(|c| c * self.factor + self.add)
    }
}

/// A list to compare against the version: its items and unit-cost changes.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// What it is ("情景：…" or "调整：…").
    pub label: String,
    /// Its items.
    pub items: Vec<ServiceItem>,
    /// Unit-cost changes by item code.
    pub costs: HashMap<String, CostChange>,
}

/// Applies a scenario to a version's items; errors name the change and what to do.
pub fn apply(
    scenario: &Scenario,
    items: &[ServiceItem],
    taxonomy: &Taxonomy,
    schema: &Schema,
) -> Result<Candidate, Vec<String>> {
    let mut out: Vec<ServiceItem> = items.to_vec();
    let mut costs: HashMap<String, CostChange> = HashMap::new();
    let mut errors = Vec::new();
    if scenario.changes.is_empty() {
        errors.push(format!(
            "scenario '{}' has no changes; add at least one (add_item, raise_standard, widen_population, remove_item)",
            scenario.name
        ));
    }
    for (n, ch) in scenario.changes.iter().enumerate() {
        let at = format!("scenario change {}", n + 1);
        let find =
            |out: &[ServiceItem], code: &str| out.iter().position(|it| it.code.as_str() == code);
        let missing = |code: &str| {
            format!("{at}: item {code} is not in the list; name an item of the version the run is for (see GET /api/v1/items)")
        };
        let check_rule = |rule: &str| {
            gongfu_rules::Rule::parse(rule, schema)
                .map(|_| ())
                .map_err(|e| format!("{at}: rule: {e}\n{}", e.pointer(rule)))
        };
        match ch {
            Change::AddItem {
                code,
                name,
                area,
                category,
                rule,
                population_scope,
                expenditure_responsibility,
                unit_cost,
                shares,
            } => {
                if find(&out, code).is_some() {
                    errors.push(format!("{at}: item {code} is already in the list; use raise_standard or widen_population to change it, or choose a new code"));
                    continue;
                }
                if let Err(e) = check_rule(rule) {
                    errors.push(e);
                    continue;
                }
                if !(unit_cost.is_finite() && *unit_cost >= 0.0) {
                    errors.push(format!(
                        "{at}: unit_cost {unit_cost} must be a cost in yuan, 0 or more"
                    ));
                    continue;
                }
                if let Some(s) = shares {
                    if let Err(e) = s.check(&at) {
                        errors.push(e);
                        continue;
                    }
                }
                let draft = ItemDraft {
                    code: code.clone(),
                    name: name.clone(),
                    area: area.clone(),
                    category: category.clone(),
                    seq: "99".into(),
                    target_population: format!("（情景）{}", scenario.name),
                    content: format!("（情景）{}", scenario.name),
                    standard: format!("（情景）每人每年{unit_cost}元"),
                    expenditure_responsibility: expenditure_responsibility
                        .clone()
                        .unwrap_or_else(|| "地方财政承担支出责任".into()),
                    lead_departments: "（情景）".into(),
                    origin_level: "区".into(),
                    featured: "是".into(),
                    population_scope: population_scope
                        .clone()
                        .unwrap_or_else(|| "常住人口".into()),
                    status: "拟实施".into(),
                    eligibility_rule: rule.clone(),
                    provenance: format!("情景：{}", scenario.name),
                    ..Default::default()
                };
                match ServiceItem::parse(&draft, taxonomy) {
                    Ok(it) => {
                        costs.insert(
                            code.clone(),
                            CostChange {
                                replace: Some(*unit_cost),
                                shares: *shares,
                                ..CostChange::identity()
                            },
                        );
                        out.push(it);
                    }
                    Err(errs) => {
                        for e in errs {
                            errors.push(format!("{at}: {e}"));
                        }
                    }
                }
            }
            Change::RaiseStandard {
                item,
                percent,
                amount,
            } => {
                if find(&out, item).is_none() {
                    errors.push(missing(item));
                    continue;
                }
                let (p, a) = (percent.unwrap_or(0.0), amount.unwrap_or(0.0));
                if percent.is_none() && amount.is_none() {
                    errors.push(format!("{at}: raise_standard of {item} needs percent (10 for +10%) or amount (yuan per beneficiary per year)"));
                    continue;
                }
                if !(p.is_finite() && a.is_finite() && p > -100.0) {
                    errors.push(format!("{at}: raise_standard of {item}: percent must be above -100 and amount a number"));
                    continue;
                }
                let c = costs
                    .entry(item.clone())
                    .or_insert_with(CostChange::identity);
                c.factor *= 1.0 + p / 100.0;
                c.add = c.add * (1.0 + p / 100.0) + a;
            }
            Change::WidenPopulation {
                item,
                population_scope,
                rule,
            } => {
                let Some(i) = find(&out, item) else {
                    errors.push(missing(item));
                    continue;
                };
                if population_scope.is_none() && rule.is_none() {
                    errors.push(format!("{at}: widen_population of {item} needs population_scope (常住人口 or 服务人口) or rule"));
                    continue;
                }
                if let Some(s) = population_scope {
                    match gongfu_domain::PopulationKind::parse(s) {
                        Some(k) => out[i].population_scope = k,
                        None => {
                            errors.push(format!("{at}: population_scope '{s}' is not 户籍人口, 常住人口 or 服务人口"));
                            continue;
                        }
                    }
                }
                if let Some(r) = rule {
                    if let Err(e) = check_rule(r) {
                        errors.push(e);
                        continue;
                    }
                    out[i].eligibility_rule = r.clone();
                }
            }
            Change::RemoveItem { item } => match find(&out, item) {
                Some(i) => {
                    out.remove(i);
                }
                None => errors.push(missing(item)),
            },
        }
    }
    if errors.is_empty() {
        Ok(Candidate {
            label: format!("情景：{}", scenario.name),
            items: out,
            costs,
        })
    } else {
        Err(errors)
    }
}

/// Everything a run needs, already read and parsed.
pub struct RunInput<'a> {
    /// The profile's fields.
    pub schema: &'a Schema,
    /// For newborns in a projection.
    pub marginals: &'a Marginals,
    /// List version number.
    pub version: i64,
    /// The version's taxonomy (area names).
    pub taxonomy: &'a Taxonomy,
    /// The version's items.
    pub items: &'a [ServiceItem],
    /// A list to compare with.
    pub candidate: Option<&'a Candidate>,
    /// The population and the year it describes.
    pub population: &'a Population,
    /// Its year.
    pub population_year: i32,
    /// Persons each row stands for (1 for a full population; 100 for a 1% sample).
    pub weight: f64,
    /// Unit costs and payer shares.
    pub costs: &'a CostBook,
    /// The district's general budget expenditure by year.
    pub budgets: &'a BTreeMap<i32, f64>,
    /// Yearly growth assumed for years with no budget entered after the last one.
    pub budget_growth: f64,
    /// Warning thresholds.
    pub bands: Bands,
    /// First year reported.
    pub start_year: i32,
    /// Years reported (1 to 5).
    pub years: u32,
    /// Projection rates.
    pub rates: &'a Rates,
    /// Projection seed.
    pub seed: u64,
    /// Region names by code.
    pub region_names: &'a HashMap<String, String>,
}

/// Totals of one list in one year.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Totals {
    /// All payers, yuan.
    pub cost: f64,
    /// Per payer in [`PAYERS`] order.
    pub by_payer: [f64; 4],
    /// Beneficiaries summed over items (eligible x take-up; a person counts once per item).
    pub beneficiaries: u64,
    /// District share / budget.
    pub ratio: Option<f64>,
    /// Its band.
    pub band: Band,
}

/// One year of a run.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct YearResult {
    /// Year.
    pub year: i32,
    /// Reference date.
    pub date: String,
    /// Persons in the (projected) population.
    pub persons: u64,
    /// The district's general budget expenditure.
    pub budget: Option<f64>,
    /// Whether the budget was extrapolated from an earlier year.
    pub budget_estimated: bool,
    /// The version.
    pub base: Totals,
    /// The candidate.
    pub candidate: Option<Totals>,
}

/// One item over the run.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ItemResult {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Area number.
    pub area_no: u32,
    /// unchanged, changed, added or removed (against the candidate).
    pub change: String,
    /// Shares in [`PAYERS`] order (first year).
    pub shares: [f64; 4],
    /// Per year: eligible, unit cost and cost in the version; the same in the candidate.
    pub years: Vec<ItemYear>,
}

/// One item in one year.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ItemYear {
    /// Eligible in the version (`None`: not in it).
    pub eligible: Option<u64>,
    /// Share of the eligible who use it (beneficiaries = eligible x take-up).
    #[serde(default = "one")]
    pub take_up: f64,
    /// Unit cost in the version.
    pub unit_cost: Option<f64>,
    /// Cost in the version.
    pub cost: f64,
    /// Eligible in the candidate.
    pub candidate_eligible: Option<u64>,
    /// Unit cost in the candidate.
    pub candidate_unit_cost: Option<f64>,
    /// Cost in the candidate.
    pub candidate_cost: f64,
}

/// A region's (area's, sub-district's) cost per year.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct GroupResult {
    /// Area number or region code.
    pub key: String,
    /// Name.
    pub name: String,
    /// Cost per year in the version.
    pub cost: Vec<f64>,
    /// Cost per year in the candidate.
    pub candidate_cost: Vec<f64>,
}

/// The first year's eligible counts per item per community.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct CommunityTable {
    /// Community codes.
    pub communities: Vec<String>,
    /// Their names.
    pub names: Vec<String>,
    /// Persons per community.
    pub persons: Vec<u64>,
    /// Item codes (version items with a rule).
    pub items: Vec<String>,
    /// `eligible[item][community]`.
    pub eligible: Vec<Vec<u64>>,
}

/// The result of a run.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct RunResult {
    /// List version.
    pub version: i64,
    /// What the candidate is, if any.
    pub candidate: Option<String>,
    /// Thresholds used.
    pub bands: Bands,
    /// Projection rates used: `birth_rate`, `net_migration_rate` and `death_rates` as
    /// `[from_age, to_age, rate]`.
    pub rates: Rates,
    /// Years.
    pub years: Vec<YearResult>,
    /// Items (version items, then items only the candidate has).
    pub items: Vec<ItemResult>,
    /// Per area.
    pub areas: Vec<GroupResult>,
    /// Per sub-district.
    pub subdistricts: Vec<GroupResult>,
    /// First year per community.
    pub communities: CommunityTable,
    /// What the reader should know: items without a rule or a unit cost, estimated budgets.
    pub notes: Vec<String>,
    /// What the run assumed (reference date, birth, death and migration rates, how
    /// births and pregnancies are carried forward, take-up, unit costs, budgets), in the
    /// words the report prints.
    #[serde(default)]
    pub assumptions: Vec<Assumption>,
    /// Items in the run with no eligibility rule that can be used: counted as nobody, so
    /// costed 0. Each is a warning, not a result.
    #[serde(default)]
    pub without_rule: Vec<Unruled>,
}

/// One assumption of a run, as the page and the workbook state it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Assumption {
    /// What is assumed (出生率, 死亡率, ...).
    pub name: String,
    /// The value used.
    pub value: String,
    /// Where it comes from, or how it is applied.
    pub basis: String,
}

/// An item of a run that has no usable eligibility rule, so it is costed 0.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Unruled {
    /// Item code.
    pub code: String,
    /// Item name.
    pub name: String,
    /// Why: no rule, or the rule does not read (with the reason).
    pub reason: String,
}

/// Per mille with up to two decimals (8.5‰).
fn permille(rate: f64) -> String {
    let s = format!("{:.2}", rate * 1000.0);
    format!("{}‰", s.trim_end_matches('0').trim_end_matches('.'))
}

/// What a run assumes, in the order the report states it.
fn assumptions(
    input: &RunInput<'_>,
    rates: &Rates,
    birth: crate::project::BirthRateSource,
) -> Vec<Assumption> {
    use crate::project::{BirthRateSource, FATHER_AGES, MOTHER_AGES};
    let a = |name: &str, value: String, basis: String| Assumption {
        name: name.into(),
        value,
        basis,
    };
    let birth_rate = rates
        .birth_rate
        .unwrap_or(crate::project::FALLBACK_BIRTH_RATE);
    let deaths = rates
        .death_rates
        .iter()
        .map(|(lo, hi, r)| {
            let ages = if lo == hi {
                format!("{lo}岁")
            } else {
                format!("{lo}-{hi}岁")
            };
            format!("{ages} {}", permille(*r))
        })
        .collect::<Vec<_>>()
        .join("；");
    let take_ups: Vec<String> = input
        .costs
        .unit_costs
        .iter()
        .filter(|c| c.take_up < 1.0)
        .map(|c| c.item.clone())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    vec![
        a(
            "参考日",
            "每年7月1日".into(),
            "受益人数按当年7月1日（年中）符合条件的人数计，代表全年平均".into(),
        ),
        a(
            "人口表",
            format!(
                "{}年，{}行，每行代表{}人",
                input.population_year,
                input.population.len(),
                input.weight
            ),
            "以后各年由该人口表逐年推算：年龄按出生日期自然增长".into(),
        ),
        a(
            "出生率",
            permille(birth_rate),
            match birth {
                BirthRateSource::Given => "测算时给定".into(),
                BirthRateSource::Population => {
                    "未给定，取人口表中不满1岁者占总人口的比例，使推算延续人口表本身的出生水平"
                        .into()
                }
                BirthRateSource::Fallback => format!(
                    "未给定，人口表中没有不满1岁者，取默认值{}（示例）",
                    permille(crate::project::FALLBACK_BIRTH_RATE)
                ),
            },
        ),
        a(
            "死亡率",
            deaths,
            if rates.default_deaths() {
                "按年龄组，默认值为示例（年轻城市量级），应以本区生命表替换".into()
            } else {
                "按年龄组，测算时给定".into()
            },
        ),
        a(
            "净迁移率",
            permille(rates.net_migration_rate),
            "正数为迁入多于迁出（按本社区居民复制迁入者），负数为随机迁出".into(),
        ),
        a(
            "新生儿",
            "计入母亲和父亲的子女".into(),
            format!(
                "每名新生儿记为本社区一名{}-{}岁妇女（优先为上年参考日怀孕者）和一名{}-{}岁男性的最小子女，婴幼儿托育、孕产妇等按子女年龄判断的事项因此逐年延续",
                MOTHER_AGES.start(),
                MOTHER_AGES.end(),
                FATHER_AGES.start(),
                FATHER_AGES.end()
            ),
        ),
        a(
            "怀孕",
            format!(
                "人口 × 出生率 × 280/365（约{}）",
                permille(birth_rate * crate::project::PREGNANCY_YEARS)
            ),
            format!(
                "上一年的怀孕到下一参考日均已结束；此后280天内将分娩者视为参考日正在怀孕，从{}-{}岁、当年未分娩的妇女中抽取",
                MOTHER_AGES.start(),
                MOTHER_AGES.end()
            ),
        ),
        a(
            "受益比例",
            if take_ups.is_empty() {
                "均为100%".into()
            } else {
                format!("{}个事项低于100%：{}", take_ups.len(), take_ups.join("、"))
            },
            "受益人次 = 符合条件人数 × 受益比例；各事项的比例见事项表，未录入的按100%".into(),
        ),
        a(
            "单位成本",
            "取当年或之前最近一年录入的单位成本".into(),
            "没有单位成本的事项、没有资格规则的事项费用按0计，并在说明中列出".into(),
        ),
        a(
            "预算",
            format!("未录入年度按年增长{:.1}%推算", input.budget_growth * 100.0),
            "区级支出占区一般公共预算支出的比例与预警线比较".into(),
        ),
    ]
}

/// The reference date of a year: 1 July.
pub fn reference_date(year: i32) -> Ymd {
    (year.clamp(1900, 2199) as u32) * 10000 + 701
}

/// A sub-district's code from a community's: the first 9 digits, then 000.
fn subdistrict_of(code: &str) -> String {
    if code.len() == 12 {
        format!("{}000", &code[..9])
    } else {
        code.to_string()
    }
}

/// Whether two items are decided alike (same rule, scope and regions).
fn same_rule(a: &ServiceItem, b: &ServiceItem) -> bool {
    a.eligibility_rule.trim() == b.eligibility_rule.trim()
        && a.population_scope == b.population_scope
        && a.regions == b.regions
}

/// Runs the assessment. Errors only for inputs that cannot be run (years out of range).
pub fn run(input: &RunInput<'_>) -> Result<RunResult, Vec<String>> {
    let mut errors = Vec::new();
    if !(1..=5).contains(&input.years) {
        errors.push(format!("years = {} must be from 1 to 5", input.years));
    }
    if input.start_year < input.population_year {
        errors.push(format!(
            "start_year {} is before the population's year {}; start at {} or later, or use a population of {}",
            input.start_year, input.population_year, input.population_year, input.start_year
        ));
    }
    if input.start_year > input.population_year + 10 {
        errors.push(format!(
            "start_year {} is more than 10 years after the population's year {}; use a newer population",
            input.start_year, input.population_year
        ));
    }
    if let Err(e) = input.bands.check() {
        errors.push(e);
    }
    if let Err(e) = input.rates.check() {
        errors.push(e);
    }
    if !(input.weight.is_finite() && input.weight >= 1.0) {
        errors.push(format!(
            "weight {} must be 1 or more (persons each row stands for)",
            input.weight
        ));
    }
    if !(-0.5..=0.5).contains(&input.budget_growth) {
        errors.push(format!(
            "budget_growth = {} is not a yearly growth from -0.5 to 0.5 (0.03 for 3%)",
            input.budget_growth
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let schema = input.schema;
    let mut notes = Vec::new();
    // The birth rate, when not given, is the population's own, so the projection
    // continues the births it shows (project.rs).
    let (rates, birth_source) = input.rates.resolve(
        schema,
        input.population,
        reference_date(input.population_year),
    );

    // Every item of either list, in order: the version's, then the candidate's own.
    struct Row<'a> {
        base: Option<&'a ServiceItem>,
        cand: Option<&'a ServiceItem>,
        base_cond: Option<usize>,
        cand_cond: Option<usize>,
    }
    let mut rows: Vec<Row<'_>> = Vec::new();
    let mut conds: Vec<(String, Cond)> = Vec::new();
    let mut without_rule = Vec::new();
    let mut compile = |it: &ServiceItem, key: String, conds: &mut Vec<(String, Cond)>| {
        match gongfu_catalog::eligibility::effective(it, schema) {
            Ok(Some(c)) => {
                conds.push((key, c));
                Some(conds.len() - 1)
            }
            Ok(None) => {
                without_rule.push(Unruled {
                    code: it.code.to_string(),
                    name: it.name.clone(),
                    reason: "没有资格规则".into(),
                });
                None
            }
            Err(e) => {
                without_rule.push(Unruled {
                    code: it.code.to_string(),
                    name: it.name.clone(),
                    reason: format!("资格规则无法读取：{e}"),
                });
                None
            }
        }
    };
    let cand_by_code: HashMap<&str, &ServiceItem> = input
        .candidate
        .map(|c| c.items.iter().map(|it| (it.code.as_str(), it)).collect())
        .unwrap_or_default();
    for it in input.items {
        let base_cond = compile(it, format!("b:{}", it.code), &mut conds);
        let cand = cand_by_code.get(it.code.as_str()).copied();
        let cand_cond = match cand {
            Some(c) if same_rule(c, it) => base_cond,
            Some(c) => compile(c, format!("c:{}", c.code), &mut conds),
            None => None,
        };
        rows.push(Row {
            base: Some(it),
            cand,
            base_cond,
            cand_cond,
        });
    }
    if let Some(c) = input.candidate {
        let in_base: std::collections::HashSet<&str> =
            input.items.iter().map(|it| it.code.as_str()).collect();
        for it in c
            .items
            .iter()
            .filter(|it| !in_base.contains(it.code.as_str()))
        {
            let cand_cond = compile(it, format!("c:{}", it.code), &mut conds);
            rows.push(Row {
                base: None,
                cand: Some(it),
                base_cond: None,
                cand_cond,
            });
        }
    }
    without_rule.sort_by(|a, b| (&a.code, &a.reason).cmp(&(&b.code, &b.reason)));
    without_rule.dedup();
    if !without_rule.is_empty() {
        notes.push(format!(
            "{} 个事项没有可用的资格规则，受益人数和费用按0计：{}",
            without_rule.len(),
            without_rule
                .iter()
                .map(|u| format!("{} {}（{}）", u.code, u.name, u.reason))
                .collect::<Vec<_>>()
                .join("、")
        ));
    }

    let n_years = input.years as usize;
    let mut years = Vec::with_capacity(n_years);
    let mut item_years: Vec<Vec<ItemYear>> = vec![Vec::with_capacity(n_years); rows.len()];
    let mut areas: BTreeMap<u32, (Vec<f64>, Vec<f64>)> = BTreeMap::new();
    let mut subs: BTreeMap<String, (Vec<f64>, Vec<f64>)> = BTreeMap::new();
    let mut communities = CommunityTable {
        communities: vec![],
        names: vec![],
        persons: vec![],
        items: vec![],
        eligible: vec![],
    };
    let mut no_cost: Vec<String> = Vec::new();
    let mut pop = std::borrow::Cow::Borrowed(input.population);
    let mut pop_date = reference_date(input.population_year);
    let last_budget = |year: i32| -> (Option<f64>, bool) {
        if let Some(b) = input.budgets.get(&year) {
            return (Some(*b), false);
        }
        match input.budgets.range(..year).next_back() {
            Some((y, b)) => (Some(b * (1.0 + input.budget_growth).powi(year - y)), true),
            None => (None, false),
        }
    };
    let w = input.weight;
    let weigh = |n: u64| (n as f64 * w).round() as u64;
    for y in 0..n_years {
        let year = input.start_year + y as i32;
        let at = reference_date(year);
        // Move the population on, a year at a time, to this year.
        while pop_date < at {
            let next = reference_date((pop_date / 10000) as i32 + 1);
            pop = std::borrow::Cow::Owned(advance(
                schema,
                input.marginals,
                &pop,
                &rates,
                pop_date,
                next,
                input.seed,
            ));
            pop_date = next;
        }
        let program = Program::compile(conds.iter().map(|(k, c)| (k.clone(), c)), at);
        let counts = program.counts(&pop);
        let groups: Vec<String> = pop
            .groups()
            .iter()
            .map(|(g, _)| pop.regions()[*g as usize].clone())
            .collect();
        let group_subs: Vec<String> = groups.iter().map(|c| subdistrict_of(c)).collect();
        let (budget, estimated) = last_budget(year);
        let mut base = Totals {
            cost: 0.0,
            by_payer: [0.0; 4],
            beneficiaries: 0,
            ratio: None,
            band: Band::Unknown,
        };
        let mut cand = base.clone();
        for (r, row) in rows.iter().enumerate() {
            let mut iy = ItemYear {
                eligible: None,
                take_up: 1.0,
                unit_cost: None,
                cost: 0.0,
                candidate_eligible: None,
                candidate_unit_cost: None,
                candidate_cost: 0.0,
            };
            let code = row
                .base
                .or(row.cand)
                .map(|it| it.code.to_string())
                .unwrap_or_default();
            let book_row = input.costs.unit_cost(&code, year);
            let book = book_row.map(|c| c.unit_cost);
            let take_up = book_row.map_or(1.0, |c| c.take_up);
            iy.take_up = take_up;
            let change = input.candidate.and_then(|c| c.costs.get(&code));
            // One side: its counts spread over groups, its cost added to the totals.
            let mut side = |item: &ServiceItem,
                            cond: Option<usize>,
                            unit: Option<f64>,
                            shares: Shares,
                            totals: &mut Totals,
                            is_cand: bool|
             -> (Option<u64>, f64) {
                let Some(k) = cond else {
                    return (None, 0.0);
                };
                let per_group = &counts[k];
                let n = weigh(per_group.iter().sum());
                let unit_v = unit.unwrap_or(0.0) * take_up;
                let cost = n as f64 * unit_v;
                totals.cost += cost;
                totals.beneficiaries += (n as f64 * take_up).round() as u64;
                for (p, s) in shares.array().iter().enumerate() {
                    totals.by_payer[p] += cost * s;
                }
                let area = areas
                    .entry(item.area_no)
                    .or_insert_with(|| (vec![0.0; n_years], vec![0.0; n_years]));
                if is_cand {
                    area.1[y] += cost
                } else {
                    area.0[y] += cost
                }
                for (g, &m) in per_group.iter().enumerate() {
                    let s = subs
                        .entry(group_subs[g].clone())
                        .or_insert_with(|| (vec![0.0; n_years], vec![0.0; n_years]));
                    let c = m as f64 * w * unit_v;
                    if is_cand {
                        s.1[y] += c;
                    } else {
                        s.0[y] += c;
                    }
                }
                (Some(n), cost)
            };
            if let Some(it) = row.base {
                let shares = input.costs.shares(it, year);
                let (n, c) = side(it, row.base_cond, book, shares, &mut base, false);
                iy.eligible = n;
                iy.unit_cost = book;
                iy.cost = c;
                if n.is_some() && book.is_none() {
                    no_cost.push(format!("{} {}", it.code, it.name));
                }
            }
            if input.candidate.is_some() {
                if let Some(it) = row.cand {
                    let unit = match change {
                        Some(ch) => ch.apply(book),
                        None => book,
                    };
                    let shares = change
                        .and_then(|c| c.shares)
                        .unwrap_or_else(|| input.costs.shares(it, year));
                    let (n, c) = side(it, row.cand_cond, unit, shares, &mut cand, true);
                    iy.candidate_eligible = n;
                    iy.candidate_unit_cost = unit;
                    iy.candidate_cost = c;
                    if n.is_some() && unit.is_none() {
                        no_cost.push(format!("{} {}", it.code, it.name));
                    }
                }
            }
            item_years[r].push(iy);
        }
        for t in [&mut base, &mut cand] {
            t.ratio = budget.filter(|b| *b > 0.0).map(|b| t.by_payer[3] / b);
            t.band = input.bands.of(t.ratio);
        }
        if y == 0 {
            communities.communities = groups.clone();
            communities.names = groups
                .iter()
                .map(|c| input.region_names.get(c).cloned().unwrap_or_default())
                .collect();
            communities.persons = pop
                .groups()
                .iter()
                .map(|(_, r)| weigh(r.len() as u64))
                .collect();
            for row in &rows {
                if let (Some(it), Some(k)) = (row.base, row.base_cond) {
                    communities.items.push(it.code.to_string());
                    communities
                        .eligible
                        .push(counts[k].iter().map(|&n| weigh(n)).collect());
                }
            }
        }
        if estimated {
            notes.push(format!(
                "{year}年预算未录入，按最近一年预算及年增长率{:.1}%推算",
                input.budget_growth * 100.0
            ));
        }
        if budget.is_none() {
            notes.push(format!(
                "{year}年及以前均未录入一般公共预算支出，无法判断承受能力"
            ));
        }
        years.push(YearResult {
            year,
            date: date::format(at),
            persons: weigh(pop.len() as u64),
            budget,
            budget_estimated: estimated,
            base,
            candidate: input.candidate.map(|_| cand),
        });
    }
    no_cost.sort();
    no_cost.dedup();
    if !no_cost.is_empty() {
        notes.push(format!(
            "{} 个事项没有单位成本，费用按0计：{}",
            no_cost.len(),
            no_cost.join("、")
        ));
    }
    let first_year = input.start_year;
    let items = rows
        .iter()
        .zip(item_years)
        .filter_map(|(row, ys)| {
            // Every row was made with an item on at least one side.
            let it = row.base.or(row.cand)?;
            let change = match (row.base, row.cand, input.candidate) {
                (_, _, None) => "unchanged",
                (Some(_), None, _) => "removed",
                (None, Some(_), _) => "added",
                (Some(b), Some(c), Some(cd)) => {
                    if same_rule(b, c) && !cd.costs.contains_key(b.code.as_str()) {
                        "unchanged"
                    } else {
                        "changed"
                    }
                }
                (None, None, _) => "unchanged",
            };
            Some(ItemResult {
                code: it.code.to_string(),
                name: it.name.clone(),
                area_no: it.area_no,
                change: change.into(),
                shares: input.costs.shares(it, first_year).array(),
                years: ys,
            })
        })
        .collect();
    let group =
        |key: String, name: String, (cost, candidate_cost): (Vec<f64>, Vec<f64>)| GroupResult {
            key,
            name,
            cost,
            candidate_cost,
        };
    Ok(RunResult {
        version: input.version,
        candidate: input.candidate.map(|c| c.label.clone()),
        bands: input.bands,
        assumptions: assumptions(input, &rates, birth_source),
        rates,
        without_rule,
        years,
        items,
        areas: areas
            .into_iter()
            .map(|(no, v)| {
                let name = input
                    .taxonomy
                    .area(no)
                    .map(|a| a.name.clone())
                    .unwrap_or_else(|| format!("领域{no}"));
                group(no.to_string(), name, v)
            })
            .collect(),
        subdistricts: subs
            .into_iter()
            .map(|(code, v)| {
                let name = input.region_names.get(&code).cloned().unwrap_or_default();
                group(code, name, v)
            })
            .collect(),
        communities,
        notes,
    })
}
