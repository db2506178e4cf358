//! The national floor (不低于国家标准): a local list may raise the national standard, never
//! fall below it.
//!
//! [`check_floor`] compares a local list with a national reference list (an edition of the
//! 国家基本公共服务标准) item by item and says, for every national item, how the local list
//! relates to it (持平, 提标, 降标 or 未覆盖), which local items are the list's own (特色),
//! and what a person must look at ([`Finding`]s).
//!
//! A local item answers for a national item when it carries the national item's code (the
//! national item copied into the list) or names it as its base (基准事项编码). An item that
//! names it with 基准关系 提标 only adds to it: it is compared only when nothing else carries
//! the national item, because a raise paid locally (地方财政) is no shift of 支出责任.
//!
//! What is compared, field by field:
//! - 服务标准: the quantities of both texts ([`parse_quantities`]: 次/年, 次, 元/月, 元, %,
//!   岁, 小时, 天, 月 …) are paired by unit and by the words around them, and compared in
//!   the direction the text gives: 不低于90% is a floor, so 50% is a cut; 7个工作日内 is a
//!   limit, so 10 is a cut. A national quantity the local text lacks, or a pair whose
//!   direction cannot be told, is listed for a person to confirm (无法比较), as is a reworded
//!   text that has no quantity at all.
//! - 服务对象 (heuristics, each a narrowing): an age threshold raised or an age range made
//!   narrower (65岁及以上 → 70岁及以上); 户籍 required where the national text does not
//!   say it; 仅限/限于 added; the item's 人口范围 narrower (服务人口 → 常住人口 → 户籍人口).
//!   Any other rewording is listed for a person to confirm.
//! - 支出责任: any change of who pays (中央, 地方, 共同承担 or another text).
//! - A national item that no local item carries or names as its base: missing, unless a
//!   successor carries its code (a merge that keeps it) or names it as base.
//!
//! Pure: no IO, so it runs on every adjustment preview, every approval and every published
//! version alike.

use crate::catalog::{BaseRelation, ExpenditureResponsibility, ServiceItem};
use crate::region::PopulationKind;
use crate::text::fold_width;
use std::collections::HashSet;

/// What a quantity counts.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// A number of times or things, with its counter word (次, 场, 套, 个, 名).
    Count(String),
    /// Money, in 元.
    Money,
    /// A rate, in %.
    Percent,
    /// An age, in 岁.
    Age,
    /// A duration, in hours.
    Hours,
    /// A duration, in days (天, 日, 工作日; 周 counts 7).
    Days,
    /// A duration, in months.
    Months,
}

impl Measure {
    /// The unit as the list writes it.
    pub fn unit(&self) -> &str {
        match self {
            Self::Count(w) => w,
            Self::Money => "元",
            Self::Percent => "%",
            Self::Age => "岁",
            Self::Hours => "小时",
            Self::Days => "天",
            Self::Months => "月",
        }
    }
}

/// The period a quantity is given per (每年, 每月 …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    /// 每天 / 每日.
    Day,
    /// 每周.
    Week,
    /// 每月 / 按月.
    Month,
    /// 每季度.
    Quarter,
    /// 每半年 / 每学期.
    HalfYear,
    /// 每年 / 每学年 / 年度.
    Year,
}

impl Period {
    /// How many periods make a year, so 每月1次 and 每年12次 compare equal.
    fn per_year(self) -> f64 {
        match self {
            Self::Day => 365.0,
            Self::Week => 52.0,
            Self::Month => 12.0,
            Self::Quarter => 4.0,
            Self::HalfYear => 2.0,
            Self::Year => 1.0,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::Day => "日",
            Self::Week => "周",
            Self::Month => "月",
            Self::Quarter => "季度",
            Self::HalfYear => "半年",
            Self::Year => "年",
        }
    }
}

/// Which way the text binds the number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Bound {
    /// 不低于, 至少, 及以上 …
    AtLeast,
    /// 不超过, 以内, 以下, 未满 …
    AtMost,
    /// Neither: the number as such.
    Exact,
}

