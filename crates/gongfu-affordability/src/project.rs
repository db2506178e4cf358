//! Population projection: a population moved on by a year, cohort by cohort.
//!
//! Ageing needs no work: persons carry birth dates, so evaluating the rules on a later
//! reference date ages everyone exactly (a person who turns 65 in March counts as 65 from
//! then on). What a year changes is who is there: deaths by age band, births per
//! community at the birth rate (newborns drawn by the synthesizer, so they take the
//! community's residency mix, each the youngest child of a mother and a father of the
//! community), pregnancies (those who will give birth in the next 280 days), and net
//! migration (positive: copies of residents of the same community move in, keeping their
//! characteristics; negative: residents drawn at random move away). The birth rate, when
//! not given, is the population's own. Every draw comes from a stream fixed by the seed,
//! the year and the community, so a projection is reproducible.

use gongfu_rules::date::{self, Ymd};
use gongfu_rules::population::Column;
use gongfu_rules::schema::Value;
use gongfu_rules::store::gather_edited;
use gongfu_rules::{Population, Schema};
use std::collections::{HashMap, HashSet};

use gongfu_eligibility::synth::{synthesize, CommunityCount, Marginals, Rng};

/// Rates a projection applies each year, as data (a run's request carries them).
#[derive(Debug, Clone, PartialEq, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Rates {
    /// Live births per person per year (e.g. 0.0085 for 8.5‰). When absent, the
    /// population's own ([`observed_birth_rate`]: persons under 1 per person on its
    /// reference date), so a projection continues the births the population shows
    /// instead of a figure that disagrees with it; 0.0085 when it has no infants.
    #[serde(default)]
    pub birth_rate: Option<f64>,
    /// Net migration per person per year (positive: more move in than out).
    #[serde(default)]
    pub net_migration_rate: f64,
    /// Deaths per person per year by age band: `[from, to, rate]`, whole years.
    #[serde(default = "default_death_rates")]
    pub death_rates: Vec<(u32, u32, f64)>,
}

/// The birth rate used when none is given and the population shows no infants.
pub const FALLBACK_BIRTH_RATE: f64 = 0.0085;

/// Births per person per year as a population shows them on `at`: persons under 1 per
/// person (infant deaths aside, the births of the year before). `None` when it has nobody
/// under 1 (an imported table without children) or no birth dates.
pub fn observed_birth_rate(schema: &Schema, pop: &Population, at: Ymd) -> Option<f64> {
    let f = schema.index("birth_date")?;
    let Some(Column::Date(births)) = pop.column(f) else {
        return None;
    };
    let infants = births
        .iter()
        .filter(|&&b| b <= at && date::years_between(b, at) == 0)
        .count();
    (infants > 0).then(|| (infants as f64 / pop.len() as f64).min(0.1))
}

// Illustrative (示例) rates of the order of a young, low-mortality city's; a district
// replaces them with its own life table.
fn default_death_rates() -> Vec<(u32, u32, f64)> {
    vec![
        (0, 0, 0.002),
        (1, 39, 0.0004),
        (40, 59, 0.002),
        (60, 69, 0.008),
        (70, 79, 0.022),
        (80, 89, 0.07),
        (90, 120, 0.18),
    ]
}

impl Default for Rates {
    fn default() -> Self {
        Rates {
            birth_rate: None,
            net_migration_rate: 0.0,
            death_rates: default_death_rates(),
        }
    }
}

impl Rates {
    /// Every rate within reason; errors name the key.
    pub fn check(&self) -> Result<(), String> {
        if let Some(b) = self.birth_rate.filter(|b| !(0.0..=0.1).contains(b)) {
            return Err(format!(
                "projection.birth_rate = {b} is not a rate per person per year from 0 to 0.1 (write 0.0085 for 8.5‰)"
            ));
        }
        if !(-0.5..=0.5).contains(&self.net_migration_rate) {
            return Err(format!(
                "projection.net_migration_rate = {} is not a rate per person per year from -0.5 to 0.5",
                self.net_migration_rate
            ));
        }
        for (lo, hi, r) in &self.death_rates {
            if lo > hi || *hi > 120 || !(0.0..=1.0).contains(r) {
                return Err(format!(
                    "projection.death_rates: [{lo}, {hi}, {r}] is not [from age, to age, rate 0..1]"
                ));
            }
        }
        Ok(())
    }

