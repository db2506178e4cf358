//! Population projection: a population moved on by a year, cohort by cohort.
//!
//! Ageing needs no work: persons carry birth dates, so evaluating the rules on a later
//! reference date ages everyone exactly (a person who turns 65 in March counts as 65 from
//! then on). What a year changes is who is there: deaths by age band, births per
//! community at the birth rate (newborns drawn by the synthesizer, so they take the
//! community's residency mix), and net migration (positive: copies of residents of the
//! same community move in, keeping their characteristics; negative: residents drawn at
//! random move away). Every draw comes from a stream fixed by the seed, the year and the
//! community, so a projection is reproducible.

use gongfu_rules::date::{self, Ymd};
use gongfu_rules::schema::Value;
use gongfu_rules::store::gather;
use gongfu_rules::{Population, Schema};

use gongfu_eligibility::synth::{synthesize, CommunityCount, Marginals, Rng};

/// Rates a projection applies each year, as data (a run's request carries them).
#[derive(Debug, Clone, PartialEq, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Rates {
    /// Live births per person per year (e.g. 0.0085 for 8.5‰).
    #[serde(default = "default_birth_rate")]
    pub birth_rate: f64,
    /// Net migration per person per year (positive: more move in than out).
    #[serde(default)]
    pub net_migration_rate: f64,
    /// Deaths per person per year by age band: `[from, to, rate]`, whole years.
    #[serde(default = "default_death_rates")]
    pub death_rates: Vec<(u32, u32, f64)>,
}

fn default_birth_rate() -> f64 {
    0.0085
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
            birth_rate: default_birth_rate(),
            net_migration_rate: 0.0,
            death_rates: default_death_rates(),
        }
    }
}

impl Rates {
    /// Every rate within reason; errors name the key.
    pub fn check(&self) -> Result<(), String> {
        if !(0.0..=0.1).contains(&self.birth_rate) {
            return Err(format!(
                "projection.birth_rate = {} is not a rate per person per year from 0 to 0.1 (write 0.0085 for 8.5‰)",
                self.birth_rate
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

    fn death_rate(&self, age: i64) -> f64 {
        self.death_rates
            .iter()
            .find(|(lo, hi, _)| (i64::from(*lo)..=i64::from(*hi)).contains(&age))
            .map_or(0.0, |b| b.2)
    }
}

/// Draws a count with expectation `n * rate` (the fraction decided by a draw, so small
/// communities still see births).
fn draw_count(rng: &mut Rng, n: usize, rate: f64) -> usize {
    let x = n as f64 * rate.abs();
    let whole = x.floor();
    whole as usize + usize::from(rng.chance(x - whole))
}

/// The population one year after `from` (a reference date), ready to be evaluated on
/// `to` (normally a year later).
pub fn advance(
    schema: &Schema,
    marginals: &Marginals,
    pop: &Population,
    rates: &Rates,
    from: Ymd,
    to: Ymd,
    seed: u64,
) -> Population {
    let birth_field = schema.index("birth_date");
    let residency = schema.index("residency");
    let mut keep: Vec<u32> = Vec::with_capacity(pop.len());
    // Each community's slice of `keep`, in population order.
    let mut kept: Vec<(String, std::ops::Range<usize>)> = Vec::new();
    let mut births: Vec<CommunityCount> = Vec::new();
    for (g, range) in pop.groups() {
        let code = &pop.regions()[*g as usize];
        let mut rng = Rng::new(seed ^ u64::from(to).wrapping_mul(0x9E37_79B9) ^ fnv(code));
        let start = keep.len();
        let (mut hukou, mut permanent) = (0u64, 0u64);
        for i in range.clone() {
            let age = birth_field
                .and_then(|f| match pop.row_value(f, i) {
                    Some(Value::Date(b)) => Some(date::years_between(b, from)),
                    _ => None,
                })
                .unwrap_or(30);
            if rng.chance(rates.death_rate(age)) {
                continue;
            }
            keep.push(i as u32);
            if let Some(f) = residency {
                match pop.row_value(f, i) {
                    Some(Value::Enum(e)) if schema.field(f).choices[e as usize].key == "hukou" => {
                        hukou += 1;
                        permanent += 1;
                    }
                    Some(Value::Enum(e))
                        if schema.field(f).choices[e as usize].key == "permanent" =>
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
        let born = draw_count(&mut rng, n, rates.birth_rate) as u64;
        if born > 0 {
            let stayed = (keep.len() - start).max(1) as u64;
            births.push(CommunityCount {
                code: code.clone(),
                hukou: born * hukou / stayed,
                permanent: born * permanent / stayed,
                served: born,
            });
        }
    }
    // Newborns: born in the year before `to`.
    let mut m = marginals.clone();
    m.age_bands = vec![(0, 0, 1.0)];
    let newborns = synthesize(schema, &m, &births, to, seed ^ u64::from(to));
    // Each community's residents, then its newborns: the result comes out grouped by
    // community already, so building it needs no reordering of every column.
    let all: Vec<u32> = (0..newborns.len() as u32).collect();
    let born_in: std::collections::HashMap<&str, std::ops::Range<usize>> = newborns
        .groups()
        .iter()
        .map(|(g, r)| (newborns.regions()[*g as usize].as_str(), r.clone()))
        .collect();
    let mut parts: Vec<(&Population, &[u32])> = Vec::with_capacity(kept.len() * 2);
    for (code, r) in &kept {
        parts.push((pop, &keep[r.clone()]));
        if let Some(b) = born_in.get(code.as_str()) {
            parts.push((&newborns, &all[b.clone()]));
        }
    }
    gather(schema, &parts)
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
        let rates = Rates::default();
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
        let births = (13000.0 * rates.birth_rate) as usize;
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
    fn migration_moves_the_count_by_the_rate() {
        let schema = Schema::standard();
        let p = pop(&schema);
        let rates = Rates {
            birth_rate: 0.0,
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
            birth_rate: 8.5,
            ..Rates::default()
        };
        assert!(r.check().unwrap_err().contains("birth_rate"));
    }
}