/// One quantity read from a text, e.g. 不低于90% or 每年1次.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Quantity {
    /// What it counts.
    pub measure: Measure,
    /// Per which period, when the text says.
    pub per: Option<Period>,
    /// The value, or the low end of a range (3-7天: 3).
    pub lo: f64,
    /// The high end of a range; equal to `lo` for a single value.
    pub hi: f64,
    /// 不低于, 不超过 or neither.
    pub bound: Bound,
    /// The words around it, used to pair it with a quantity of the other text.
    pub key: String,
    /// The text it was read from, for people.
    pub text: String,
}

impl Quantity {
    /// The unit with its period, e.g. 次/年, 元/月, %.
    pub fn unit(&self) -> String {
        match self.per {
            Some(p) => format!("{}/{}", self.measure.unit(), p.label()),
            None => self.measure.unit().to_string(),
        }
    }

    /// Low and high value per year when a period is given, so periods compare.
    fn scaled(&self) -> (f64, f64) {
        let f = self.per.map_or(1.0, Period::per_year);
        (self.lo * f, self.hi * f)
    }

    fn comparable(&self, other: &Quantity) -> bool {
        self.measure == other.measure && self.per.is_some() == other.per.is_some()
    }
}

const PERIODS: &[(&str, Period)] = &[
    ("每学年", Period::Year),
    ("每年度", Period::Year),
    ("每年", Period::Year),
    ("年度", Period::Year),
    ("/年", Period::Year),
    ("每半年", Period::HalfYear),
    ("每学期", Period::HalfYear),
    ("每季度", Period::Quarter),
    ("每季", Period::Quarter),
    ("每月", Period::Month),
    ("按月", Period::Month),
    ("/月", Period::Month),
    ("每周", Period::Week),
    ("每天", Period::Day),
    ("每日", Period::Day),
    ("/天", Period::Day),
    ("/日", Period::Day),
];

const AT_LEAST_BEFORE: &[&str] = &[
    "不低于",
    "不少于",
    "不小于",
    "至少",
    "最少",
    "最低",
    "年满",
    "满",
    "≥",
    ">=",
];
const AT_MOST_BEFORE: &[&str] = &[
    "不超过",
    "不高于",
    "不多于",
    "不大于",
    "最多",
    "最长",
    "最高",
    "未满",
    "不满",
    "≤",
    "<=",
];
const AT_LEAST_AFTER: &[&str] = &["及以上", "以上", "起"];
const AT_MOST_AFTER: &[&str] = &["及以下", "以下", "以内", "之内", "内"];
/// Words left out of a quantity's key besides the bound and period words, so
/// 至少5次产前检查 and 不少于7次产前检查 pair by what they count.
const NOISE: &[&str] = &[
    "提高到",
    "提高至",
    "由",
    "示例",
    "其中",
    "共",
    "各",
    "和",
    "的",
];

/// Chinese numerals a count may be written in (每年一次, 每半年两次).
fn cjk_digit(c: char) -> Option<f64> {
    Some(match c {
        '一' => 1.0,
        '二' | '两' => 2.0,
        '三' => 3.0,
        '四' => 4.0,
        '五' => 5.0,
        '六' => 6.0,
        '七' => 7.0,
        '八' => 8.0,
        '九' => 9.0,
        '十' => 10.0,
        _ => return None,
    })
}

/// Reads an ASCII number at `i`: digits with an optional decimal part.
fn ascii_number(cs: &[char], i: usize) -> Option<(f64, usize)> {
    let mut j = i;
    while j < cs.len() && cs[j].is_ascii_digit() {
        j += 1;
    }
    if j == i {
        return None;
    }
    if j + 1 < cs.len() && cs[j] == '.' && cs[j + 1].is_ascii_digit() {
        j += 1;
        while j < cs.len() && cs[j].is_ascii_digit() {
            j += 1;
        }
    }
    let s: String = cs[i..j].iter().collect();
    s.parse().ok().map(|v| (v, j))
}

fn starts(cs: &[char], i: usize, w: &str) -> bool {
    let n = w.chars().count();
    cs.get(i..i + n)
        .is_some_and(|s| s.iter().copied().eq(w.chars()))
}

