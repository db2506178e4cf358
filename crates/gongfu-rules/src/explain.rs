//! Reasons in plain Chinese, read off a rule's tests and the resident's answers.
//!
//! Each test has a phrase for when it holds and for its negation (`年满65周岁`,
//! `不满3周岁`, `户籍与居住：本区户籍或本区常住（居住证）`). A decision lists the phrases that
//! made it: for "eligible" every test an `and` needed and the first `or` branch that held;
//! for "ineligible" the tests that failed; for "maybe" the tests not yet answered, and
//! those tests' fields are the questions that would decide it.

use crate::date;
use crate::eval::{Node, Program, Tri};
use crate::population::Population;
use crate::rule::{Cond, TestKind};
use crate::schema::{Derived, FieldType, Schema};

/// How a test stands for one resident.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Holds.
    Met,
    /// Does not hold.
    Unmet,
    /// Not answered yet.
    Unknown,
}

/// One reason.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Reason {
    /// In plain Chinese.
    pub text: String,
    /// Whether it holds.
    pub status: Status,
    /// The field that decides it.
    pub field: String,
}

/// The outcome for one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Certainly eligible.
    Eligible,
    /// Depends on unanswered questions.
    Maybe,
    /// Certainly not.
    Ineligible,
}

/// One item's decision for one resident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// Item key as compiled.
    pub key: String,
    /// Outcome.
    pub outcome: Outcome,
    /// Why.
    pub reasons: Vec<Reason>,
    /// Fields whose answers would decide a `Maybe`, by index.
    pub missing: Vec<usize>,
}

/// Decides every item of `program` for a population of one (a profile), with reasons.
/// `conds[i]` is the condition item `i` was compiled from; `names` turns a region code
/// into its name.
pub fn decide(
    program: &Program,
    conds: &[&Cond],
    pop: &Population,
    schema: &Schema,
    names: &dyn Fn(&str) -> Option<String>,
) -> Vec<Decision> {
    let atoms = program.atoms(pop);
    program
        .items
        .iter()
        .zip(conds)
        .enumerate()
        .map(|(i, ((key, node), cond))| {
            let value = program.item(i, &atoms, 1).get(0);
            let mut reasons = Vec::new();
            let mut missing = Vec::new();
            explain(
                cond,
                node,
                false,
                &atoms,
                schema,
                names,
                &mut reasons,
                &mut missing,
            );
            Decision {
                key: key.clone(),
                outcome: match value {
                    Some(true) => Outcome::Eligible,
                    Some(false) => Outcome::Ineligible,
                    None => Outcome::Maybe,
                },
                reasons,
                missing,
            }
        })
        .collect()
}

fn node_value(n: &Node, atoms: &[Tri]) -> Option<bool> {
    match n {
        Node::Const(b) => Some(*b),
        Node::Atom(i, neg) => atoms[*i].get(0).map(|v| v != *neg),
        Node::And(parts) | Node::Or(parts) => {
            // Kleene: "and" is decided by any false, "or" by any true; both are decided
            // otherwise only when every part is.
            let decisive = matches!(n, Node::Or(_));
            let vals: Vec<Option<bool>> = parts.iter().map(|p| node_value(p, atoms)).collect();
            if vals.contains(&Some(decisive)) {
                Some(decisive)
            } else if vals.iter().all(|v| *v == Some(!decisive)) {
                Some(!decisive)
            } else {
                None
            }
        }
    }
}

/// Walks the condition (as written) and its compiled node (negation normal form) together.
#[allow(clippy::too_many_arguments)]
fn explain(
    cond: &Cond,
    node: &Node,
    neg: bool,
    atoms: &[Tri],
    schema: &Schema,
    names: &dyn Fn(&str) -> Option<String>,
    out: &mut Vec<Reason>,
    missing: &mut Vec<usize>,
) {
    match (cond, node) {
        (Cond::Not(inner), _) => explain(inner, node, !neg, atoms, schema, names, out, missing),
        (Cond::Const(_), _) => {}
        (Cond::Test(t), Node::Atom(..)) => {
            let status = match node_value(node, atoms) {
                Some(true) => Status::Met,
                Some(false) => Status::Unmet,
                None => Status::Unknown,
            };
            let f = t.kind.field();
            if status == Status::Unknown && !missing.contains(&f) {
                missing.push(f);
            }
            out.push(Reason {
                text: phrase(&t.kind, !neg, schema, names),
                status,
                field: schema.field(f).name.clone(),
            });
        }
        (Cond::And(cs) | Cond::Or(cs), Node::And(ns) | Node::Or(ns)) => {
            let is_and = matches!(node, Node::And(_));
            let value = node_value(node, atoms);
            let vals: Vec<Option<bool>> = ns.iter().map(|n| node_value(n, atoms)).collect();
            for (k, (c, n)) in cs.iter().zip(ns).enumerate() {
                let show = match (is_and, value) {
                    // Every test an "and" needed.
                    (true, Some(true)) => true,
                    // What failed.
                    (true, Some(false)) => vals[k] == Some(false),
                    // What is still open, and what already holds.
                    (true, None) => vals[k] != Some(false),
                    // The first branch that held.
                    (false, Some(true)) => {
                        vals[..k].iter().all(|v| *v != Some(true)) && vals[k] == Some(true)
                    }
                    // Every branch failed.
                    (false, Some(false)) => true,
                    // The open branches.
                    (false, None) => vals[k].is_none(),
                };
                if show {
                    explain(c, n, neg, atoms, schema, names, out, missing);
                }
            }
        }
        _ => {}
    }
}

