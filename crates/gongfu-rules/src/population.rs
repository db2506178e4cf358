//! A population as columns: one column per stored field, persons grouped by community.
//!
//! Why columns: the microsimulation asks every rule of every item about millions of
//! persons. Column at a time, a test is one tight loop over one array (a byte per person
//! for a choice, four for a date) writing one bit per person, and shared tests are run
//! once for all items. The one-resident path builds a population of one from the profile
//! and runs the very same program, with a "known" mask for the questions not answered.

use std::collections::HashMap;
use std::ops::Range;

use crate::date::Ymd;
use crate::schema::{FieldType, Schema, Value};

/// A bit per person.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Bits {
    /// 64 persons a word, person i at bit i % 64 of word i / 64.
    pub words: Vec<u64>,
    /// Number of persons.
    pub len: usize,
}

impl Bits {
    /// All false.
    pub fn zeros(len: usize) -> Self {
        Bits {
            words: vec![0; len.div_ceil(64)],
            len,
        }
    }

    /// All true (bits past `len` stay clear so counts are right).
    pub fn ones(len: usize) -> Self {
        let mut b = Bits {
            words: vec![u64::MAX; len.div_ceil(64)],
            len,
        };
        b.clear_tail();
        b
    }

    /// Clears the bits past `len` in the last word.
    pub fn clear_tail(&mut self) {
        let r = self.len % 64;
        if r != 0 {
            if let Some(w) = self.words.last_mut() {
                *w &= (1u64 << r) - 1;
            }
        }
    }

    /// Bit i.
    pub fn get(&self, i: usize) -> bool {
        self.words[i / 64] >> (i % 64) & 1 == 1
    }

    /// Sets bit i.
    pub fn set(&mut self, i: usize, v: bool) {
        let (w, b) = (i / 64, i % 64);
        if v {
            self.words[w] |= 1 << b;
        } else {
            self.words[w] &= !(1 << b);
        }
    }

    /// Appends a bit.
    pub fn push(&mut self, v: bool) {
        if self.len % 64 == 0 {
            self.words.push(0);
        }
        self.len += 1;
        self.set(self.len - 1, v);
    }

    /// Number of set bits in `[range.start, range.end)`.
    pub fn count_range(&self, range: Range<usize>) -> u64 {
        let (s, e) = (range.start, range.end.min(self.len));
        if s >= e {
            return 0;
        }
        let (ws, we) = (s / 64, (e - 1) / 64);
        let lo_mask = u64::MAX << (s % 64);
        let hi_mask = if e % 64 == 0 {
            u64::MAX
        } else {
            (1u64 << (e % 64)) - 1
        };
        if ws == we {
            return u64::from((self.words[ws] & lo_mask & hi_mask).count_ones());
        }
        let mut n = u64::from((self.words[ws] & lo_mask).count_ones());
        n += self.words[ws + 1..we]
            .iter()
            .map(|w| u64::from(w.count_ones()))
            .sum::<u64>();
        n + u64::from((self.words[we] & hi_mask).count_ones())
    }

    /// Number of set bits.
    pub fn count(&self) -> u64 {
        self.words.iter().map(|w| u64::from(w.count_ones())).sum()
    }

    fn permuted(&self, order: &[u32]) -> Bits {
        let mut b = Bits::zeros(self.len);
        for (i, &o) in order.iter().enumerate() {
            if self.get(o as usize) {
                b.set(i, true);
            }
        }
        b
    }
}

/// One stored field's values for every person.
#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    /// Bool field.
    Bool(Bits),
    /// Int field.
    Int(Vec<i32>),
    /// Date field, `yyyymmdd`.
    Date(Vec<Ymd>),
    /// Enum field: choice index.
    Enum(Vec<u8>),
    /// Set field: bit mask of choices.
    Set(Vec<u32>),
    /// Date list field, kept as what rules can ask of it.
    DateList {
        /// Latest date (the youngest child's birth), 0 when the list is empty.
        youngest: Vec<Ymd>,
        /// Number of dates.
        count: Vec<u16>,
    },
    /// Region field: index into [`Population::regions`].
    Region(Vec<u32>),
}