/// The unit at `i`: its measure, how many of it the word is worth (万元, 周), and its length.
fn unit_at(cs: &[char], i: usize) -> Option<(Measure, f64, usize)> {
    const UNITS: &[(&str, u8, f64)] = &[
        ("%", 0, 1.0),
        ("周岁", 1, 1.0),
        ("岁", 1, 1.0),
        ("小时", 2, 1.0),
        ("个工作日", 3, 1.0),
        ("个自然日", 3, 1.0),
        ("工作日", 3, 1.0),
        ("天", 3, 1.0),
        ("日", 3, 1.0),
        ("周", 3, 7.0),
        ("个月", 4, 1.0),
        ("万元", 5, 10_000.0),
        ("元", 5, 1.0),
    ];
    for (w, m, f) in UNITS {
        if starts(cs, i, w) {
            let measure = match m {
                0 => Measure::Percent,
                1 => Measure::Age,
                2 => Measure::Hours,
                3 => Measure::Days,
                4 => Measure::Months,
                _ => Measure::Money,
            };
            return Some((measure, *f, w.chars().count()));
        }
    }
    // 一次性 is a kind of payment, not a count.
    for w in ["人次", "次", "场", "套", "个", "名", "台"] {
        if starts(cs, i, w) && !starts(cs, i, "次性") {
            return Some((Measure::Count(w.to_string()), 1.0, w.chars().count()));
        }
    }
    None
}

fn is_clause_break(c: char) -> bool {
    "，,；;。\n".contains(c)
}

/// Reads the quantities of a text: 不低于90%, 每年1次, 每孩次1次, 产后3-7天内, 65岁及以上,
/// 每人每月200元, 每周不少于42小时. Numbers without a known unit (0.4毫克, 1.5倍) are not
/// quantities here; a text whose only numbers are such is compared as text.
pub fn parse_quantities(text: &str) -> Vec<Quantity> {
    let folded = fold_width(text);
    let cs: Vec<char> = folded.chars().collect();
    // (start, end, measure, lo, hi, clause start, clause end)
    let mut found: Vec<(usize, usize, Measure, f64, f64, usize)> = Vec::new();
    let mut clause_start = 0;
    let mut i = 0;
    while i < cs.len() {
        if is_clause_break(cs[i]) {
            clause_start = i + 1;
            i += 1;
            continue;
        }
        let prev_digit = i > 0 && (cs[i - 1].is_ascii_digit() || cs[i - 1] == '.');
        let num = if prev_digit {
            None
        } else if let Some(n) = ascii_number(&cs, i) {
            Some(n)
        } else {
            cjk_digit(cs[i]).map(|v| (v, i + 1))
        };
        let Some((lo, mut j)) = num else {
            i += 1;
            continue;
        };
        let cjk = !cs[i].is_ascii_digit();
        let mut hi = lo;
        // A range: 3-7, 3~7, 3至7, 3—7.
        if !cjk && j < cs.len() && "-~～至—–".contains(cs[j]) {
            if let Some((h, k)) = ascii_number(&cs, j + 1) {
                hi = h;
                j = k;
            }
        }
        match unit_at(&cs, j) {
            // A Chinese numeral is a count only before a counter (每年一次), not in words
            // such as 一体化 or 十分.
            Some((m, f, len)) if !cjk || matches!(m, Measure::Count(_)) => {
                found.push((i, j + len, m, lo * f, hi * f, clause_start));
                i = j + len;
            }
            _ => i = j.max(i + 1),
        }
    }
    let clause_end = |from: usize| {
        (from..cs.len())
            .find(|&k| is_clause_break(cs[k]))
            .unwrap_or(cs.len())
    };
    let mut out = Vec::with_capacity(found.len());
    for (n, (start, end, measure, lo, hi, cstart)) in found.iter().cloned().enumerate() {
        let prev_end = if n > 0 && found[n - 1].5 == cstart {
            found[n - 1].1
        } else {
            cstart
        };
        let cend = clause_end(end);
        let next_start = found
            .get(n + 1)
            .map(|q| q.0)
            .filter(|&s| s < cend)
            .unwrap_or(cend);
        let before: String = cs[prev_end..start].iter().collect();
        let after: String = cs[end..next_start].iter().collect();
        let clause_before: String = cs[cstart..start].iter().collect();
        // A bound binds across the words it governs (不高于市场租金的70%), within the
        // stretch since the previous quantity.
        let near = &before;
        // The marker nearest the number wins, so 未满 is not read as 满.
        let last = |ws: &[&str]| {
            ws.iter()
                .filter_map(|w| near.rfind(w).map(|at| at + w.len()))
                .max()
        };
        let mut bound = match (last(AT_LEAST_BEFORE), last(AT_MOST_BEFORE)) {
            (Some(a), Some(b)) if b >= a => Bound::AtMost,
            (Some(_), _) => Bound::AtLeast,
            (None, Some(_)) => Bound::AtMost,
            (None, None) => Bound::Exact,
        };
        if bound == Bound::Exact {
            if AT_LEAST_AFTER.iter().any(|w| after.starts_with(w)) {
                bound = Bound::AtLeast;
            } else if AT_MOST_AFTER.iter().any(|w| after.starts_with(w)) {
                bound = Bound::AtMost;
            }
        }
        // The nearest period named before the number in its clause, or right after it (元/月).
        let per = if measure == Measure::Age {
            None
        } else {
            PERIODS
                .iter()
                .filter_map(|(w, p)| clause_before.rfind(w).map(|at| (at, *p)))
                .max_by_key(|(at, _)| *at)
                .map(|(_, p)| p)
                .or_else(|| {
                    PERIODS
                        .iter()
                        .find(|(w, _)| w.starts_with('/') && after.starts_with(w))
                        .map(|(_, p)| *p)
                })
        };
        let mut key = format!("{before}{after}");
        // Longest words first, so 及以上 goes before 以上 leaves 及.
        let mut words: Vec<&str> = AT_MOST_BEFORE
            .iter()
            .chain(AT_LEAST_BEFORE)
            .chain(AT_LEAST_AFTER)
            .chain(AT_MOST_AFTER)
            .chain(NOISE)
            .copied()
            .chain(PERIODS.iter().map(|(w, _)| *w))
            .collect();
        words.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
        for w in words {
            key = key.replace(w, "");
        }
        key.retain(|c| !c.is_ascii_digit() && !"()（）/-~.%、 ".contains(c));
        out.push(Quantity {
            measure,
            per,
            lo,
            hi,
            bound,
            key,
            text: {
                let mut t = before.trim();
                while let Some(w) = AT_LEAST_AFTER
                    .iter()
                    .chain(AT_MOST_AFTER)
                    .find(|w| t.starts_with(**w))
                {
                    t = &t[w.len()..];
                }
                let num: String = cs[start..end].iter().collect();
                let tail: String = after
                    .chars()
                    .take_while(|c| "及以上下内之".contains(*c))
                    .collect();
                format!("{t}{num}{tail}")
            },
        });
    }
    out
}