    /// These rates with the birth rate filled in: the one given, else the population's
    /// own on `at` ([`observed_birth_rate`]), else [`FALLBACK_BIRTH_RATE`]; and where the
    /// birth rate came from.
    pub fn resolve(&self, schema: &Schema, pop: &Population, at: Ymd) -> (Rates, BirthRateSource) {
        let (rate, source) = match self.birth_rate {
            Some(b) => (b, BirthRateSource::Given),
            None => match observed_birth_rate(schema, pop, at) {
                Some(b) => (b, BirthRateSource::Population),
                None => (FALLBACK_BIRTH_RATE, BirthRateSource::Fallback),
            },
        };
        (
            Rates {
                birth_rate: Some(rate),
                ..self.clone()
            },
            source,
        )
    }

    /// Whether the death rates are the shipped illustrative ones.
    pub fn default_deaths(&self) -> bool {
        self.death_rates == default_death_rates()
    }

    fn death_rate(&self, age: i64) -> f64 {
        self.death_rates
            .iter()
            .find(|(lo, hi, _)| (i64::from(*lo)..=i64::from(*hi)).contains(&age))
            .map_or(0.0, |b| b.2)
    }
}

/// Where a run's birth rate came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BirthRateSource {
    /// The request gave it.
    Given,
    /// The population's persons under 1 ([`observed_birth_rate`]).
    Population,
    /// [`FALLBACK_BIRTH_RATE`]: none given, and the population shows no infants.
    Fallback,
}

/// Draws a count with expectation `n * rate` (the fraction decided by a draw, so small
/// communities still see births).
fn draw_count(rng: &mut Rng, n: usize, rate: f64) -> usize {
    let x = n as f64 * rate.abs();
    let whole = x.floor();
    whole as usize + usize::from(rng.chance(x - whole))
}

/// A pregnancy's length as a share of a year (40 weeks): the women pregnant on a
/// reference date are those who give birth in the 280 days after it, so a year's births
/// times this is the number pregnant on any date of it.
pub const PREGNANCY_YEARS: f64 = 280.0 / 365.0;

/// Ages (on the reference date) at which a woman may be pregnant or give birth in a
/// projection: the band the synthesizer draws pregnancies in.
pub const MOTHER_AGES: std::ops::RangeInclusive<i64> = 20..=39;

/// Ages (on the reference date) of the fathers a projection links its newborns to.
pub const FATHER_AGES: std::ops::RangeInclusive<i64> = 22..=55;

/// Up to `n` of `pool`, drawn without replacement (a partial shuffle) and taken out of it.
fn draw_from(rng: &mut Rng, pool: &mut Vec<usize>, n: usize) -> Vec<usize> {
    let n = n.min(pool.len());
    for k in 0..n {
        let j = rng.range(k as i64, pool.len() as i64 - 1) as usize;
        pool.swap(k, j);
    }
    pool.drain(..n).collect()
}

/// The fields a projection reads and writes, resolved once.
struct Slots {
    birth: Option<usize>,
    residency: Option<usize>,
    sex: Option<usize>,
    female: Option<u8>,
    male: Option<u8>,
    pregnant: Option<usize>,
    children: Option<usize>,
}

impl Slots {
    fn of(schema: &Schema) -> Self {
        let sex = schema.index("sex");
        let choice = |k: &str| {
            sex.and_then(|f| schema.field(f).choice(k))
                .and_then(|c| u8::try_from(c).ok())
        };
        Slots {
            birth: schema.index("birth_date"),
            residency: schema.index("residency"),
            sex,
            female: choice("female"),
            male: choice("male"),
            pregnant: schema.index("pregnant"),
            children: schema.index("children"),
        }
    }

    fn age(&self, pop: &Population, i: usize, at: Ymd) -> Option<i64> {
        match pop.row_value(self.birth?, i) {
            Some(Value::Date(b)) => Some(date::years_between(b, at)),
            _ => None,
        }
    }

    fn is(&self, pop: &Population, i: usize, sex: Option<u8>) -> bool {
        matches!((self.sex.and_then(|f| pop.row_value(f, i)), sex), (Some(Value::Enum(e)), Some(s)) if e == s)
    }

