//! The JSON shape of an item, shared by the API and the JSON export so the two never
//! disagree. Field names follow DOMAIN.md's glossary.

use gongfu_domain::{ServiceItem, Taxonomy};

/// A numbered name: an area or category reference.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct NumberedName {
    /// Number in the list.
    pub no: u32,
    /// Name.
    pub name: String,
}

/// Who pays.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ExpenditureView {
    /// `central`, `local`, `shared` or `other`.
    pub kind: &'static str,
    /// The phrasing, e.g. 中央财政和地方财政共同承担支出责任.
    pub text: String,
}

/// An item as the API returns it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ItemView {
    /// Code, unique in the version.
    pub code: String,
    /// 服务项目.
    pub name: String,
    /// 领域.
    pub area: NumberedName,
    /// 大类.
    pub category: NumberedName,
    /// 序号 within the category.
    pub seq: u32,
    /// 服务对象.
    pub target_population: String,
    /// 服务内容.
    pub content: String,
    /// 服务标准.
    pub standard: String,
    /// 支出责任.
    pub expenditure_responsibility: ExpenditureView,
    /// 牵头负责单位.
    pub lead_departments: Vec<String>,
    /// `national`, `provincial`, `municipal` or `district`.
    pub origin_level: &'static str,
    /// 特色事项.
    pub featured: bool,
    /// The national item implemented or raised.
    pub base_code: Option<String>,
    /// `implements` or `raises`.
    pub base_relation: Option<&'static str>,
    /// `hukou`, `permanent` or `served`.
    pub population_scope: &'static str,
    /// 服务渠道.
    pub delivery_channels: Vec<String>,
    /// 政策依据.
    pub policy_basis: String,
    /// 服务流程.
    pub process: String,
    /// `active`, `planned` or `suspended`.
    pub status: &'static str,
    /// Region codes where delivered; empty for the whole jurisdiction.
    pub regions: Vec<String>,
    /// 资格规则: who may use the item (docs/eligibility-rules.md); empty if not written.
    pub eligibility_rule: String,
    /// 资格示例: profiles that must and must not qualify.
    pub eligibility_examples: String,
    /// Source of the row; 示例 marks illustrative data.
    pub provenance: String,
}

impl ItemView {
    /// The view of an item within its version's taxonomy.
    pub fn new(it: &ServiceItem, t: &Taxonomy) -> Self {
        Self {
            code: it.code.to_string(),
            name: it.name.clone(),
            area: NumberedName {
                no: it.area_no,
                name: t
                    .area(it.area_no)
                    .map(|a| a.name.clone())
                    .unwrap_or_default(),
            },
            category: NumberedName {
                no: it.category_no,
                name: t
                    .category(it.category_no)
                    .map(|c| c.name.clone())
                    .unwrap_or_default(),
            },
            seq: it.seq,
            target_population: it.target_population.clone(),
            content: it.content.clone(),
            standard: it.standard.clone(),
            expenditure_responsibility: ExpenditureView {
                kind: it.expenditure_responsibility.kind(),
                text: it.expenditure_responsibility.text().to_string(),
            },
            lead_departments: it
                .lead_departments
                .iter()
                .map(|d| d.as_str().to_string())
                .collect(),
            origin_level: it.origin_level.as_str(),
            featured: it.featured,
            base_code: it.base_code.as_ref().map(|c| c.to_string()),
            base_relation: it.base_relation.map(|r| r.as_str()),
            population_scope: it.population_scope.as_str(),
            delivery_channels: it.delivery_channels.clone(),
            policy_basis: it.policy_basis.clone(),
            process: it.process.clone(),
            status: it.status.as_str(),
            regions: it.regions.iter().map(|r| r.as_str().to_string()).collect(),
            eligibility_rule: it.eligibility_rule.clone(),
            eligibility_examples: it.eligibility_examples.clone(),
            provenance: it.provenance.clone(),
        }
    }
}