/// How a local value stands to the national one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// 持平: the same.
    Equal,
    /// 提标: better for the resident.
    Raised,
    /// 降标: worse for the resident.
    Lowered,
    /// 无法比较: a person must look.
    Incomparable,
}

impl Verdict {
    /// Stable English name, as serialized.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Equal => "equal",
            Self::Raised => "raised",
            Self::Lowered => "lowered",
            Self::Incomparable => "incomparable",
        }
    }

    /// Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Equal => "持平",
            Self::Raised => "提标",
            Self::Lowered => "降标",
            Self::Incomparable => "无法比较",
        }
    }
}

/// Which way is better for the resident: a larger number, a smaller one, a wider range, or
/// none that the text tells.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Better {
    Higher,
    Lower,
    Wider,
    Unknown,
}

fn better(q: &Quantity) -> Better {
    match (&q.measure, q.bound) {
        // 65岁及以上: a lower threshold takes in more people; 未满18岁: a higher one does.
        (Measure::Age, Bound::AtLeast) => Better::Lower,
        (Measure::Age, Bound::AtMost) => Better::Higher,
        (Measure::Age, Bound::Exact) if q.lo < q.hi => Better::Wider,
        (_, Bound::AtLeast) => Better::Higher,
        // 7个工作日内, 租金不高于70%: a limit, so less is better.
        (_, Bound::AtMost) => Better::Lower,
        (Measure::Count(_) | Measure::Money | Measure::Percent | Measure::Hours, Bound::Exact) => {
            Better::Higher
        }
        // 见习期3-12个月, 满18岁: the direction is the policy's, not the number's.
        _ => Better::Unknown,
    }
}