    fn pregnant(&self, pop: &Population, i: usize) -> bool {
        self.pregnant
            .is_some_and(|f| pop.row_value(f, i) == Some(Value::Bool(true)))
    }
}

/// The population one year after `from` (a reference date), ready to be evaluated on
/// `to` (normally a year later).
///
/// Births are linked to parents, so what a rule asks of a parent (the youngest child's
/// age: childcare for the under-3s, care after a birth) carries forward: each newborn is
/// the youngest child of a mother (first the women pregnant on `from`, who give birth
/// within the year; then women of [`MOTHER_AGES`] drawn at random) and of a father
/// ([`FATHER_AGES`]) of the same community. Pregnancy is carried forward from the birth
/// rate: on `to`, last year's pregnancies have ended, and the women who will give birth
/// in the 280 days after it (the community's size x the birth rate x
/// [`PREGNANCY_YEARS`], drawn among women of [`MOTHER_AGES`] who did not just give
/// birth) are pregnant.
pub fn advance(
    schema: &Schema,
    marginals: &Marginals,
    pop: &Population,
    rates: &Rates,
    from: Ymd,
    to: Ymd,
    seed: u64,
) -> Population {
    let f = Slots::of(schema);
    let birth_rate = rates
        .resolve(schema, pop, from)
        .0
        .birth_rate
        .unwrap_or(FALLBACK_BIRTH_RATE);
    let mut keep: Vec<u32> = Vec::with_capacity(pop.len());
    // Each community's slice of `keep`, in population order.
    let mut kept: Vec<(String, std::ops::Range<usize>)> = Vec::new();
    let mut births: Vec<CommunityCount> = Vec::new();
    // Per community with births: each newborn's mother and father (positions in `keep`).
    let mut parents: HashMap<String, Vec<[Option<usize>; 2]>> = HashMap::new();
    // Positions in `keep` of the women pregnant on `to`.
    let mut expecting: HashSet<usize> = HashSet::new();
    for (g, range) in pop.groups() {
        let code = &pop.regions()[*g as usize];
        let mut rng = Rng::new(seed ^ u64::from(to).wrapping_mul(0x9E37_79B9) ^ fnv(code));
        let start = keep.len();
        let (mut hukou, mut permanent) = (0u64, 0u64);
        for i in range.clone() {
            let age = f.age(pop, i, from).unwrap_or(30);
            if rng.chance(rates.death_rate(age)) {
                continue;
            }
            keep.push(i as u32);
            if let Some(r) = f.residency {
                match pop.row_value(r, i) {
                    Some(Value::Enum(e)) if schema.field(r).choices[e as usize].key == "hukou" => {
                        hukou += 1;
                        permanent += 1;
                    }
                    Some(Value::Enum(e))
                        if schema.field(r).choices[e as usize].key == "permanent" =>
                    {
                        permanent += 1
                    }
                    _ => {}
                }
            }
        }
        let n = range.len();
        let moved = draw_count(&mut rng, n, rates.net_migration_rate);
        if rates.net_migration_rate > 0.0 && n > 0 {
            for _ in 0..moved {
                keep.push(range.start as u32 + rng.range(0, n as i64 - 1) as u32);
            }
        } else {
            for _ in 0..moved.min(keep.len() - start) {
                let stay = keep.len() - start;
                let k = start + rng.range(0, stay as i64 - 1) as usize;
                keep.swap_remove(k);
            }
        }
        kept.push((code.clone(), start..keep.len()));
        let born = draw_count(&mut rng, n, birth_rate);
        // Who is there to be a parent, or pregnant, among those who stayed.
        let (mut were_pregnant, mut women, mut men) = (vec![], vec![], vec![]);
        for (p, &i) in keep.iter().enumerate().skip(start) {
            let i = i as usize;
            let age = f.age(pop, i, from).unwrap_or(-1);
            if f.is(pop, i, f.female) {
                if f.pregnant(pop, i) {
                    were_pregnant.push(p);
                } else if MOTHER_AGES.contains(&age) {
                    women.push(p);
                }
            } else if f.is(pop, i, f.male) && FATHER_AGES.contains(&age) {
                men.push(p);
            }
        }
        if born > 0 {
            let stayed = (keep.len() - start).max(1) as u64;
            let b = born as u64;
            births.push(CommunityCount {
                code: code.clone(),
                hukou: b * hukou / stayed,
                permanent: b * permanent / stayed,
                served: b,
            });
            let mut mothers = draw_from(&mut rng, &mut were_pregnant, born);
            let rest = born - mothers.len();
            mothers.extend(draw_from(&mut rng, &mut women, rest));
            let fathers = draw_from(&mut rng, &mut men, born);
            parents.insert(
                code.clone(),
                (0..born)
                    .map(|j| [mothers.get(j).copied(), fathers.get(j).copied()])
                    .collect(),
            );
        }
        // Pregnant on `to`: women of the ages who did not give birth this year (the
        // mothers drawn above are no longer in the pools), aged on to `to`.
        let mut pool: Vec<usize> = were_pregnant
            .iter()
            .chain(&women)
            .copied()
            .filter(|&p| MOTHER_AGES.contains(&f.age(pop, keep[p] as usize, to).unwrap_or(-1)))
            .collect();
        let size = keep.len() - start + born;
        let n_expecting = draw_count(&mut rng, size, birth_rate * PREGNANCY_YEARS);
        expecting.extend(draw_from(&mut rng, &mut pool, n_expecting));
    }
    // Newborns: born in the year before `to`.
    let mut m = marginals.clone();
    m.age_bands = vec![(0, 0, 1.0)];
    let newborns = synthesize(schema, &m, &births, to, seed ^ u64::from(to));
    let born_in: HashMap<&str, std::ops::Range<usize>> = newborns
        .groups()
        .iter()
        .map(|(g, r)| (newborns.regions()[*g as usize].as_str(), r.clone()))
        .collect();
    // Each parent's newest child: the birth date of the newborn linked to them.
    let mut newest: HashMap<usize, Ymd> = HashMap::new();
    for (code, links) in &parents {
        let Some(r) = born_in.get(code.as_str()) else {
            continue;
        };
        for (j, pair) in links.iter().enumerate() {
            let Some(Value::Date(d)) = f.birth.and_then(|b| newborns.row_value(b, r.start + j))
            else {
                continue;
            };
            for p in pair.iter().flatten() {
                newest.insert(*p, d);
            }
        }
    }
    // Each community's residents, then its newborns: the result comes out grouped by
    // community already, so building it needs no reordering of every column.
    let all: Vec<u32> = (0..newborns.len() as u32).collect();
    let mut parts: Vec<(&Population, &[u32])> = Vec::with_capacity(kept.len() * 2);
    // For each part of residents, where its rows start in `keep`.
    let mut offsets: Vec<Option<usize>> = Vec::with_capacity(kept.len() * 2);
    for (code, r) in &kept {
        parts.push((pop, &keep[r.clone()]));
        offsets.push(Some(r.start));
        if let Some(b) = born_in.get(code.as_str()) {
            parts.push((&newborns, &all[b.clone()]));
            offsets.push(None);
        }
    }
    gather_edited(schema, &parts, |part, k, row| {
        let Some(start) = offsets[part] else {
            return;
        };
        let p = start + k;
        if let Some(pf) = f.pregnant {
            row.values[pf] = i64::from(expecting.contains(&p));
        }
        if let (Some(cf), Some(&d)) = (f.children, newest.get(&p)) {
            row.values[cf] = row.values[cf].max(i64::from(d));
            row.counts[cf] = row.counts[cf].saturating_add(1);
        }
    })
}

