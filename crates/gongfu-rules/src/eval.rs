//! Rules compiled for one reference date into tests over columns, evaluated a column at
//! a time into bitsets.
//!
//! Compilation turns every test into an [`Atom`]: a range or set of values over one
//! column (an age becomes a range of birth dates for the date asked about). Equal atoms
//! across all items are run once. Conditions are kept in negation normal form so that
//! three-valued logic (answered yes, answered no, not answered) and the reasons shown to
//! a resident follow the rule's shape. The population path and the one-resident path run
//! this same program; only the population's size differs.

use std::collections::HashMap;

use crate::date::{self, Ymd};
use crate::population::{Bits, Column, Population};
use crate::rule::{Cond, TestKind};
use crate::schema::Derived;

/// One test over one column, for one reference date.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Atom {
    /// A bool column is true.
    Bool(usize),
    /// A numeric column (int, date, count, youngest date) is within `[lo, hi]`.
    Range {
        /// Field.
        field: usize,
        /// Which part of the column: the value, or a date list's count.
        part: Part,
        /// Lowest.
        lo: i64,
        /// Highest.
        hi: i64,
    },
    /// An enum column's value is in the mask.
    Enum(usize, u32),
    /// A set column shares a value with the mask.
    Set(usize, u32),
    /// A region column is within one of the prefixes.
    Region(usize, Vec<String>),
    /// Always this value (a range that cannot hold).
    Const(bool),
}

/// Which array of a column a range reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Part {
    /// The value itself (int, date).
    Value,
    /// A date list's latest date; 0 (no dates) is never in range.
    Youngest,
    /// A date list's length.
    Count,
}

/// A condition over atoms, in negation normal form.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// Constant.
    Const(bool),
    /// Atom, possibly negated.
    Atom(usize, bool),
    /// All of.
    And(Vec<Node>),
    /// Any of.
    Or(Vec<Node>),
}

/// Rules of many items compiled for one date.
#[derive(Debug, Clone)]
pub struct Program {
    /// Reference date.
    pub date: Ymd,
    /// Distinct atoms.
    pub atoms: Vec<Atom>,
    /// Per item: its key and condition.
    pub items: Vec<(String, Node)>,
}

/// The largest date a person alive at `at` can have been born on.
fn born_by(at: Ymd) -> i64 {
    at as i64
}

/// Prefix of a region code that every code within it shares: 440399001000 -> 440399001.
pub fn region_prefix(code: &str) -> &str {
    for len in [2, 4, 6, 9] {
        if code.len() == 12 && code[len..].bytes().all(|b| b == b'0') {
            return &code[..len];
        }
    }
    code
}

fn lower(kind: &TestKind, at: Ymd) -> Atom {
    let r = at as i64;
    match kind {
        TestKind::Bool { field } => Atom::Bool(*field),
        TestKind::Int { field, lo, hi } => Atom::Range {
            field: *field,
            part: Part::Value,
            lo: *lo,
            hi: *hi,
        },
        TestKind::Date { field, lo, hi } => Atom::Range {
            field: *field,
            part: Part::Value,
            lo: (*lo).max(1),
            hi: *hi,
        },
        TestKind::Enum { field, mask } => Atom::Enum(*field, *mask),
        TestKind::Set { field, mask } => Atom::Set(*field, *mask),
        TestKind::Region { field, codes } => {
            let mut p: Vec<String> = codes.iter().map(|c| region_prefix(c).to_string()).collect();
            p.sort();
            p.dedup();
            Atom::Region(*field, p)
        }
        TestKind::Derived {
            derived, lo, hi, ..
        } => {
            let (field, part) = match derived {
                Derived::Years(f) | Derived::Months(f) => (*f, Part::Value),
                Derived::YoungestYears(f) | Derived::YoungestMonths(f) => (*f, Part::Youngest),
                Derived::Count(f) => (*f, Part::Count),
            };
            if let Derived::Count(_) = derived {
                return Atom::Range {
                    field,
                    part,
                    lo: *lo,
                    hi: *hi,
                };
            }
            let years = matches!(derived, Derived::Years(_) | Derived::YoungestYears(_));
            // The latest birth date with at least n years (months): b <= bound(n).
            let bound = |n: i64| -> i64 {
                if years {
                    r.saturating_sub(n.saturating_mul(10000))
                } else {
                    date::months_back_bound(at, n.clamp(-100_000, 100_000))
                }
            };
            // value >= lo  <=>  b <= bound(lo);  value <= hi  <=>  b > bound(hi + 1).
            let upper = if *lo == i64::MIN {
                born_by(at)
            } else {
                bound(*lo).min(born_by(at))
            };
            let lower = if *hi == i64::MAX {
                1
            } else {
                bound(hi.saturating_add(1)).saturating_add(1).max(1)
            };
            // An empty range (lower > upper) stays a range: false where answered, unknown
            // where not, like every other test of the field.
            Atom::Range {
                field,
                part,
                lo: lower,
                hi: upper,
            }
        }
    }
}