/// Compares a local quantity with the national one it was paired with.
pub fn compare(national: &Quantity, local: &Quantity) -> Verdict {
    if !national.comparable(local) {
        return Verdict::Incomparable;
    }
    let ((nlo, nhi), (llo, lhi)) = (national.scaled(), local.scaled());
    let eq = |a: f64, b: f64| (a - b).abs() < 1e-9;
    if eq(nlo, llo) && eq(nhi, lhi) && national.bound == local.bound {
        return Verdict::Equal;
    }
    // A floor turned into a ceiling (不低于90% → 不超过90%) is not the same promise.
    if national.bound != local.bound && national.bound != Bound::Exact {
        return Verdict::Incomparable;
    }
    let rule = better(national);
    let (up, down) = match rule {
        Better::Higher => (llo >= nlo && lhi >= nhi, llo <= nlo && lhi <= nhi),
        Better::Lower => (llo <= nlo && lhi <= nhi, llo >= nlo && lhi >= nhi),
        Better::Wider => (llo <= nlo && lhi >= nhi, llo >= nlo && lhi <= nhi),
        Better::Unknown => return Verdict::Incomparable,
    };
    match (up, down) {
        (true, true) => Verdict::Equal,
        (true, false) => Verdict::Raised,
        (false, true) => Verdict::Lowered,
        (false, false) => Verdict::Incomparable,
    }
}

/// Similarity of two keys: shared characters over the longer key's characters.
fn similarity(a: &str, b: &str) -> f64 {
    let sa: HashSet<char> = a.chars().collect();
    let sb: HashSet<char> = b.chars().collect();
    let n = sa.len().max(sb.len());
    if n == 0 {
        return 1.0;
    }
    sa.intersection(&sb).count() as f64 / n as f64
}

/// Pairs each national quantity with at most one local quantity: the only one of its unit
/// on both sides, else the one whose surrounding words are clearly the closest, else the one
/// in the same position when both texts have as many of that unit.
fn pair<'a>(national: &[Quantity], local: &'a [Quantity]) -> Vec<Option<&'a Quantity>> {
    let mut used = vec![false; local.len()];
    let mut out = Vec::with_capacity(national.len());
    for (ni, n) in national.iter().enumerate() {
        let same_n: Vec<usize> = (0..national.len())
            .filter(|&k| national[k].comparable(n))
            .collect();
        let cands: Vec<usize> = (0..local.len())
            .filter(|&k| local[k].comparable(n))
            .collect();
        let pick = if same_n.len() == 1 && cands.len() == 1 {
            Some(cands[0])
        } else {
            let mut scored: Vec<(f64, usize)> = cands
                .iter()
                .filter(|&&k| !used[k])
                .map(|&k| (similarity(&n.key, &local[k].key), k))
                .collect();
            scored.sort_by(|a, b| b.0.total_cmp(&a.0));
            match scored.as_slice() {
                [(s, k)] if *s >= 0.5 => Some(*k),
                [(s, k), (t, _), ..] if *s >= 0.5 && *s > *t => Some(*k),
                _ if same_n.len() == cands.len() => same_n
                    .iter()
                    .position(|&k| k == ni)
                    .map(|p| cands[p])
                    .filter(|&k| !used[k]),
                _ => None,
            }
        };
        if let Some(k) = pick {
            used[k] = true;
        }
        out.push(pick.map(|k| &local[k]));
    }
    out
}

/// The text with what does not change its meaning removed: width, spaces, punctuation and
/// the 示例 marks of illustrative rows.
fn normalized(s: &str) -> String {
    let mut t = fold_width(s).replace("(示例)", "").replace("示例", "");
    t.retain(|c| !c.is_whitespace() && !"，,；;。.、:：()（）“”\"'".contains(c));
    t
}

/// One quantity compared.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Comparison {
    /// Column key: `standard` or `target_population`.
    pub field: &'static str,
    /// The unit, e.g. 次/年.
    pub unit: String,
    /// The national text of the quantity.
    pub national: String,
    /// The local text, empty when the local text has no such quantity.
    pub local: String,
    /// 持平, 提标, 降标 or 无法比较.
    pub verdict: Verdict,
}

