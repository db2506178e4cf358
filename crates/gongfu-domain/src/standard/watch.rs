//! What the registry says about itself on a given day: coverage of a list version, the
//! standards due for review, and everything that a withdrawn or superseded standard leaves
//! hanging, transitively. Pure functions of the registry, the list and the date.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use time::{Date, Duration};

use super::model::{Origin, Standard};
use super::number::StandardNumber;
use crate::catalog::{ItemCode, ServiceItem, Taxonomy};

/// Coverage of one area (or the whole list).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AreaCoverage {
    /// Area number.
    pub area_no: u32,
    /// Area name.
    pub area: String,
    /// Items in the area.
    pub items: usize,
    /// Items with at least one standard in force.
    pub covered: usize,
    /// covered / items (0 for an empty area).
    pub rate: f64,
}

/// 标准覆盖率 of a list version: items with at least one standard in force / all items.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Coverage {
    /// The overall rate, 0.0-1.0.
    pub overall: f64,
    /// Items in the version.
    pub items: usize,
    /// Items covered.
    pub covered: usize,
    /// Per area, in taxonomy order.
    pub by_area: Vec<AreaCoverage>,
    /// Codes of the items without a standard in force, in list order.
    pub uncovered: Vec<ItemCode>,
}

fn rate(covered: usize, total: usize) -> f64 {
    if total == 0 {
        0.0
    } else {
        covered as f64 / total as f64
    }
}

/// Coverage of `items` by the standards in force on `today`.
pub fn coverage(
    taxonomy: &Taxonomy,
    items: &[ServiceItem],
    standards: &[Standard],
    today: Date,
) -> Coverage {
    let in_force: BTreeSet<&ItemCode> = standards
        .iter()
        .filter(|s| s.in_force(today))
        .flat_map(|s| s.items.iter())
        .collect();
    let mut by_area: Vec<AreaCoverage> = taxonomy
        .areas
        .iter()
        .map(|a| AreaCoverage {
            area_no: a.no,
            area: a.name.clone(),
            items: 0,
            covered: 0,
            rate: 0.0,
        })
        .collect();
    let mut uncovered = vec![];
    for item in items {
        let covered = in_force.contains(&item.code);
        if let Some(a) = by_area.iter_mut().find(|a| a.area_no == item.area_no) {
            a.items += 1;
            a.covered += covered as usize;
        }
        if !covered {
            uncovered.push(item.code.clone());
        }
    }
    for a in &mut by_area {
        a.rate = rate(a.covered, a.items);
    }
    let covered = items.len() - uncovered.len();
    Coverage {
        overall: rate(covered, items.len()),
        items: items.len(),
        covered,
        by_area,
        uncovered,
    }
}

/// A standard whose periodic review (复审) is due soon or overdue.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReviewDue {
    /// The standard.
    pub number: StandardNumber,
    /// Its title.
    pub title: String,
    /// When the review is due.
    pub due: Date,
    /// Days until due (negative: overdue by that many days).
    pub days_left: i64,
}

/// A standard that is no longer in force, and what replaced it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Gone {
    /// The standard.
    pub number: StandardNumber,
    /// Its title, when the registry holds it.
    pub title: String,
    /// `withdrawn` or `superseded`.
    pub why: &'static str,
    /// The replacing standard, if any.
    pub replaced_by: Option<StandardNumber>,
}

/// A standard that references a gone standard, directly or through others.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AffectedStandard {
    /// The standard.
    pub number: StandardNumber,
    /// Its title.
    pub title: String,
    /// The chain of references from this standard to the gone one, nearest first; the last
    /// entry is gone.
    pub via: Vec<StandardNumber>,
}

/// A list item that relies on a gone or affected standard.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AffectedItem {
    /// The item's code.
    pub code: ItemCode,
    /// Its name in the list version examined (empty when the version lacks it).
    pub name: String,
    /// The standards at fault it relies on.
    pub standards: Vec<StandardNumber>,
}

/// Everything that needs attention on a day (the "needs attention" page).
///
/// Reviews are the district's task only for the standards it made (自建): a cited national,
/// sector, provincial or group standard is reviewed by whoever issued it. Those are not
/// "ours to review" but "to watch for supersession": once one has reached its review age, a
/// new edition may replace it, and the registry should say so when it does.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Attention {
    /// Self-built, in force, review overdue: ours to review.
    pub review_overdue: Vec<ReviewDue>,
    /// Self-built, in force, review due within the warning window: ours to review.
    pub review_due: Vec<ReviewDue>,
    /// Cited, in force, past the date its issuer's review was due: not ours to review, but
    /// to watch for a new edition that supersedes it. Not counted in [`Attention::len`].
    pub supersession_watch: Vec<ReviewDue>,
    /// Withdrawn or superseded standards that anything still points at, or that the registry
    /// holds.
    pub gone: Vec<Gone>,
    /// Standards that reference gone standards, directly or transitively.
    pub affected_standards: Vec<AffectedStandard>,
    /// Items relying on gone or affected standards.
    pub affected_items: Vec<AffectedItem>,
}