fn fnv(code: &str) -> u64 {
    code.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pop(schema: &Schema) -> Population {
        let c = vec![
            CommunityCount {
                code: "440399001001".into(),
                hukou: 4000,
                permanent: 8000,
                served: 10000,
            },
            CommunityCount {
                code: "440399002001".into(),
                hukou: 1000,
                permanent: 2000,
                served: 3000,
            },
        ];
        synthesize(schema, &Marginals::standard(), &c, 20260701, 7)
    }

    #[test]
    fn a_year_adds_births_removes_deaths_and_is_reproducible() {
        let schema = Schema::standard();
        let p = pop(&schema);
        let rates = Rates {
            birth_rate: Some(FALLBACK_BIRTH_RATE),
            ..Rates::default()
        };
        let a = advance(
            &schema,
            &Marginals::standard(),
            &p,
            &rates,
            20260701,
            20270701,
            1,
        );
        let b = advance(
            &schema,
            &Marginals::standard(),
            &p,
            &rates,
            20260701,
            20270701,
            1,
        );
        assert_eq!(a, b, "same seed, same projection");
        let births = (13000.0 * FALLBACK_BIRTH_RATE) as usize;
        let infants = |q: &Population| {
            let f = schema.index("birth_date").expect("birth_date");
            (0..q.len())
                .filter(|&i| matches!(q.row_value(f, i), Some(Value::Date(d)) if d > 20260701))
                .count()
        };
        assert!(
            infants(&a).abs_diff(births) <= 2,
            "{} born, want about {births}",
            infants(&a)
        );
        assert_eq!(infants(&p), 0);
        // Deaths: some, but far fewer than 1%.
        let died = p.len() + infants(&a) - a.len();
        assert!(died > 0 && died < 130, "{died} died");
    }

    #[test]
    fn each_newborn_has_a_mother_and_a_father_and_pregnancies_follow_the_birth_rate() {
        let schema = Schema::standard();
        let p = pop(&schema);
        let rates = Rates {
            birth_rate: Some(0.01),
            ..Rates::default()
        };
        let (from, to) = (20260701, 20270701);
        let a = advance(&schema, &Marginals::standard(), &p, &rates, from, to, 3);
        let f = Slots::of(&schema);
        let children = schema.index("children").expect("children");
        let born_this_year = |i: usize| match a.row_value(children, i) {
            Some(Value::DateList(d)) => d.first().is_some_and(|&d| d > from && d <= to),
            _ => false,
        };
        let newborns = (0..a.len())
            .filter(|&i| f.age(&a, i, to) == Some(0) && matches!(a.row_value(f.birth.unwrap_or(0), i), Some(Value::Date(d)) if d > from))
            .count();
        let mothers = (0..a.len())
            .filter(|&i| born_this_year(i) && f.is(&a, i, f.female))
            .count();
        let fathers = (0..a.len())
            .filter(|&i| born_this_year(i) && f.is(&a, i, f.male))
            .count();
        assert!(newborns > 100, "{newborns} born");
        assert_eq!(mothers, newborns, "one mother per newborn");
        assert_eq!(fathers, newborns, "one father per newborn");
        // Pregnant on `to`: the next 280 days' births, none of them a new mother.
        let pregnant: Vec<usize> = (0..a.len()).filter(|&i| f.pregnant(&a, i)).collect();
        let want = a.len() as f64 * 0.01 * PREGNANCY_YEARS;
        assert!(
            (pregnant.len() as f64 - want).abs() <= 3.0,
            "{} pregnant, want about {want:.0}",
            pregnant.len()
        );
        assert!(pregnant.iter().all(|&i| !born_this_year(i)
            && f.is(&a, i, f.female)
            && f.age(&a, i, to).is_some_and(|x| MOTHER_AGES.contains(&x))));
    }

    #[test]
    fn migration_moves_the_count_by_the_rate() {
        let schema = Schema::standard();
        let p = pop(&schema);
        let rates = Rates {
            birth_rate: Some(0.0),
            net_migration_rate: 0.05,
            death_rates: vec![],
        };
        let up = advance(
            &schema,
            &Marginals::standard(),
            &p,
            &rates,
            20260701,
            20270701,
            1,
        );
        assert!(up.len().abs_diff(13650) <= 2, "{}", up.len());
        let down = advance(
            &schema,
            &Marginals::standard(),
            &p,
            &Rates {
                net_migration_rate: -0.05,
                ..rates
            },
            20260701,
            20270701,
            1,
        );
        assert!(down.len().abs_diff(12350) <= 2, "{}", down.len());
        assert_eq!(up.groups().len(), 2);
    }

    #[test]
    fn bad_rates_name_the_key() {
        let r = Rates {
            birth_rate: Some(8.5),
            ..Rates::default()
        };
        assert!(r.check().unwrap_err().contains("birth_rate"));
    }
}