/// Compares two texts quantity by quantity. Identical texts (after normalization) compare
/// equal without further ado; a national text without quantities that was reworded gives a
/// single 无法比较.
pub fn compare_texts(field: &'static str, national: &str, local: &str) -> Vec<Comparison> {
    if normalized(national) == normalized(local) {
        return Vec::new();
    }
    let nq = parse_quantities(national);
    let lq = parse_quantities(local);
    if nq.is_empty() {
        return vec![Comparison {
            field,
            unit: String::new(),
            national: national.to_string(),
            local: local.to_string(),
            verdict: Verdict::Incomparable,
        }];
    }
    pair(&nq, &lq)
        .into_iter()
        .zip(&nq)
        .map(|(l, n)| Comparison {
            field,
            unit: n.unit(),
            national: n.text.clone(),
            local: l.map(|l| l.text.clone()).unwrap_or_default(),
            verdict: l.map_or(Verdict::Incomparable, |l| compare(n, l)),
        })
        .collect()
}

/// What kind of problem a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// A national item no local item carries or names as base.
    Missing,
    /// 服务对象 narrower than the national one.
    Narrowed,
    /// A quantity of 服务标准 below the national one.
    Lowered,
    /// 支出责任 differs.
    Shifted,
    /// A difference the check cannot judge: a person confirms it.
    Unresolved,
}

impl FindingKind {
    /// Stable English name, as serialized.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Missing => "missing",
            Self::Narrowed => "narrowed",
            Self::Lowered => "lowered",
            Self::Shifted => "shifted",
            Self::Unresolved => "unresolved",
        }
    }

    /// Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Missing => "国家事项缺失",
            Self::Narrowed => "服务对象缩小",
            Self::Lowered => "服务标准降低",
            Self::Shifted => "支出责任改变",
            Self::Unresolved => "需人工确认",
        }
    }
}

/// One thing about the list that may fall below the national standard.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Finding {
    /// What kind.
    pub kind: FindingKind,
    /// The national item.
    pub national_code: String,
    /// Its name.
    pub national_name: String,
    /// The local item, when one was compared.
    pub local_code: Option<String>,
    /// Column key (`standard`, `target_population`, `expenditure_responsibility`), or
    /// empty for a missing item.
    pub field: &'static str,
    /// What the national standard says.
    pub national: String,
    /// What the local list says.
    pub local: String,
    /// The finding in a sentence, in Chinese.
    pub message: String,
}

/// How the local list relates to one national item, or what a local item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// 持平: carried as the national standard says.
    Equal,
    /// 提标: raised (a quantity higher, the population wider, or a raising item).
    Raised,
    /// 降标: below the national standard in some respect (see the findings).
    Below,
    /// 未覆盖: not in the local list.
    Uncovered,
    /// 特色: a local item beyond the national list.
    Featured,
}

impl Relation {
    /// Every relation, in the order pages show them.
    pub const ALL: [Relation; 5] = [
        Self::Equal,
        Self::Raised,
        Self::Featured,
        Self::Uncovered,
        Self::Below,
    ];

    /// Stable English name, as serialized.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Equal => "equal",
            Self::Raised => "raised",
            Self::Below => "below",
            Self::Uncovered => "uncovered",
            Self::Featured => "featured",
        }
    }

    /// Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Equal => "持平",
            Self::Raised => "提标",
            Self::Below => "降标",
            Self::Uncovered => "未覆盖",
            Self::Featured => "特色",
        }
    }
}

/// A national item and the local items that answer for it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FloorEntry {
    /// The national item's code.
    pub national_code: String,
    /// Its name.
    pub national_name: String,
    /// How the local list relates to it.
    pub relation: Relation,
    /// Codes of the local items that carry it or name it as base.
    pub local_codes: Vec<String>,
    /// The quantities compared, per local item compared.
    pub comparisons: Vec<(String, Comparison)>,
}

/// The floor check of one local list against one national reference.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct FloorReport {
    /// One entry per national item, in the reference's order.
    pub entries: Vec<FloorEntry>,
    /// Codes of local items beyond the reference (特色), in list order.
    pub featured: Vec<String>,
    /// Everything a person must look at, national item by national item.
    pub findings: Vec<Finding>,
}