impl Column {
    fn empty(ty: &FieldType) -> Option<Column> {
        Some(match ty {
            FieldType::Bool => Column::Bool(Bits::default()),
            FieldType::Int { .. } => Column::Int(Vec::new()),
            FieldType::Date => Column::Date(Vec::new()),
            FieldType::Enum => Column::Enum(Vec::new()),
            FieldType::Set => Column::Set(Vec::new()),
            FieldType::DateList => Column::DateList {
                youngest: Vec::new(),
                count: Vec::new(),
            },
            FieldType::Region => Column::Region(Vec::new()),
            FieldType::Derived(_) => return None,
        })
    }

    fn permuted(&self, order: &[u32]) -> Column {
        fn p<T: Copy>(v: &[T], order: &[u32]) -> Vec<T> {
            order.iter().map(|&i| v[i as usize]).collect()
        }
        match self {
            Column::Bool(b) => Column::Bool(b.permuted(order)),
            Column::Int(v) => Column::Int(p(v, order)),
            Column::Date(v) => Column::Date(p(v, order)),
            Column::Enum(v) => Column::Enum(p(v, order)),
            Column::Set(v) => Column::Set(p(v, order)),
            Column::DateList { youngest, count } => Column::DateList {
                youngest: p(youngest, order),
                count: p(count, order),
            },
            Column::Region(v) => Column::Region(p(v, order)),
        }
    }

    /// Bytes held, for reports of memory use.
    pub fn bytes(&self) -> usize {
        match self {
            Column::Bool(b) => b.words.len() * 8,
            Column::Int(v) => v.len() * 4,
            Column::Date(v) => v.len() * 4,
            Column::Enum(v) => v.len(),
            Column::Set(v) => v.len() * 4,
            Column::DateList { youngest, count } => youngest.len() * 4 + count.len() * 2,
            Column::Region(v) => v.len() * 4,
        }
    }
}

/// Persons as columns, grouped by community (persons of one community are contiguous).
#[derive(Debug, Clone, PartialEq)]
pub struct Population {
    len: usize,
    columns: Vec<Option<Column>>,
    known: Vec<Option<Bits>>,
    regions: Vec<String>,
    groups: Vec<(u32, Range<usize>)>,
}

impl Population {
    /// Number of persons.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there is nobody.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The column of a stored field.
    pub fn column(&self, field: usize) -> Option<&Column> {
        self.columns.get(field).and_then(Option::as_ref)
    }

    /// Who answered a field; `None` when everybody did.
    pub fn known(&self, field: usize) -> Option<&Bits> {
        self.known.get(field).and_then(Option::as_ref)
    }

    /// Community codes, indexed by the region column's values.
    pub fn regions(&self) -> &[String] {
        &self.regions
    }

    /// Each community's persons: (index into [`Self::regions`], rows).
    pub fn groups(&self) -> &[(u32, Range<usize>)] {
        &self.groups
    }

    /// Bytes held by the columns.
    pub fn bytes(&self) -> usize {
        self.columns
            .iter()
            .flatten()
            .map(Column::bytes)
            .sum::<usize>()
            + self
                .known
                .iter()
                .flatten()
                .map(|b| b.words.len() * 8)
                .sum::<usize>()
    }

    /// One person's stored values (`None` where not known), for tests and exports.
    pub fn row(&self, schema: &Schema, i: usize) -> Vec<Option<Value>> {
        (0..schema.fields().len())
            .map(|f| self.row_value(f, i))
            .collect()
    }

