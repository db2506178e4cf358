//! Regions keyed by the 12-digit statistical division code (统计用区划代码).
//!
//! The code is 2 digits province, 2 city, 2 county/district, 3 township/sub-district and 3
//! village/community. A region's level is read off which trailing groups are zero, so the
//! code alone says where a region sits in the tree and who its parent is.

use std::fmt;

/// Level of a region in the administrative tree.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum RegionLevel {
    /// 省级 (province, autonomous region, municipality)
    Province,
    /// 地级 (city, prefecture)
    City,
    /// 县级 (district, county)
    District,
    /// 乡级 (街道 sub-district, town)
    Subdistrict,
    /// 村级 (社区 community, village)
    Community,
}

impl RegionLevel {
    /// Stable English name used in storage and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Province => "province",
            Self::City => "city",
            Self::District => "district",
            Self::Subdistrict => "subdistrict",
            Self::Community => "community",
        }
    }

    /// Chinese label for pages.
    pub fn label(self) -> &'static str {
        match self {
            Self::Province => "省",
            Self::City => "市",
            Self::District => "区（县）",
            Self::Subdistrict => "街道（镇）",
            Self::Community => "社区（村）",
        }
    }
}

/// A 12-digit statistical division code.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct RegionCode(String);

/// The Chinese name of a group of a region code's digits, for messages.
fn region_part(part: &str) -> &'static str {
    match part {
        "city" => "市级",
        "district" => "县区级",
        "sub-district" => "乡镇街道级",
        _ => "村社区级",
    }
}

/// Why a region code was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegionCodeError {
    /// Not 6 or 12 ASCII digits.
    #[error("{}", crate::msg!("region-code-format", code = .0))]
    Format(String),
    /// A lower group is set while a higher one is zero, e.g. 440000001000.
    #[error("{}", crate::msg!("region-code-gap", code = .0, part = region_part(.1)))]
    Gap(String, &'static str),
}

impl RegionCode {
    /// Parses a 12-digit code, or a 6-digit administrative code padded to 12.
    pub fn parse(raw: &str) -> Result<Self, RegionCodeError> {
        let s = crate::text::fold_width(raw.trim());
        if !s.bytes().all(|b| b.is_ascii_digit()) || !(s.len() == 12 || s.len() == 6) {
            return Err(RegionCodeError::Format(raw.trim().to_string()));
        }
        let s = if s.len() == 6 {
            format!("{s}000000")
        } else {
            s
        };
        if &s[0..2] == "00" {
            return Err(RegionCodeError::Format(s));
        }
        let groups = [
            (2, 4, "city"),
            (4, 6, "district"),
            (6, 9, "sub-district"),
            (9, 12, "community"),
        ];
        let mut zero_seen = false;
        for (a, b, name) in groups {
            let zero = s[a..b].bytes().all(|c| c == b'0');
            if zero {
                zero_seen = true;
            } else if zero_seen {
                return Err(RegionCodeError::Gap(s, name));
            }
        }
        Ok(Self(s))
    }

    /// The code as 12 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The level, read off the zero groups.
    pub fn level(&self) -> RegionLevel {
        let s = self.0.as_bytes();
        let zero = |a: usize, b: usize| s[a..b].iter().all(|c| *c == b'0');
        if !zero(9, 12) {
            RegionLevel::Community
        } else if !zero(6, 9) {
            RegionLevel::Subdistrict
        } else if !zero(4, 6) {
            RegionLevel::District
        } else if !zero(2, 4) {
            RegionLevel::City
        } else {
            RegionLevel::Province
        }
    }

    /// The enclosing region's code, or `None` for a province.
    pub fn parent(&self) -> Option<RegionCode> {
        let keep = match self.level() {
            RegionLevel::Province => return None,
            RegionLevel::City => 2,
            RegionLevel::District => 4,
            RegionLevel::Subdistrict => 6,
            RegionLevel::Community => 9,
        };
        Some(Self(format!("{:0<12}", &self.0[..keep])))
    }

    /// True when `self` is `other` or lies inside it.
    pub fn is_within(&self, other: &RegionCode) -> bool {
        let keep = match other.level() {
            RegionLevel::Province => 2,
            RegionLevel::City => 4,
            RegionLevel::District => 6,
            RegionLevel::Subdistrict => 9,
            RegionLevel::Community => 12,
        };
        self.0[..keep] == other.0[..keep]
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The population an item or a count refers to.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum PopulationKind {
    /// 户籍人口: registered residents.
    Hukou,
    /// 常住人口: residents living here six months or more (居住证 holders included).
    Permanent,
    /// 服务人口: everyone the district actually serves, including the floating population.
    Served,
}

impl PopulationKind {
    /// All kinds, narrowest first.
    pub const ALL: [PopulationKind; 3] = [Self::Hukou, Self::Permanent, Self::Served];

    /// Stable English name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Hukou => "hukou",
            Self::Permanent => "permanent",
            Self::Served => "served",
        }
    }

    /// Chinese label, as the list writes it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Hukou => "户籍人口",
            Self::Permanent => "常住人口",
            Self::Served => "服务人口",
        }
    }

    /// Accepts the English name or the Chinese label (with or without 人口).
    pub fn parse(raw: &str) -> Option<Self> {
        let s = crate::text::clean(raw);
        Self::ALL
            .into_iter()
            .find(|k| s == k.as_str() || s == k.label() || s == k.label().trim_end_matches("人口"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_and_parents() {
        let c = RegionCode::parse("440304008003").unwrap();
        assert_eq!(c.level(), RegionLevel::Community);
        let s = c.parent().unwrap();
        assert_eq!(s.as_str(), "440304008000");
        assert_eq!(s.level(), RegionLevel::Subdistrict);
        let d = s.parent().unwrap();
        assert_eq!(d.as_str(), "440304000000");
        assert_eq!(d.parent().unwrap().as_str(), "440300000000");
        assert_eq!(
            d.parent().unwrap().parent().unwrap().as_str(),
            "440000000000"
        );
        assert!(RegionCode::parse("440000000000")
            .unwrap()
            .parent()
            .is_none());
        assert!(c.is_within(&d));
        assert!(!d.is_within(&c));
    }

    #[test]
    fn six_digit_codes_are_padded() {
        assert_eq!(
            RegionCode::parse("440304").unwrap().as_str(),
            "440304000000"
        );
        assert_eq!(
            RegionCode::parse("４４０３０４").unwrap().as_str(),
            "440304000000"
        );
    }

    #[test]
    fn bad_codes_say_why() {
        assert!(matches!(
            RegionCode::parse("4403"),
            Err(RegionCodeError::Format(_))
        ));
        assert!(matches!(
            RegionCode::parse("44030400800x"),
            Err(RegionCodeError::Format(_))
        ));
        assert!(matches!(
            RegionCode::parse("000000000000"),
            Err(RegionCodeError::Format(_))
        ));
        let e = RegionCode::parse("440000001000").unwrap_err();
        assert_eq!(
            e,
            RegionCodeError::Gap("440000001000".into(), "sub-district")
        );
    }

    #[test]
    fn population_kind_parses_labels() {
        assert_eq!(
            PopulationKind::parse("常住"),
            Some(PopulationKind::Permanent)
        );
        assert_eq!(
            PopulationKind::parse(" 户籍人口 "),
            Some(PopulationKind::Hukou)
        );
        assert_eq!(
            PopulationKind::parse("served"),
            Some(PopulationKind::Served)
        );
        assert_eq!(PopulationKind::parse("流动"), None);
    }
}