impl FloorReport {
    /// The findings not in `before`: what a change brings, which approval must justify.
    pub fn new_findings<'a>(&'a self, before: &FloorReport) -> Vec<&'a Finding> {
        let old: HashSet<&Finding> = before.findings.iter().collect();
        self.findings.iter().filter(|f| !old.contains(f)).collect()
    }
}

/// Rank of a population scope, narrowest first.
fn scope_rank(p: PopulationKind) -> usize {
    PopulationKind::ALL
        .iter()
        .position(|k| *k == p)
        .unwrap_or(0)
}

/// Words that make a 服务对象 narrower when the national text does not have them.
const RESTRICTING: &[&str] = &["仅限", "限于", "仅"];

/// Compares one local item with the national item it answers for.
fn compare_item(
    n: &ServiceItem,
    l: &ServiceItem,
    expenditure: bool,
) -> (Vec<Comparison>, Vec<Finding>) {
    let mut comparisons = Vec::new();
    let mut findings = Vec::new();
    let finding = |kind: FindingKind,
                   field: &'static str,
                   national: String,
                   local: String,
                   message: String| Finding {
        kind,
        national_code: n.code.to_string(),
        national_name: n.name.clone(),
        local_code: Some(l.code.to_string()),
        field,
        national,
        local,
        message,
    };
    let who = format!("事项 {}（{}）", l.code, l.name);
    for c in compare_texts("standard", &n.standard, &l.standard) {
        match c.verdict {
            Verdict::Lowered => findings.push(finding(
                FindingKind::Lowered,
                "standard",
                c.national.clone(),
                c.local.clone(),
                format!(
                    "{who}的服务标准「{}」低于国家标准「{}」",
                    c.local, c.national
                ),
            )),
            Verdict::Incomparable => findings.push(finding(
                FindingKind::Unresolved,
                "standard",
                c.national.clone(),
                c.local.clone(),
                if c.local.is_empty() && !c.unit.is_empty() {
                    format!("{who}的服务标准中找不到与国家标准「{}」对应的数量，请人工确认不低于国家标准", c.national)
                } else if c.unit.is_empty() {
                    format!("{who}的服务标准文字与国家标准不同且无可比较的数量，请人工确认不低于国家标准")
                } else {
                    format!("{who}的服务标准「{}」与国家标准「{}」无法自动比较，请人工确认", c.local, c.national)
                },
            )),
            Verdict::Equal | Verdict::Raised => {}
        }
        comparisons.push(c);
    }
    // 服务对象.
    let (nt, lt) = (
        normalized(&n.target_population),
        normalized(&l.target_population),
    );
    let mut narrowed = Vec::new();
    let mut widened = false;
    let mut undecided = false;
    if nt != lt {
        let ages = compare_texts(
            "target_population",
            &n.target_population,
            &l.target_population,
        );
        let age_cmp: Vec<Comparison> = ages.into_iter().filter(|c| c.unit == "岁").collect();
        for c in &age_cmp {
            match c.verdict {
                Verdict::Lowered => {
                    narrowed.push(format!("年龄条件由「{}」改为「{}」", c.national, c.local))
                }
                Verdict::Raised => widened = true,
                Verdict::Incomparable => undecided = true,
                Verdict::Equal => {}
            }
        }
        comparisons.extend(age_cmp);
        let says_hukou =
            |t: &str| t.contains("户籍") && !t.contains("非户籍") && !t.contains("不限户籍");
        if says_hukou(&lt) && !says_hukou(&nt) {
            narrowed.push("增加了户籍限制".to_string());
        }
        if let Some(w) = RESTRICTING
            .iter()
            .find(|w| lt.contains(**w) && !nt.contains(**w))
        {
            narrowed.push(format!("增加了「{w}」限定"));
        }
        if narrowed.is_empty() && !widened {
            undecided = true;
        }
    }
    if scope_rank(l.population_scope) < scope_rank(n.population_scope) {
        narrowed.push(format!(
            "人口范围由{}缩小为{}",
            n.population_scope.label(),
            l.population_scope.label()
        ));
    }
    if !narrowed.is_empty() {
        findings.push(finding(
            FindingKind::Narrowed,
            "target_population",
            n.target_population.clone(),
            l.target_population.clone(),
            format!("{who}的服务对象比国家标准窄：{}", narrowed.join("；")),
        ));
    } else if undecided {
        findings.push(finding(
            FindingKind::Unresolved,
            "target_population",
            n.target_population.clone(),
            l.target_population.clone(),
            format!(
                "{who}的服务对象「{}」与国家标准「{}」表述不同，请人工确认没有缩小",
                l.target_population, n.target_population
            ),
        ));
    } else if widened {
        comparisons.push(Comparison {
            field: "target_population",
            unit: String::new(),
            national: n.target_population.clone(),
            local: l.target_population.clone(),
            verdict: Verdict::Raised,
        });
    }
    if expenditure {
        let parse = |s: &ExpenditureResponsibility| s.text().to_string();
        if n.expenditure_responsibility != l.expenditure_responsibility {
            findings.push(finding(
                FindingKind::Shifted,
                "expenditure_responsibility",
                parse(&n.expenditure_responsibility),
                parse(&l.expenditure_responsibility),
                format!(
                    "{who}的支出责任由国家标准的「{}」改为「{}」",
                    n.expenditure_responsibility.text(),
                    l.expenditure_responsibility.text()
                ),
            ));
        }
    }
    (comparisons, findings)
}

