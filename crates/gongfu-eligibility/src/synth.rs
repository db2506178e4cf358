//! Synthetic populations: persons drawn to match each community's head counts (户籍,
//! 常住, 服务人口) and the given marginals (age pyramid, sex, hukou share, disability and
//! assistance rates, chronic disease prevalence, ...), reproducibly from a seed.
//!
//! Each community draws from its own stream (seed mixed with the community code), so a
//! community's persons do not change when another community is added. The marginals are
//! data (`data/eligibility/marginals.json`, labelled with their sources); fields the
//! synthesizer does not know (a district's own additions) take their schema default.

use std::collections::BTreeMap;

use gongfu_rules::date::{self, Ymd};
use gongfu_rules::population::{FastRow, PopulationBuilder};
use gongfu_rules::{Population, Schema};

/// The shipped marginals.
pub const STANDARD_MARGINALS: &str = include_str!("../../../data/eligibility/marginals.json");

/// Shares and rates the synthetic population matches. Shares are fractions of the group
/// named in the key.
#[derive(Debug, Clone, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct Marginals {
    pub provenance: String,
    /// `[from, to, share]` age bands, whole years, shares summing to 1.
    pub age_bands: Vec<(u32, u32, f64)>,
    pub male_share: f64,
    pub rural_share: f64,
    pub pregnant_share_women_20_39: f64,
    pub planning_pregnancy_share_20_44: f64,
    pub parent_share_25_plus: f64,
    /// Shares of parents with 1, 2, 3 children.
    pub children_count_shares: Vec<f64>,
    pub school: BTreeMap<String, f64>,
    pub employment_working_age: BTreeMap<String, f64>,
    pub retirement_age: BTreeMap<String, u32>,
    pub recent_graduate_21_24: f64,
    pub assistance: BTreeMap<String, f64>,
    pub disability_rate: f64,
    pub disability_age_factor: BTreeMap<String, f64>,
    pub disability_categories: BTreeMap<String, f64>,
    pub disability_grades: Vec<f64>,
    pub chronic_35_plus: BTreeMap<String, f64>,
    pub chronic_all: BTreeMap<String, f64>,
    pub veteran_men_20_plus: f64,
    pub military_family: BTreeMap<String, f64>,
    pub lives_alone_60_plus: f64,
    pub care_dependency_60_plus: BTreeMap<String, f64>,
    pub housing_difficulty_adults: f64,
    pub family_planning_40_plus: BTreeMap<String, f64>,
    pub child_in_difficulty_under_18: BTreeMap<String, f64>,
    pub sudden_hardship: f64,
}

impl Marginals {
    /// The shipped marginals (tested to parse and check).
    pub fn standard() -> Self {
        #[allow(clippy::expect_used)]
        let m: Marginals = serde_json::from_str(STANDARD_MARGINALS)
            .expect("data/eligibility/marginals.json parses (tested)");
        m
    }

    /// Reads and checks marginals from JSON; errors name the key.
    pub fn from_json(text: &str, schema: &Schema) -> Result<Self, String> {
        let m: Marginals = serde_json::from_str(text).map_err(|e| format!("marginals: {e}"))?;
        m.check(schema)?;
        Ok(m)
    }