impl Program {
    /// Compiles conditions (one per item, keyed) for a reference date.
    pub fn compile<'a>(items: impl IntoIterator<Item = (String, &'a Cond)>, at: Ymd) -> Program {
        let mut atoms = Vec::new();
        let mut index: HashMap<Atom, usize> = HashMap::new();
        let mut out = Vec::new();
        for (key, cond) in items {
            let node = nnf(cond, false, at, &mut atoms, &mut index);
            out.push((key, node));
        }
        Program {
            date: at,
            atoms,
            items: out,
        }
    }

    /// Each atom's value for every person (value bits, and who is known when not all).
    pub fn atoms(&self, pop: &Population) -> Vec<Tri> {
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(self.atoms.len().max(1));
        if threads <= 1 || pop.len() < 1 << 16 {
            return self.atoms.iter().map(|a| atom(a, pop)).collect();
        }
        let mut out: Vec<Option<Tri>> = vec![None; self.atoms.len()];
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads)
                .map(|t| {
                    let atoms = &self.atoms;
                    s.spawn(move || {
                        (t..atoms.len())
                            .step_by(threads)
                            .map(|i| (i, atom(&atoms[i], pop)))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            for h in handles {
                #[allow(clippy::expect_used)]
                for (i, tri) in h.join().expect("an evaluation thread panicked") {
                    out[i] = Some(tri);
                }
            }
        });
        out.into_iter().flatten().collect()
    }

    /// Item `i`'s value for every person.
    pub fn item(&self, i: usize, atoms: &[Tri], len: usize) -> Tri {
        eval(&self.items[i].1, atoms, len)
    }

    /// Persons certainly eligible per item and community: `counts[item][group]`, groups as
    /// in [`Population::groups`].
    pub fn counts(&self, pop: &Population) -> Vec<Vec<u64>> {
        let atoms = self.atoms(pop);
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(self.items.len().max(1));
        let count = |i: usize| {
            let t = self.item(i, &atoms, pop.len());
            pop.groups()
                .iter()
                .map(|(_, r)| t.value.count_range(r.clone()))
                .collect::<Vec<u64>>()
        };
        if threads <= 1 || pop.len() < 1 << 16 {
            return (0..self.items.len()).map(count).collect();
        }
        let mut out = vec![Vec::new(); self.items.len()];
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads)
                .map(|t| {
                    let count = &count;
                    let n = self.items.len();
                    s.spawn(move || {
                        (t..n)
                            .step_by(threads)
                            .map(|i| (i, count(i)))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            for h in handles {
                #[allow(clippy::expect_used)]
                for (i, c) in h.join().expect("an evaluation thread panicked") {
                    out[i] = c;
                }
            }
        });
        out
    }
}

fn nnf(
    c: &Cond,
    neg: bool,
    at: Ymd,
    atoms: &mut Vec<Atom>,
    index: &mut HashMap<Atom, usize>,
) -> Node {
    match c {
        Cond::Const(b) => Node::Const(*b != neg),
        Cond::Not(inner) => nnf(inner, !neg, at, atoms, index),
        Cond::And(v) | Cond::Or(v) => {
            let parts = v.iter().map(|c| nnf(c, neg, at, atoms, index)).collect();
            // De Morgan: not (a and b) = (not a) or (not b).
            if matches!(c, Cond::And(_)) != neg {
                Node::And(parts)
            } else {
                Node::Or(parts)
            }
        }
        Cond::Test(t) => {
            let a = lower(&t.kind, at);
            let next = atoms.len();
            let id = *index.entry(a.clone()).or_insert_with(|| {
                atoms.push(a);
                next
            });
            Node::Atom(id, neg)
        }
    }
}

/// Three-valued bits: `value` set where certainly true; `known` (when present) set where
/// answered. Invariant: `value` is a subset of `known`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tri {
    /// Certainly true.
    pub value: Bits,
    /// Known (true or false); `None` is all known.
    pub known: Option<Bits>,
}