fn subject(label: &str) -> &str {
    label.strip_suffix("年龄").unwrap_or(label)
}

fn join_or(parts: &[String]) -> String {
    parts.join("或")
}

/// The phrase for a test (`positive`) or its negation.
pub fn phrase(
    kind: &TestKind,
    positive: bool,
    schema: &Schema,
    names: &dyn Fn(&str) -> Option<String>,
) -> String {
    match kind {
        TestKind::Bool { field } => schema.field(*field).bool_label(positive),
        TestKind::Enum { field, mask } | TestKind::Set { field, mask } => {
            let f = schema.field(*field);
            let pick = |want: bool| -> Vec<String> {
                f.choices
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| (mask >> i & 1 == 1) == want)
                    .map(|(_, c)| c.label.clone())
                    .collect()
            };
            let set = f.ty == FieldType::Set;
            match (positive, set) {
                (true, _) => format!("{}：{}", f.label, join_or(&pick(true))),
                (false, false) if pick(false).len() <= 3 => {
                    format!("{}：{}", f.label, join_or(&pick(false)))
                }
                (false, false) => format!("{}：不是{}", f.label, join_or(&pick(true))),
                (false, true) => format!("{}：没有{}", f.label, pick(true).join("、")),
            }
        }
        TestKind::Region { field, codes } => {
            let f = schema.field(*field);
            let n: Vec<String> = codes
                .iter()
                .map(|c| names(c).unwrap_or_else(|| c.clone()))
                .collect();
            if positive {
                format!("{}：{}", f.label, n.join("、"))
            } else {
                format!("{}：不在{}", f.label, n.join("、"))
            }
        }
        TestKind::Int { field, lo, hi } => {
            let f = schema.field(*field);
            number(&f.label, &f.unit, *lo, *hi, positive)
        }
        TestKind::Derived {
            derived,
            field,
            lo,
            hi,
        } => {
            let (label, unit) = match field {
                Some(f) => (
                    schema.field(*f).label.clone(),
                    schema.field(*f).unit.clone(),
                ),
                None => {
                    let src = &schema.field(derived.source()).label;
                    match derived {
                        Derived::Years(_) => (format!("{src}距今"), "周岁".into()),
                        Derived::Months(_) => (format!("{src}距今"), "个月".into()),
                        Derived::Count(_) => (format!("{src}数量"), "个".into()),
                        Derived::YoungestYears(_) => (format!("最晚{src}距今"), "周岁".into()),
                        Derived::YoungestMonths(_) => (format!("最晚{src}距今"), "个月".into()),
                    }
                }
            };
            number(&label, &unit, *lo, *hi, positive)
        }
        TestKind::Date { field, lo, hi } => {
            let f = schema.field(*field);
            let d = |v: i64| date::format_zh(v.clamp(0, u32::MAX as i64) as u32);
            let (lo, hi, pos) = normalise(*lo, *hi, positive);
            match (lo, hi, pos) {
                (Some(l), None, _) => format!("{}在{}及以后", f.label, d(l)),
                (None, Some(h), _) => format!("{}在{}及以前", f.label, d(h)),
                (Some(l), Some(h), true) if l == h => format!("{}为{}", f.label, d(l)),
                (Some(l), Some(h), true) => format!("{}在{}至{}之间", f.label, d(l), d(h)),
                (Some(l), Some(h), false) => format!("{}不在{}至{}之间", f.label, d(l), d(h)),
                (None, None, p) => format!("{}{}", f.label, if p { "任意" } else { "无" }),
            }
        }
    }
}

/// A range and its polarity as (lower bound, upper bound, positive), turning the negation
/// of a one-sided range into the other one-sided range.
fn normalise(lo: i64, hi: i64, positive: bool) -> (Option<i64>, Option<i64>, bool) {
    let l = (lo != i64::MIN).then_some(lo);
    let h = (hi != i64::MAX).then_some(hi);
    match (l, h, positive) {
        (Some(l), None, false) => (None, Some(l - 1), true),
        (None, Some(h), false) => (Some(h + 1), None, true),
        (l, h, p) => (l, h, p),
    }
}

fn number(label: &str, unit: &str, lo: i64, hi: i64, positive: bool) -> String {
    let (l, h, pos) = normalise(lo, hi, positive);
    if unit == "周岁" {
        let s = subject(label);
        return match (l, h, pos) {
            (Some(l), None, _) => format!("{s}年满{l}周岁"),
            (None, Some(h), _) => format!("{s}不满{}周岁", h + 1),
            (Some(l), Some(h), true) if l == h => format!("{s}{l}周岁"),
            (Some(l), Some(h), true) => format!("{s}{l}至{h}周岁"),
            (Some(l), Some(h), false) if l == h => format!("{s}不是{l}周岁"),
            (Some(l), Some(h), false) => format!("{s}不在{l}至{h}周岁之间"),
            (None, None, p) => format!("{label}{}", if p { "任意" } else { "无" }),
        };
    }
    match (l, h, pos) {
        (Some(l), None, _) => format!("{label}不少于{l}{unit}"),
        (None, Some(h), _) => format!("{label}不超过{h}{unit}"),
        (Some(l), Some(h), true) if l == h => format!("{label}为{l}{unit}"),
        (Some(l), Some(h), true) => format!("{label}{l}至{h}{unit}"),
        (Some(l), Some(h), false) if l == h => format!("{label}不为{l}{unit}"),
        (Some(l), Some(h), false) => format!("{label}不在{l}至{h}{unit}之间"),
        (None, None, p) => format!("{label}{}", if p { "任意" } else { "无" }),
    }
}