    /// Every share within 0..1, age bands summing to 1, and every value key a value of
    /// its field in the schema.
    pub fn check(&self, schema: &Schema) -> Result<(), String> {
        let share = |k: &str, v: f64| {
            if (0.0..=1.0).contains(&v) {
                Ok(())
            } else {
                Err(format!(
                    "marginals: {k} = {v} is not a share between 0 and 1"
                ))
            }
        };
        let total: f64 = self.age_bands.iter().map(|b| b.2).sum();
        if self.age_bands.is_empty() || (total - 1.0).abs() > 1e-6 {
            return Err(format!(
                "marginals: age_bands' shares sum to {total}, not 1"
            ));
        }
        for (lo, hi, s) in &self.age_bands {
            share("age_bands", *s)?;
            if lo > hi || *hi > 120 {
                return Err(format!(
                    "marginals: age band {lo}-{hi} is not a range of ages from 0 to 120"
                ));
            }
        }
        for (k, v) in [
            ("male_share", self.male_share),
            ("rural_share", self.rural_share),
            (
                "pregnant_share_women_20_39",
                self.pregnant_share_women_20_39,
            ),
            (
                "planning_pregnancy_share_20_44",
                self.planning_pregnancy_share_20_44,
            ),
            ("parent_share_25_plus", self.parent_share_25_plus),
            ("recent_graduate_21_24", self.recent_graduate_21_24),
            ("disability_rate", self.disability_rate),
            ("veteran_men_20_plus", self.veteran_men_20_plus),
            ("lives_alone_60_plus", self.lives_alone_60_plus),
            ("housing_difficulty_adults", self.housing_difficulty_adults),
            ("sudden_hardship", self.sudden_hardship),
        ] {
            share(k, v)?;
        }
        let keyed: [(&str, &BTreeMap<String, f64>, Option<&str>); 9] = [
            (
                "employment_working_age",
                &self.employment_working_age,
                Some("employment"),
            ),
            ("assistance", &self.assistance, Some("assistance")),
            (
                "disability_categories",
                &self.disability_categories,
                Some("disability"),
            ),
            (
                "chronic_35_plus",
                &self.chronic_35_plus,
                Some("chronic_conditions"),
            ),
            ("chronic_all", &self.chronic_all, Some("chronic_conditions")),
            (
                "military_family",
                &self.military_family,
                Some("military_family"),
            ),
            (
                "care_dependency_60_plus",
                &self.care_dependency_60_plus,
                Some("care_dependency"),
            ),
            (
                "family_planning_40_plus",
                &self.family_planning_40_plus,
                Some("family_planning"),
            ),
            (
                "child_in_difficulty_under_18",
                &self.child_in_difficulty_under_18,
                Some("child_in_difficulty"),
            ),
        ];
        for (k, map, field) in keyed {
            let sum: f64 = map.values().sum();
            if sum > 1.0 + 1e-9 && !k.starts_with("chronic") && k != "disability_categories" {
                return Err(format!(
                    "marginals: the shares in {k} sum to {sum}, more than 1"
                ));
            }
            for (key, v) in map {
                share(&format!("{k}.{key}"), *v)?;
                if let Some(f) = field.and_then(|f| schema.index(f)) {
                    if schema.field(f).choice(key).is_none() {
                        return Err(format!(
                            "marginals: {k}.{key}: '{key}' is not a value of {}",
                            schema.field(f).name
                        ));
                    }
                }
            }
        }
        Ok(())
    }
}

/// One community to synthesize: its code and head counts.
#[derive(Debug, Clone)]
pub struct CommunityCount {
    /// 12-digit code.
    pub code: String,
    /// 户籍人口.
    pub hukou: u64,
    /// 常住人口 (includes the registered residents who live here).
    pub permanent: u64,
    /// 服务人口: everyone synthesized.
    pub served: u64,
}

/// SplitMix64: small, fast and good enough for drawing a population; its stream is fixed
/// by the seed, which is what reproducibility needs.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A stream from a seed.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// Next 64 random bits.
    pub fn bits(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn f(&mut self) -> f64 {
        (self.bits() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.f() < p
    }

    /// Uniform integer in `[lo, hi]`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.f() * (hi - lo + 1) as f64) as i64
    }
}

/// A seed for one community's stream: FNV-1a of the code mixed with the run's seed.
fn community_seed(seed: u64, code: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in code.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    h ^ seed.wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// Field indices the synthesizer fills, resolved once.
struct Slots {
    birth: Option<usize>,
    sex: Option<usize>,
    residency: Option<usize>,
    community: Option<usize>,
    rural: Option<usize>,
    pregnant: Option<usize>,
    planning: Option<usize>,
    children: Option<usize>,
    school: Option<usize>,
    employment: Option<usize>,
    graduate: Option<usize>,
    assistance: Option<usize>,
    hardship: Option<usize>,
    disability: Option<usize>,
    grade: Option<usize>,
    veteran: Option<usize>,
    military: Option<usize>,
    chronic: Option<usize>,
    alone: Option<usize>,
    care: Option<usize>,
    housing: Option<usize>,
    planning_family: Option<usize>,
    difficulty: Option<usize>,
}

/// Choice index of a key, 0 when the schema lacks it (checked by [`Marginals::check`]).
fn choice(schema: &Schema, field: Option<usize>, key: &str) -> i64 {
    field.and_then(|f| schema.field(f).choice(key)).unwrap_or(0) as i64
}

/// Picks a key by shares; `None` (the remainder) when the draw falls past them.
fn pick<'a>(rng: &mut Rng, shares: &'a BTreeMap<String, f64>, scale: f64) -> Option<&'a str> {
    let mut x = rng.f();
    for (k, s) in shares {
        let s = s * scale;
        if x < s {
            return Some(k);
        }
        x -= s;
    }
    None
}

