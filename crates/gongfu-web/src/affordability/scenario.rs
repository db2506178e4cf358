//! The scenario of a run as staff enter it: rows of a form ("add an item", "raise a
//! standard", "widen a population", "take an item off"), read into the
//! [`Scenario`] the API takes as JSON. A row left empty is no change; a row half filled
//! is refused with its kind, its number and the field to fill.
//!
//! The inputs are named `sc_{kind}{n}_{field}` (`sc_add1_code`, `sc_raise2_percent`), and
//! `sc_name` and `sc_description`; [`ScenarioFields`] collects them (flattened into the
//! run form), [`rows`] gives them back to the template so a refused form keeps what was
//! typed.

use gongfu_affordability::afford::{Change, Scenario};
use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;
use std::collections::BTreeMap;

/// Rows of each kind the form offers.
pub(crate) const ROWS: usize = 3;

/// The form's scenario inputs, by name without the `sc_` prefix.
#[derive(Default, Debug, Clone)]
pub(crate) struct ScenarioFields(pub BTreeMap<String, String>);

impl<'de> Deserialize<'de> for ScenarioFields {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ScenarioFields;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                write!(f, "form fields named sc_<field>")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = BTreeMap::new();
                while let Some(name) = map.next_key::<String>()? {
                    match name.strip_prefix("sc_") {
                        Some(key) => {
                            out.insert(key.to_string(), map.next_value::<String>()?);
                        }
                        None => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(ScenarioFields(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// One row of the form, as the template fills it back in.
pub(crate) struct Row {
    /// Its number, 1 to [`ROWS`].
    pub n: usize,
    /// Its inputs by field, as typed.
    values: BTreeMap<&'static str, String>,
}

impl Row {
    /// What was typed into a field of the row ("" when nothing).
    pub fn get(&self, field: &str) -> &str {
        self.values.get(field).map_or("", String::as_str)
    }
}

/// The four kinds of row: the input prefix, its name on the page, its fields.
const KINDS: [(&str, &str, &[&str]); 4] = [
    (
        "add",
        "新增事项",
        &[
            "code",
            "name",
            "area",
            "category",
            "rule",
            "scope",
            "responsibility",
            "unit_cost",
        ],
    ),
    ("raise", "提高标准", &["item", "percent", "amount"]),
    ("widen", "扩大对象", &["item", "scope", "rule"]),
    ("remove", "取消事项", &["item"]),
];

/// The rows of one kind (`add`, `raise`, `widen`, `remove`) with what was typed.
pub(crate) fn rows(fields: &ScenarioFields, kind: &str) -> Vec<Row> {
    let keys = KINDS
        .iter()
        .find(|(k, _, _)| *k == kind)
        .map_or(&[][..], |(_, _, keys)| *keys);
    (1..=ROWS)
        .map(|n| Row {
            n,
            values: keys
                .iter()
                .map(|k| {
                    let v = fields.0.get(&format!("{kind}{n}_{k}")).cloned();
                    (*k, v.unwrap_or_default())
                })
                .collect(),
        })
        .collect()
}

/// The scenario the form describes: `None` when every row is empty; else its changes in
/// the order of the form (additions, raises, widenings, removals), or every row's problem.
pub(crate) fn parse(fields: &ScenarioFields) -> Result<Option<Scenario>, Vec<String>> {
    let mut changes = Vec::new();
    let mut errors = Vec::new();
    for (kind, label, _) in KINDS {
        for row in rows(fields, kind) {
            if row.values.values().all(|v| v.trim().is_empty()) {
                continue;
            }
            let at = format!("{label}第{}行", row.n);
            match change(kind, &row, &at) {
                Ok(c) => changes.push(c),
                Err(e) => errors.extend(e),
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if changes.is_empty() {
        return Ok(None);
    }
    let text = |k: &str| fields.0.get(k).map_or("", |v| v.trim()).to_string();
    let name = Some(text("name"))
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "未命名情景".into());
    Ok(Some(Scenario {
        name,
        description: text("description"),
        changes,
    }))
}

/// One row's change; every missing or unreadable field named.
fn change(kind: &str, row: &Row, at: &str) -> Result<Change, Vec<String>> {
    let mut errors = Vec::new();
    let text = |k: &str| row.get(k).trim().to_string();
    let optional = |k: &str| Some(text(k)).filter(|v| !v.is_empty());
    let required = |k: &str, what: &str, errors: &mut Vec<String>| {
        let v = text(k);
        if v.is_empty() {
            errors.push(format!("{at}：请填写{what}"));
        }
        v
    };
    let number = |k: &str, what: &str, errors: &mut Vec<String>| -> Option<f64> {
        let v = text(k);
        if v.is_empty() {
            return None;
        }
        match v.replace([',', '，'], "").parse::<f64>() {
            Ok(x) if x.is_finite() => Some(x),
            _ => {
                errors.push(format!("{at}：{what}“{v}”不是数字，请填写数字"));
                None
            }
        }
    };
    let c = match kind {
        "add" => {
            let code = required("code", "编码", &mut errors);
            let name = required("name", "名称", &mut errors);
            let area = required("area", "领域", &mut errors);
            let category = required("category", "大类", &mut errors);
            let rule = required("rule", "资格规则", &mut errors);
            let unit_cost = number("unit_cost", "单位成本", &mut errors);
            if unit_cost.is_none() && text("unit_cost").is_empty() {
                errors.push(format!("{at}：请填写单位成本（元/人·年）"));
            }
            Change::AddItem {
                code,
                name,
                area,
                category,
                rule,
                population_scope: optional("scope"),
                expenditure_responsibility: optional("responsibility"),
                unit_cost: unit_cost.unwrap_or(0.0),
                shares: None,
            }
        }
        "raise" => {
            let item = required("item", "事项编码", &mut errors);
            let percent = number("percent", "提高百分比", &mut errors);
            let amount = number("amount", "每人每年增加金额", &mut errors);
            if percent.is_none() && amount.is_none() && errors.is_empty() {
                errors.push(format!(
                    "{at}：请填写提高百分比（如10表示提高10%）或每人每年增加金额（元）"
                ));
            }
            Change::RaiseStandard {
                item,
                percent,
                amount,
            }
        }
        "widen" => {
            let item = required("item", "事项编码", &mut errors);
            let (scope, rule) = (optional("scope"), optional("rule"));
            if scope.is_none() && rule.is_none() && errors.is_empty() {
                errors.push(format!("{at}：请选择新的人口范围或填写新的资格规则"));
            }
            Change::WidenPopulation {
                item,
                population_scope: scope,
                rule,
            }
        }
        _ => Change::RemoveItem {
            item: required("item", "事项编码", &mut errors),
        },
    };
    if errors.is_empty() {
        Ok(c)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> ScenarioFields {
        ScenarioFields(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn rows_read_into_the_scenario_the_api_takes() {
        let f = fields(&[
            ("name", "高龄津贴扩面与提标"),
            ("widen1_item", "L1401"),
            ("widen1_scope", "常住人口"),
            ("raise1_item", "N1005"),
            ("raise1_percent", "10"),
            ("raise2_item", "N1301"),
            ("raise2_amount", "1,200"),
            ("add1_code", "L1399"),
            ("add1_name", "高龄老人营养餐补贴"),
            ("add1_area", "老有所养"),
            ("add1_category", "养老助老服务"),
            ("add1_rule", "age >= 80"),
            ("add1_scope", "常住人口"),
            ("add1_unit_cost", "1200"),
            ("remove1_item", ""),
        ]);
        let s = parse(&f).unwrap().unwrap();
        assert_eq!(s.name, "高龄津贴扩面与提标");
        assert_eq!(
            s.changes,
            vec![
                Change::AddItem {
                    code: "L1399".into(),
                    name: "高龄老人营养餐补贴".into(),
                    area: "老有所养".into(),
                    category: "养老助老服务".into(),
                    rule: "age >= 80".into(),
                    population_scope: Some("常住人口".into()),
                    expenditure_responsibility: None,
                    unit_cost: 1200.0,
                    shares: None,
                },
                Change::RaiseStandard {
                    item: "N1005".into(),
                    percent: Some(10.0),
                    amount: None,
                },
                Change::RaiseStandard {
                    item: "N1301".into(),
                    percent: None,
                    amount: Some(1200.0),
                },
                Change::WidenPopulation {
                    item: "L1401".into(),
                    population_scope: Some("常住人口".into()),
                    rule: None,
                },
            ]
        );
        // Nothing filled in: no scenario.
        assert_eq!(parse(&fields(&[("name", "x")])).unwrap(), None);
    }

    #[test]
    fn a_half_filled_row_names_its_kind_row_and_field() {
        let f = fields(&[
            ("raise2_item", "N1005"),
            ("raise2_percent", "十"),
            ("add1_code", "L1399"),
            ("widen3_item", "L1401"),
        ]);
        let e = parse(&f).unwrap_err();
        for want in [
            "提高标准第2行：提高百分比“十”不是数字",
            "新增事项第1行：请填写名称",
            "新增事项第1行：请填写单位成本",
            "扩大对象第3行：请选择新的人口范围或填写新的资格规则",
        ] {
            assert!(e.iter().any(|x| x.contains(want)), "{want} in {e:?}");
        }
    }

    #[test]
    fn rows_give_back_what_was_typed() {
        let f = fields(&[("raise2_item", "N1005"), ("other", "x")]);
        let r = rows(&f, "raise");
        assert_eq!(r.len(), ROWS);
        assert_eq!((r[1].n, r[1].get("item")), (2, "N1005"));
        assert_eq!(r[0].get("item"), "");
    }
}