impl Tri {
    /// Person i: `Some(true)`, `Some(false)` or `None` (unknown).
    pub fn get(&self, i: usize) -> Option<bool> {
        if self.known.as_ref().is_some_and(|k| !k.get(i)) {
            return None;
        }
        Some(self.value.get(i))
    }
}

fn eval(n: &Node, atoms: &[Tri], len: usize) -> Tri {
    match n {
        Node::Const(b) => Tri {
            value: if *b {
                Bits::ones(len)
            } else {
                Bits::zeros(len)
            },
            known: None,
        },
        Node::Atom(i, neg) => {
            let a = &atoms[*i];
            if !neg {
                return a.clone();
            }
            let mut value = a.value.clone();
            match &a.known {
                None => {
                    value.words.iter_mut().for_each(|w| *w = !*w);
                    value.clear_tail();
                }
                Some(k) => value
                    .words
                    .iter_mut()
                    .zip(&k.words)
                    .for_each(|(w, k)| *w = !*w & k),
            }
            Tri {
                value,
                known: a.known.clone(),
            }
        }
        Node::And(parts) | Node::Or(parts) => {
            let and = matches!(n, Node::And(_));
            let mut acc: Option<Tri> = None;
            for p in parts {
                let t = eval(p, atoms, len);
                acc = Some(match acc {
                    None => t,
                    Some(a) => combine(a, t, and),
                });
            }
            acc.unwrap_or_else(|| eval(&Node::Const(and), atoms, len))
        }
    }
}

/// Kleene and / or. With `v` a subset of `k`: and: k = k1&k2 | k1&!v1 | k2&!v2, v = v1&v2;
/// or: k = k1&k2 | v1 | v2, v = v1|v2.
fn combine(mut a: Tri, b: Tri, and: bool) -> Tri {
    let known = match (a.known.take(), b.known.as_ref()) {
        (None, None) => None,
        (ka, kb) => {
            let n = a.value.words.len();
            let ones = |k: Option<&Bits>, i: usize| k.map_or(u64::MAX, |k| k.words[i]);
            let mut k = Bits::zeros(a.value.len);
            for i in 0..n {
                let (k1, k2) = (ones(ka.as_ref(), i), ones(kb, i));
                let (v1, v2) = (a.value.words[i], b.value.words[i]);
                k.words[i] = if and {
                    (k1 & k2) | (k1 & !v1) | (k2 & !v2)
                } else {
                    (k1 & k2) | v1 | v2
                };
            }
            k.clear_tail();
            Some(k)
        }
    };
    if and {
        a.value
            .words
            .iter_mut()
            .zip(&b.value.words)
            .for_each(|(x, y)| *x &= y);
    } else {
        a.value
            .words
            .iter_mut()
            .zip(&b.value.words)
            .for_each(|(x, y)| *x |= y);
    }
    Tri {
        value: a.value,
        known,
    }
}