impl Attention {
    /// How many things need the district to act: its own reviews, gone standards and what
    /// they leave hanging (the supersession watch is for reading, not counted).
    pub fn len(&self) -> usize {
        self.review_overdue.len()
            + self.review_due.len()
            + self.gone.len()
            + self.affected_standards.len()
            + self.affected_items.len()
    }

    /// Whether nothing needs attention.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The registry indexed for resolving references.
struct Index<'a> {
    by_number: BTreeMap<&'a StandardNumber, &'a Standard>,
    /// Editions by undated number, newest first.
    editions: BTreeMap<StandardNumber, Vec<&'a Standard>>,
    /// Numbers gone on the day, with why and the replacement.
    gone: BTreeMap<StandardNumber, (&'static str, Option<StandardNumber>)>,
}

impl<'a> Index<'a> {
    fn new(standards: &'a [Standard], today: Date) -> Self {
        let by_number: BTreeMap<_, _> = standards.iter().map(|s| (&s.number, s)).collect();
        let mut editions: BTreeMap<StandardNumber, Vec<&Standard>> = BTreeMap::new();
        for s in standards {
            editions.entry(s.number.undated()).or_default().push(s);
        }
        for v in editions.values_mut() {
            v.sort_by_key(|s| std::cmp::Reverse(s.number.year()));
        }
        let mut gone = BTreeMap::new();
        for s in standards {
            if s.stage.is_gone() {
                let why = if s.stage == super::model::Stage::Superseded || s.superseded_by.is_some()
                {
                    "superseded"
                } else {
                    "withdrawn"
                };
                gone.insert(s.number.clone(), (why, s.superseded_by.clone()));
            } else if let Some(by) = &s.superseded_by {
                // Marked as replaced but still in an in-force stage: replaced once the
                // replacement is in force, or when the registry does not hold it.
                if by_number.get(by).is_none_or(|t| t.in_force(today)) {
                    gone.insert(s.number.clone(), ("superseded", Some(by.clone())));
                }
            }
        }
        // A standard in force that replaces others retires them, registered or not.
        for t in standards.iter().filter(|t| t.in_force(today)) {
            for old in &t.supersedes {
                let e = gone.entry(old.clone()).or_insert(("superseded", None));
                e.0 = "superseded";
                e.1.get_or_insert_with(|| t.number.clone());
            }
        }
        Index {
            by_number,
            editions,
            gone,
        }
    }

