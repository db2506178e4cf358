//! Facility types (设施类型) of service points, as data: `data/places/facility-types.csv`
//! ships the usual ones (社康中心, 幼儿园, 长者饭堂, 党群服务中心 ...), each with an English
//! code for the API, the names it is also written as, the unit its capacity is counted in
//! and the areas of the list it serves. A district can replace the table; imports read a
//! type by code, name or alias.

use crate::text::fold_width;

/// The shipped table.
pub const FACILITY_TYPES_CSV: &str = include_str!("../../../data/places/facility-types.csv");

/// One facility type.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FacilityType {
    /// English code used in URLs and JSON (`community_health`).
    pub code: String,
    /// Chinese name (社区健康服务中心).
    pub name: String,
    /// Other names it is written as (社康中心, 社康 ...).
    pub aliases: Vec<String>,
    /// What capacity counts (床位, 学位, 座位 ...), empty when it has none.
    pub capacity_unit: String,
    /// Names of the list areas it serves.
    pub areas: Vec<String>,
}

/// The classification.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FacilityTypes {
    types: Vec<FacilityType>,
}

fn key(s: &str) -> String {
    fold_width(s).trim().to_lowercase()
}

impl FacilityTypes {
    /// The shipped table (checked by a test).
    pub fn shipped() -> Self {
        Self::parse(FACILITY_TYPES_CSV).unwrap_or(FacilityTypes { types: vec![] })
    }

    /// Reads `代码,名称,别名,容量单位,服务领域` (aliases and areas separated by `|`); every
    /// code, name and alias must name one type only.
    pub fn parse(csv: &str) -> Result<Self, String> {
        let mut types: Vec<FacilityType> = vec![];
        let mut seen: std::collections::BTreeMap<String, usize> = Default::default();
        for (i, line) in csv.lines().enumerate().skip(1) {
            if line.trim().is_empty() {
                continue;
            }
            let c: Vec<&str> = line.split(',').map(str::trim).collect();
            if c.len() < 2 || c[0].is_empty() || c[1].is_empty() {
                return Err(format!("line {}: give at least 代码 and 名称", i + 1));
            }
            if !c[0]
                .chars()
                .all(|ch| ch.is_ascii_lowercase() || ch == '_' || ch.is_ascii_digit())
            {
                return Err(format!(
                    "line {}: code '{}' must be lowercase letters, digits and _",
                    i + 1,
                    c[0]
                ));
            }
            let split = |k: usize| -> Vec<String> {
                c.get(k)
                    .map(|v| {
                        v.split('|')
                            .map(str::trim)
                            .filter(|s| !s.is_empty())
                            .map(String::from)
                            .collect()
                    })
                    .unwrap_or_default()
            };
            let t = FacilityType {
                code: c[0].to_string(),
                name: c[1].to_string(),
                aliases: split(2),
                capacity_unit: c.get(3).copied().unwrap_or("").to_string(),
                areas: split(4),
            };
            for word in std::iter::once(&t.code)
                .chain(std::iter::once(&t.name))
                .chain(t.aliases.iter())
            {
                if let Some(first) = seen.insert(key(word), i + 1) {
                    return Err(format!(
                        "line {}: '{word}' already names a type on line {first}; each name once",
                        i + 1
                    ));
                }
            }
            types.push(t);
        }
        Ok(FacilityTypes { types })
    }

    /// The type a code, name or alias names.
    pub fn find(&self, raw: &str) -> Option<&FacilityType> {
        let k = key(raw);
        self.types.iter().find(|t| {
            key(&t.code) == k || key(&t.name) == k || t.aliases.iter().any(|a| key(a) == k)
        })
    }

    /// Every type, in table order.
    pub fn all(&self) -> &[FacilityType] {
        &self.types
    }

    /// The names, for an error message ("expected one of ...").
    pub fn expected(&self) -> String {
        self.types
            .iter()
            .map(|t| t.name.as_str())
            .collect::<Vec<_>>()
            .join("、")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_types_read_and_serve_national_areas() {
        let t = FacilityTypes::shipped();
        assert!(t.all().len() >= 20);
        assert_eq!(
            t.find("社康").map(|x| x.code.as_str()),
            Some("community_health")
        );
        assert_eq!(
            t.find("COMMUNITY_HEALTH").map(|x| x.name.as_str()),
            Some("社区健康服务中心")
        );
        assert_eq!(
            t.find("长者食堂").map(|x| x.code.as_str()),
            Some("elderly_canteen")
        );
        assert!(t.find("加油站").is_none());
        assert!(t.expected().contains("幼儿园"));
        let areas: Vec<&str> = include_str!("../../../data/national/taxonomy.csv")
            .lines()
            .skip(1)
            .filter_map(|l| l.split(',').nth(1))
            .collect();
        for ty in t.all() {
            assert!(!ty.areas.is_empty(), "{}", ty.code);
            for a in &ty.areas {
                assert!(
                    areas.contains(&a.as_str()),
                    "{}: {a} is not a national area",
                    ty.code
                );
            }
        }
    }

    #[test]
    fn a_bad_table_names_its_line() {
        assert!(FacilityTypes::parse("代码,名称\nx,甲\ny,甲\n")
            .unwrap_err()
            .contains("line 3"));
        assert!(FacilityTypes::parse("代码,名称\nBad Code,甲\n")
            .unwrap_err()
            .contains("lowercase"));
        assert!(FacilityTypes::parse("代码,名称\nx,\n")
            .unwrap_err()
            .contains("名称"));
    }
}