/// Checks a local list against a national reference: see the module documentation.
pub fn check_floor(national: &[ServiceItem], local: &[ServiceItem]) -> FloorReport {
    let mut report = FloorReport::default();
    let national_codes: HashSet<&str> = national.iter().map(|n| n.code.as_str()).collect();
    for n in national {
        let code = n.code.as_str();
        let carriers: Vec<&ServiceItem> = local
            .iter()
            .filter(|l| {
                l.code.as_str() == code
                    || l.base_code.as_ref().is_some_and(|b| b.as_str() == code)
                        && l.base_relation != Some(BaseRelation::Raises)
            })
            .collect();
        let raisers: Vec<&ServiceItem> = local
            .iter()
            .filter(|l| {
                l.code.as_str() != code
                    && l.base_code.as_ref().is_some_and(|b| b.as_str() == code)
                    && l.base_relation == Some(BaseRelation::Raises)
            })
            .collect();
        let mut entry = FloorEntry {
            national_code: code.to_string(),
            national_name: n.name.clone(),
            relation: Relation::Equal,
            local_codes: carriers
                .iter()
                .chain(&raisers)
                .map(|l| l.code.to_string())
                .collect(),
            comparisons: Vec::new(),
        };
        if carriers.is_empty() && raisers.is_empty() {
            entry.relation = Relation::Uncovered;
            report.findings.push(Finding {
                kind: FindingKind::Missing,
                national_code: code.to_string(),
                national_name: n.name.clone(),
                local_code: None,
                field: "",
                national: n.name.clone(),
                local: String::new(),
                message: format!(
                    "国家基本公共服务事项 {code}（{}）不在清单中，也没有事项以它为基准事项承接",
                    n.name
                ),
            });
            report.entries.push(entry);
            continue;
        }
        // The items that carry the national item answer for the floor; a raising item
        // does only when nothing else carries it.
        let compared: Vec<(&ServiceItem, bool)> = if carriers.is_empty() {
            raisers.iter().map(|l| (*l, false)).collect()
        } else {
            carriers.iter().map(|l| (*l, true)).collect()
        };
        let mut below = false;
        let mut raised = !raisers.is_empty();
        for (l, expenditure) in compared {
            let (cmps, findings) = compare_item(n, l, expenditure);
            below |= findings.iter().any(|f| f.kind != FindingKind::Unresolved);
            raised |= cmps.iter().any(|c| c.verdict == Verdict::Raised);
            entry
                .comparisons
                .extend(cmps.into_iter().map(|c| (l.code.to_string(), c)));
            report.findings.extend(findings);
        }
        entry.relation = if below {
            Relation::Below
        } else if raised {
            Relation::Raised
        } else {
            Relation::Equal
        };
        report.entries.push(entry);
    }
    report.featured = local
        .iter()
        .filter(|l| {
            !national_codes.contains(l.code.as_str())
                && !l
                    .base_code
                    .as_ref()
                    .is_some_and(|b| national_codes.contains(b.as_str()))
        })
        .map(|l| l.code.to_string())
        .collect();
    report
}

#[cfg(test)]
mod tests;