    /// One person's value of one stored field (`None` where not known or derived).
    pub fn row_value(&self, f: usize, i: usize) -> Option<Value> {
        if self.known(f).is_some_and(|k| !k.get(i)) {
            return None;
        }
        Some(match self.column(f)? {
            Column::Bool(b) => Value::Bool(b.get(i)),
            Column::Int(v) => Value::Int(i64::from(v[i])),
            Column::Date(v) => Value::Date(v[i]),
            Column::Enum(v) => Value::Enum(v[i]),
            Column::Set(v) => Value::Set(v[i]),
            Column::DateList { youngest, count } => {
                // Only what the column keeps: the youngest, repeated.
                Value::DateList(if count[i] == 0 {
                    vec![]
                } else {
                    vec![youngest[i]; count[i] as usize]
                })
            }
            Column::Region(v) => Value::Region(self.regions[v[i] as usize].clone()),
        })
    }
}

/// Builds a population row by row.
#[derive(Debug)]
pub struct PopulationBuilder<'a> {
    schema: &'a Schema,
    len: usize,
    columns: Vec<Option<Column>>,
    known: Vec<Option<Bits>>,
    regions: Vec<String>,
    region_index: HashMap<String, u32>,
    region_field: Option<usize>,
}

impl<'a> PopulationBuilder<'a> {
    /// An empty population over a schema.
    pub fn new(schema: &'a Schema) -> Self {
        PopulationBuilder {
            schema,
            len: 0,
            columns: schema
                .fields()
                .iter()
                .map(|f| Column::empty(&f.ty))
                .collect(),
            known: vec![None; schema.fields().len()],
            regions: Vec::new(),
            region_index: HashMap::new(),
            region_field: schema
                .fields()
                .iter()
                .position(|f| f.ty == FieldType::Region),
        }
    }

    /// Reserves room for `n` more persons.
    pub fn reserve(&mut self, n: usize) {
        for c in self.columns.iter_mut().flatten() {
            match c {
                Column::Bool(b) => b.words.reserve(n / 64 + 1),
                Column::Int(v) => v.reserve(n),
                Column::Date(v) => v.reserve(n),
                Column::Enum(v) => v.reserve(n),
                Column::Set(v) => v.reserve(n),
                Column::DateList { youngest, count } => {
                    youngest.reserve(n);
                    count.reserve(n);
                }
                Column::Region(v) => v.reserve(n),
            }
        }
    }

    /// Adds a person. `values` is indexed like the schema's fields; `None` is "not
    /// answered" (derived fields are ignored). Values must match their field's type, as
    /// [`Schema::parse_value`] and [`crate::profile::Profile`] make them.
    pub fn push(&mut self, values: &[Option<Value>]) {
        let i = self.len;
        self.len += 1;
        for (f, col) in self.columns.iter_mut().enumerate() {
            let Some(col) = col else { continue };
            let v = values.get(f).cloned().flatten();
            let known = v.is_some();
            match (col, v) {
                (Column::Bool(b), v) => b.push(matches!(v, Some(Value::Bool(true)))),
                (Column::Int(c), v) => c.push(match v {
                    Some(Value::Int(n)) => n.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32,
                    _ => 0,
                }),
                (Column::Date(c), v) => c.push(match v {
                    Some(Value::Date(d)) => d,
                    _ => 0,
                }),
                (Column::Enum(c), v) => c.push(match v {
                    Some(Value::Enum(e)) => e,
                    _ => 0,
                }),
                (Column::Set(c), v) => c.push(match v {
                    Some(Value::Set(m)) => m,
                    _ => 0,
                }),
                (Column::DateList { youngest, count }, v) => {
                    let list = match v {
                        Some(Value::DateList(l)) => l,
                        _ => vec![],
                    };
                    youngest.push(list.iter().copied().max().unwrap_or(0));
                    count.push(list.len().min(u16::MAX as usize) as u16);
                }
                (Column::Region(c), v) => {
                    let code = match v {
                        Some(Value::Region(code)) => code,
                        _ => String::new(),
                    };
                    let next = self.regions.len() as u32;
                    let idx = *self.region_index.entry(code.clone()).or_insert_with(|| {
                        self.regions.push(code);
                        next
                    });
                    c.push(idx);
                }
            }
            if !known || self.known[f].is_some() {
                let k = self.known[f].get_or_insert_with(|| Bits::ones(i));
                k.push(known);
            }
        }
    }