/// Draws a population of `communities` as of `at` (a reference date: ages are counted to
/// it), reproducibly from `seed`.
pub fn synthesize(
    schema: &Schema,
    m: &Marginals,
    communities: &[CommunityCount],
    at: Ymd,
    seed: u64,
) -> Population {
    let idx = |n: &str| schema.index(n).filter(|&i| schema.field(i).is_stored());
    let s = Slots {
        birth: idx("birth_date"),
        sex: idx("sex"),
        residency: idx("residency"),
        community: idx("community"),
        rural: idx("rural"),
        pregnant: idx("pregnant"),
        planning: idx("planning_pregnancy"),
        children: idx("children"),
        school: idx("school_stage"),
        employment: idx("employment"),
        graduate: idx("recent_graduate"),
        assistance: idx("assistance"),
        hardship: idx("sudden_hardship"),
        disability: idx("disability"),
        grade: idx("disability_grade"),
        veteran: idx("veteran"),
        military: idx("military_family"),
        chronic: idx("chronic_conditions"),
        alone: idx("lives_alone"),
        care: idx("care_dependency"),
        housing: idx("housing_difficulty"),
        planning_family: idx("family_planning"),
        difficulty: idx("child_in_difficulty"),
    };
    // Every other field: its default, else its first value.
    let mut base = FastRow::new(schema);
    for (i, f) in schema.fields().iter().enumerate() {
        base.values[i] = gongfu_rules::store::default_number(&f.ty, f.default.as_ref());
    }
    let total: u64 = communities.iter().map(|c| c.served).sum();
    let mut b = PopulationBuilder::new(schema);
    b.reserve(total as usize);
    let at_days = date::to_days(at);
    let cum_bands: Vec<(u32, u32, f64)> = {
        let mut acc = 0.0;
        m.age_bands
            .iter()
            .map(|&(lo, hi, sh)| {
                acc += sh;
                (lo, hi, acc)
            })
            .collect()
    };
    let retire = |male: bool| {
        *m.retirement_age
            .get(if male { "male" } else { "female" })
            .unwrap_or(&60)
    };
    let school = |k: &str| *m.school.get(k).unwrap_or(&0.0);
    let factor = |k: &str| *m.disability_age_factor.get(k).unwrap_or(&1.0);
    let mut row = base.clone();
    for c in communities {
        let g = b.region(&c.code);
        let mut rng = Rng::new(community_seed(seed, &c.code));
        let served = c.served.max(1) as f64;
        let hukou_share = c.hukou as f64 / served;
        let permanent_share = c.permanent.max(c.hukou) as f64 / served;
        for _ in 0..c.served {
            row.values.copy_from_slice(&base.values);
            row.counts.iter_mut().for_each(|x| *x = 0);
            let set = |row: &mut FastRow, f: Option<usize>, v: i64| {
                if let Some(f) = f {
                    row.values[f] = v;
                }
            };
            set(&mut row, s.community, i64::from(g));
            let r = rng.f();
            let residency = if r < hukou_share {
                "hukou"
            } else if r < permanent_share {
                "permanent"
            } else {
                "served"
            };
            set(
                &mut row,
                s.residency,
                choice(schema, s.residency, residency),
            );
            // Age: a band by its share, uniform within the band, a uniform day of the year.
            let x = rng.f();
            let band = cum_bands
                .iter()
                .find(|b| x < b.2)
                .or(cum_bands.last())
                .copied()
                .unwrap_or((30, 30, 1.0));
            let age = rng.range(i64::from(band.0), i64::from(band.1)) as u32;
            let birth_days = at_days - i64::from(age) * 36525 / 100 - rng.range(0, 364);
            let birth = date::from_days(birth_days).min(at);
            let age = date::years_between(birth, at).max(0) as u32;
            set(&mut row, s.birth, i64::from(birth));
            let male = rng.chance(m.male_share);
            set(
                &mut row,
                s.sex,
                choice(schema, s.sex, if male { "male" } else { "female" }),
            );
            let rural = rng.chance(m.rural_share);
            set(&mut row, s.rural, i64::from(rural));
            // School by age.
            let stage = match age {
                0..=2 if rng.chance(school("nursery_under_3")) => "nursery",
                3..=5 if rng.chance(school("preschool_3_5")) => "preschool",
                6..=11 => "primary",
                12..=14 => "junior",
                15..=17 => {
                    let y = rng.f();
                    if y < school("senior_15_17") {
                        "senior"
                    } else if y < school("senior_15_17") + school("vocational_15_17") {
                        "vocational"
                    } else {
                        "none"
                    }
                }
                18..=22 if rng.chance(school("higher_18_22")) => "higher",
                _ => "none",
            };
            set(&mut row, s.school, choice(schema, s.school, stage));
            let employment = if age < 16 {
                "none"
            } else if stage != "none" {
                "student"
            } else if age >= retire(male) {
                if rng.chance(0.9) {
                    "retired"
                } else {
                    "not_working"
                }
            } else {
                pick(&mut rng, &m.employment_working_age, 1.0).unwrap_or("not_working")
            };
            set(
                &mut row,
                s.employment,
                choice(schema, s.employment, employment),
            );
            if (21..=24).contains(&age) && stage == "none" {
                set(
                    &mut row,
                    s.graduate,
                    i64::from(rng.chance(m.recent_graduate_21_24)),
                );
            }
            if !male && (20..=39).contains(&age) && rng.chance(m.pregnant_share_women_20_39) {
                set(&mut row, s.pregnant, 1);
            } else if (20..=44).contains(&age) && rng.chance(m.planning_pregnancy_share_20_44) {
                set(&mut row, s.planning, 1);
            }
            // Children born when the parent was 23 to 38, two to four years apart.
            if let Some(f) = s.children {
                if age >= 25 && rng.chance(m.parent_share_25_plus) {
                    let y = rng.f();
                    let mut acc = 0.0;
                    let mut n = m.children_count_shares.len();
                    for (i, sh) in m.children_count_shares.iter().enumerate() {
                        acc += sh;
                        if y < acc {
                            n = i + 1;
                            break;
                        }
                    }
                    let mut born = birth_days + rng.range(23, 30) * 365;
                    let (mut youngest, mut count) = (0u32, 0u16);
                    for _ in 0..n {
                        if born > at_days {
                            break;
                        }
                        youngest = date::from_days(born);
                        count += 1;
                        born += rng.range(2, 4) * 365 + rng.range(0, 364);
                    }
                    row.values[f] = i64::from(youngest);
                    row.counts[f] = count;
                }
            }
            if let Some(k) = pick(&mut rng, &m.assistance, 1.0) {
                set(&mut row, s.assistance, choice(schema, s.assistance, k));
            }
            set(
                &mut row,
                s.hardship,
                i64::from(rng.chance(m.sudden_hardship)),
            );
            let f = match age {
                0..=17 => factor("under_18"),
                18..=59 => factor("18_59"),
                _ => factor("60_plus"),
            };
            if rng.chance(m.disability_rate * f) {
                let scale = 1.0 / m.disability_categories.values().sum::<f64>().max(1e-9);
                let cat = pick(&mut rng, &m.disability_categories, scale).unwrap_or("physical");
                set(&mut row, s.disability, choice(schema, s.disability, cat));
                let y = rng.f();
                let mut acc = 0.0;
                let mut grade = 4;
                for (i, sh) in m.disability_grades.iter().enumerate() {
                    acc += sh;
                    if y < acc {
                        grade = i as i64 + 1;
                        break;
                    }
                }
                set(&mut row, s.grade, grade);
            }
            if male && age >= 20 {
                set(
                    &mut row,
                    s.veteran,
                    i64::from(rng.chance(m.veteran_men_20_plus)),
                );
            }
            if let Some(k) = pick(&mut rng, &m.military_family, 1.0) {
                set(&mut row, s.military, choice(schema, s.military, k));
            }
            let mut chronic = 0i64;
            if age >= 35 {
                // Prevalence rises with age: half the rate at 35, twice it at 75.
                let scale = (0.5 + (f64::from(age) - 35.0) / 40.0 * 1.5).min(2.0);
                for (k, p) in &m.chronic_35_plus {
                    if rng.chance(p * scale) {
                        chronic |= 1 << choice(schema, s.chronic, k);
                    }
                }
            }
            for (k, p) in &m.chronic_all {
                if rng.chance(*p) {
                    chronic |= 1 << choice(schema, s.chronic, k);
                }
            }
            set(&mut row, s.chronic, chronic);
            if age >= 60 {
                set(
                    &mut row,
                    s.alone,
                    i64::from(rng.chance(m.lives_alone_60_plus)),
                );
                if let Some(k) = pick(&mut rng, &m.care_dependency_60_plus, 1.0) {
                    set(&mut row, s.care, choice(schema, s.care, k));
                }
            }
            if age >= 18 {
                set(
                    &mut row,
                    s.housing,
                    i64::from(rng.chance(m.housing_difficulty_adults)),
                );
            }
            if age >= 40 {
                if let Some(k) = pick(&mut rng, &m.family_planning_40_plus, 1.0) {
                    set(
                        &mut row,
                        s.planning_family,
                        choice(schema, s.planning_family, k),
                    );
                }
            }
            if age < 18 {
                if let Some(k) = pick(&mut rng, &m.child_in_difficulty_under_18, 1.0) {
                    // Left-behind children (留守儿童) are rural by definition.
                    if k != "left_behind" || rural {
                        set(&mut row, s.difficulty, choice(schema, s.difficulty, k));
                    }
                }
            }
            b.push_fast(&row);
        }
    }
    b.finish()
}