    /// The number a reference points at: a dated reference names its edition; an undated one
    /// the newest edition in force, else the newest edition known.
    fn resolve(&self, r: &StandardNumber, today: Date) -> StandardNumber {
        if r.year().is_some() {
            return r.clone();
        }
        match self.editions.get(r) {
            Some(eds) => eds
                .iter()
                .find(|s| s.in_force(today))
                .or(eds.first())
                .map(|s| s.number.clone())
                .unwrap_or_else(|| r.clone()),
            None => r.clone(),
        }
    }
}

/// The lifecycle watch on `today`: reviews due within `warn_days` or overdue, gone standards,
/// and what they leave hanging, transitively through references and on to the items.
pub fn attention(
    standards: &[Standard],
    items: &[ServiceItem],
    today: Date,
    warn_days: i64,
) -> Attention {
    let idx = Index::new(standards, today);
    let mut review_overdue = vec![];
    let mut review_due = vec![];
    let mut supersession_watch = vec![];
    for s in standards {
        if idx.gone.contains_key(&s.number) {
            continue;
        }
        if let Some(due) = s.review_due(today) {
            let days_left = (due - today).whole_days();
            let r = ReviewDue {
                number: s.number.clone(),
                title: s.title.clone(),
                due,
                days_left,
            };
            if s.origin == Origin::Cited {
                if due <= today {
                    supersession_watch.push(r);
                }
            } else if due < today {
                review_overdue.push(r);
            } else if due <= today + Duration::days(warn_days) {
                review_due.push(r);
            }
        }
    }
    for v in [
        &mut review_overdue,
        &mut review_due,
        &mut supersession_watch,
    ] {
        v.sort_by_key(|r| (r.due, r.number.clone()));
    }

    // Reverse reference graph: who references each (resolved) number.
    let mut referenced_by: BTreeMap<StandardNumber, Vec<&Standard>> = BTreeMap::new();
    for s in standards {
        for r in &s.references {
            referenced_by
                .entry(idx.resolve(r, today))
                .or_default()
                .push(s);
        }
    }
    // Breadth first from every gone number, so each affected standard gets its shortest
    // chain.
    let mut affected: BTreeMap<StandardNumber, AffectedStandard> = BTreeMap::new();
    let mut queue: VecDeque<(StandardNumber, Vec<StandardNumber>)> = idx
        .gone
        .keys()
        .map(|n| (n.clone(), vec![n.clone()]))
        .collect();
    while let Some((n, chain)) = queue.pop_front() {
        for s in referenced_by.get(&n).into_iter().flatten() {
            if idx.gone.contains_key(&s.number) || affected.contains_key(&s.number) {
                continue;
            }
            affected.insert(
                s.number.clone(),
                AffectedStandard {
                    number: s.number.clone(),
                    title: s.title.clone(),
                    via: chain.clone(),
                },
            );
            let mut next = vec![s.number.clone()];
            next.extend(chain.iter().cloned());
            queue.push_back((s.number.clone(), next));
        }
    }
    // Gone standards worth listing: registered ones, and unregistered ones still referenced.
    let gone: Vec<Gone> = idx
        .gone
        .iter()
        .filter(|(n, _)| idx.by_number.contains_key(n) || referenced_by.contains_key(*n))
        .map(|(n, (why, by))| Gone {
            number: n.clone(),
            title: idx
                .by_number
                .get(n)
                .map(|s| s.title.clone())
                .unwrap_or_default(),
            why,
            replaced_by: by.clone(),
        })
        .collect();
    let names: BTreeMap<&ItemCode, &str> =
        items.iter().map(|i| (&i.code, i.name.as_str())).collect();
    let mut by_item: BTreeMap<ItemCode, Vec<StandardNumber>> = BTreeMap::new();
    for s in standards {
        if idx.gone.contains_key(&s.number) || affected.contains_key(&s.number) {
            for code in &s.items {
                by_item
                    .entry(code.clone())
                    .or_default()
                    .push(s.number.clone());
            }
        }
    }
    let order: BTreeMap<&ItemCode, usize> = items
        .iter()
        .enumerate()
        .map(|(i, it)| (&it.code, i))
        .collect();
    let mut affected_items: Vec<AffectedItem> = by_item
        .into_iter()
        .map(|(code, standards)| AffectedItem {
            name: names.get(&code).map(|n| n.to_string()).unwrap_or_default(),
            code,
            standards,
        })
        .collect();
    affected_items.sort_by_key(|a| {
        (
            order.get(&a.code).copied().unwrap_or(usize::MAX),
            a.code.clone(),
        )
    });
    Attention {
        review_overdue,
        review_due,
        supersession_watch,
        gone,
        affected_standards: affected.into_values().collect(),
        affected_items,
    }
}

/// Finds a cycle of supersession (A replaces B replaces A), which no real history has:
/// returns the numbers around it, first repeated at the end.
pub fn supersession_cycle(standards: &[Standard]) -> Option<Vec<StandardNumber>> {
    let mut edges: BTreeMap<&StandardNumber, BTreeSet<&StandardNumber>> = BTreeMap::new();
    for s in standards {
        for old in &s.supersedes {
            edges.entry(&s.number).or_default().insert(old);
        }
        if let Some(new) = &s.superseded_by {
            edges.entry(new).or_default().insert(&s.number);
        }
    }
    // Iterative depth-first search with colours: 1 on the stack, 2 done.
    let mut colour: BTreeMap<&StandardNumber, u8> = BTreeMap::new();
    let starts: Vec<&StandardNumber> = edges.keys().copied().collect();
    for start in starts {
        if colour.contains_key(start) {
            continue;
        }
        let mut stack: Vec<(&StandardNumber, Vec<&StandardNumber>)> = vec![(
            start,
            edges
                .get(start)
                .map(|e| e.iter().copied().collect())
                .unwrap_or_default(),
        )];
        colour.insert(start, 1);
        while let Some((node, rest)) = stack.last_mut() {
            let node = *node;
            match rest.pop() {
                Some(next) => match colour.get(next) {
                    Some(1) => {
                        let mut cycle: Vec<StandardNumber> = stack
                            .iter()
                            .map(|(n, _)| *n)
                            .skip_while(|n| *n != next)
                            .cloned()
                            .collect();
                        cycle.push(next.clone());
                        return Some(cycle);
                    }
                    Some(_) => {}
                    None => {
                        colour.insert(next, 1);
                        let out = edges
                            .get(next)
                            .map(|e| e.iter().copied().collect())
                            .unwrap_or_default();
                        stack.push((next, out));
                    }
                },
                None => {
                    colour.insert(node, 2);
                    stack.pop();
                }
            }
        }
    }
    None
}