    /// Appends a person given as raw columns in schema order, for generators that already
    /// hold parsed values: faster than [`Self::push`] (no allocation per person).
    pub fn push_fast(&mut self, row: &FastRow) {
        self.len += 1;
        for (f, col) in self.columns.iter_mut().enumerate() {
            let Some(col) = col else { continue };
            let x = row.values[f];
            match col {
                Column::Bool(b) => b.push(x != 0),
                Column::Int(c) => c.push(x as i32),
                Column::Date(c) => c.push(x as u32),
                Column::Enum(c) => c.push(x as u8),
                Column::Set(c) => c.push(x as u32),
                Column::DateList { youngest, count } => {
                    youngest.push(x as u32);
                    count.push(row.counts[f]);
                }
                Column::Region(c) => c.push(x as u32),
            }
        }
    }

    /// Registers a community code and returns the value [`FastRow`] uses for it.
    pub fn region(&mut self, code: &str) -> u32 {
        let next = self.regions.len() as u32;
        if let Some(i) = self.region_index.get(code) {
            return *i;
        }
        self.region_index.insert(code.to_string(), next);
        self.regions.push(code.to_string());
        next
    }

    /// Groups persons by community (stable: order within a community is kept) and
    /// returns the population.
    pub fn finish(self) -> Population {
        let len = self.len;
        let mut columns = self.columns;
        let mut known = self.known;
        let groups = match self.region_field.and_then(|f| columns[f].as_ref()) {
            Some(Column::Region(r)) => {
                let sorted = r.windows(2).all(|w| w[0] <= w[1]);
                if !sorted {
                    let mut order: Vec<u32> = (0..len as u32).collect();
                    order.sort_by_key(|&i| r[i as usize]);
                    for c in columns.iter_mut().flatten() {
                        *c = c.permuted(&order);
                    }
                    for k in known.iter_mut().flatten() {
                        *k = k.permuted(&order);
                    }
                }
                let Some(Some(Column::Region(r))) = self.region_field.map(|f| &columns[f]) else {
                    unreachable!("the region column was just read")
                };
                let mut groups: Vec<(u32, Range<usize>)> = Vec::new();
                for (i, &g) in r.iter().enumerate() {
                    match groups.last_mut() {
                        Some((last, range)) if *last == g => range.end = i + 1,
                        _ => groups.push((g, i..i + 1)),
                    }
                }
                groups
            }
            _ => vec![(0, 0..len)],
        };
        let _ = self.schema;
        Population {
            len,
            columns,
            known,
            regions: self.regions,
            groups,
        }
    }
}

/// One person as plain numbers in schema order, for [`PopulationBuilder::push_fast`]:
/// bool 0/1, int, `yyyymmdd`, choice index, set mask, youngest date (with `counts`),
/// region index from [`PopulationBuilder::region`].
#[derive(Debug, Clone)]
pub struct FastRow {
    /// Value per field.
    pub values: Vec<i64>,
    /// For date lists: the number of dates.
    pub counts: Vec<u16>,
}

impl FastRow {
    /// Zeros for a schema.
    pub fn new(schema: &Schema) -> Self {
        FastRow {
            values: vec![0; schema.fields().len()],
            counts: vec![0; schema.fields().len()],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn count_range_matches_a_loop() {
        let mut b = Bits::zeros(300);
        for i in (0..300).filter(|i| i % 3 == 0 || i % 7 == 0) {
            b.set(i, true);
        }
        for s in [0, 1, 63, 64, 65, 127, 128, 200] {
            for e in [s, s + 1, 64, 128, 129, 250, 300] {
                let want = (s..e).filter(|&i| b.get(i)).count() as u64;
                assert_eq!(
                    b.count_range(s..e),
                    if e < s { 0 } else { want },
                    "{s}..{e}"
                );
            }
        }
        assert_eq!(Bits::ones(70).count(), 70);
    }
}
