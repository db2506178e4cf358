//! The microsimulation: a list version's rules over a population table, giving eligible
//! counts per item per community (and, summed, per sub-district and district).

use gongfu_rules::Population;

use crate::Compiled;

/// Eligible counts of one run.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Counts {
    /// List version.
    pub version: i64,
    /// Reference date (YYYY-MM-DD).
    pub date: String,
    /// Community codes, in population order.
    pub communities: Vec<String>,
    /// Persons per community.
    pub persons: Vec<u64>,
    /// Item codes with a rule, in list order.
    pub items: Vec<String>,
    /// `eligible[item][community]`.
    pub eligible: Vec<Vec<u64>>,
}

impl Counts {
    /// Eligible for an item over the whole population.
    pub fn total(&self, item: usize) -> u64 {
        self.eligible[item].iter().sum()
    }

    /// Eligible for an item within a region (a community, sub-district or district code),
    /// by the code's prefix.
    pub fn within(&self, item: usize, region: &str) -> u64 {
        let prefix = gongfu_rules::eval::region_prefix(region);
        self.communities
            .iter()
            .zip(&self.eligible[item])
            .filter(|(c, _)| c.starts_with(prefix))
            .map(|(_, n)| n)
            .sum()
    }
}

/// Runs every rule of `compiled` over `pop`.
pub fn run(compiled: &Compiled, pop: &Population) -> Counts {
    let eligible = compiled.program.counts(pop);
    Counts {
        version: compiled.snapshot.version.number,
        date: gongfu_rules::date::format(compiled.date),
        communities: pop
            .groups()
            .iter()
            .map(|(g, _)| pop.regions()[*g as usize].clone())
            .collect(),
        persons: pop
            .groups()
            .iter()
            .map(|(_, r)| (r.end - r.start) as u64)
            .collect(),
        items: compiled
            .items
            .iter()
            .map(|&i| compiled.snapshot.items[i].code.to_string())
            .collect(),
        eligible,
    }
}