/// Writes one bit per value: bit j of word w is `test(vals[w * 64 + j])`.
fn bits_of<T: Copy>(vals: &[T], test: impl Fn(T) -> bool) -> Bits {
    let mut words = Vec::with_capacity(vals.len().div_ceil(64));
    for chunk in vals.chunks(64) {
        let mut w = 0u64;
        for (j, &v) in chunk.iter().enumerate() {
            w |= u64::from(test(v)) << j;
        }
        words.push(w);
    }
    Bits {
        words,
        len: vals.len(),
    }
}

/// `lo <= v <= hi` as one unsigned comparison in the column's own width.
fn in_range<T: Copy + Into<i64>>(vals: &[T], lo: i64, hi: i64, bias: i64) -> Bits {
    // Map to u32 with order kept (ints are biased by 2^31), clamp the bounds into u32.
    let map = |x: i64| (x + bias).clamp(0, u32::MAX as i64) as u32;
    let (l, h) = (lo.saturating_add(bias), hi.saturating_add(bias));
    if h < 0 || l > u32::MAX as i64 || lo > hi {
        return Bits::zeros(vals.len());
    }
    let (l, span) = (map(lo), map(hi) - map(lo));
    bits_of(vals, |v| ((v.into() + bias) as u32).wrapping_sub(l) <= span)
}

fn atom(a: &Atom, pop: &Population) -> Tri {
    let len = pop.len();
    let missing = || Tri {
        value: Bits::zeros(len),
        known: Some(Bits::zeros(len)),
    };
    let field = match a {
        Atom::Bool(f)
        | Atom::Range { field: f, .. }
        | Atom::Enum(f, _)
        | Atom::Set(f, _)
        | Atom::Region(f, _) => *f,
        Atom::Const(b) => {
            return Tri {
                value: if *b {
                    Bits::ones(len)
                } else {
                    Bits::zeros(len)
                },
                known: None,
            }
        }
    };
    let Some(col) = pop.column(field) else {
        return missing();
    };
    let mut value = match (a, col) {
        (Atom::Bool(_), Column::Bool(b)) => b.clone(),
        (
            Atom::Range {
                part: Part::Value,
                lo,
                hi,
                ..
            },
            Column::Int(v),
        ) => in_range(v, *lo, *hi, 1 << 31),
        (
            Atom::Range {
                part: Part::Value,
                lo,
                hi,
                ..
            },
            Column::Date(v),
        ) => in_range(v, *lo, *hi, 0),
        (
            Atom::Range {
                part: Part::Youngest,
                lo,
                hi,
                ..
            },
            Column::DateList { youngest, .. },
        ) => in_range(youngest, (*lo).max(1), *hi, 0),
        (
            Atom::Range {
                part: Part::Count,
                lo,
                hi,
                ..
            },
            Column::DateList { count, .. },
        ) => in_range(count, *lo, *hi, 0),
        (Atom::Enum(_, mask), Column::Enum(v)) => bits_of(v, |x| (mask >> (x & 31)) & 1 == 1),
        (Atom::Set(_, mask), Column::Set(v)) => bits_of(v, |x| x & mask != 0),
        (Atom::Region(_, prefixes), Column::Region(v)) => {
            let lut: Vec<bool> = pop
                .regions()
                .iter()
                .map(|code| prefixes.iter().any(|p| code.starts_with(p.as_str())))
                .collect();
            bits_of(v, |x| lut.get(x as usize).copied().unwrap_or(false))
        }
        _ => return missing(),
    };
    let known = pop.known(field).cloned();
    if let Some(k) = &known {
        value
            .words
            .iter_mut()
            .zip(&k.words)
            .for_each(|(w, k)| *w &= k);
    }
    Tri { value, known }
}
