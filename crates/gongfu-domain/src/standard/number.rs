//! Standard numbers (标准编号): `CODE NUMBER[.PART]—YEAR`, parsed into parts and printed in one
//! canonical form.
//!
//! People write the same number many ways: `GB/T 1.1—2020` in the official text, `GB/T1.1-2020`
//! in a database, `ＧＢ／Ｔ　１．１－２０２０` out of a Word file, `gb/t 1.1 - 2020` typed on a
//! phone. All of them are one standard, so the registry keys standards by the canonical form
//! ([`StandardNumber`]'s `Display`: code, one space, number, hyphen, year) and keeps the official
//! em-dash form for print ([`StandardNumber::official`]).
//!
//! Which two-letter codes are sector codes is data ([`NumberRules`], from
//! `data/standards/sector-codes.csv`), and so is the pattern of a district's internal norms,
//! which have no national scheme.

use std::collections::BTreeMap;
use std::fmt;

use crate::text::fold_width;

/// The sector codes shipped with gongfu: 行业标准代号 as published by the national
/// standardization administration (see `data/README.md`).
pub const SECTOR_CODES_CSV: &str = include_str!("../../../../data/standards/sector-codes.csv");

/// The oldest year a standard number may carry: the PRC's first national standards date from
/// the 1950s, and a smaller year is a typing error.
const MIN_YEAR: u16 = 1950;
/// A year beyond this is a typing error, not a future standard.
const MAX_YEAR: u16 = 2099;

/// What the parser must know besides the number: the sector codes and the patterns of the
/// district's internal norms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberRules {
    sectors: BTreeMap<String, String>,
    internal: Vec<InternalPattern>,
}

impl Default for NumberRules {
    /// The shipped sector codes and no internal-norm pattern.
    fn default() -> Self {
        Self::from_sector_table(SECTOR_CODES_CSV)
    }
}

impl NumberRules {
    /// Reads a sector table: a header line, then `code,sector[,anything]` per line.
    /// Lines that are empty or whose code is not 2-3 ASCII capitals are skipped, which keeps
    /// the header and comments out.
    pub fn from_sector_table(csv: &str) -> Self {
        let sectors = csv
            .lines()
            .filter_map(|line| {
                let mut cols = line.split(',');
                let code = cols.next()?.trim();
                let name = cols.next()?.trim();
                let ok =
                    (2..=3).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_uppercase());
                ok.then(|| (code.to_string(), name.to_string()))
            })
            .collect();
        Self {
            sectors,
            internal: vec![],
        }
    }

    /// Adds an internal-norm pattern such as `FTNB {seq}-{year}` (see [`InternalPattern`]).
    pub fn with_internal(mut self, pattern: InternalPattern) -> Self {
        self.internal.push(pattern);
        self
    }

    /// The sector's name for a code (`MZ` -> 民政), if the code is known.
    pub fn sector_name(&self, code: &str) -> Option<&str> {
        self.sectors.get(code).map(String::as_str)
    }

    /// The internal-norm patterns, first one first.
    pub fn internal_patterns(&self) -> &[InternalPattern] {
        &self.internal
    }
}

/// How binding a standard is: the `/T` or `/Z` after the code, or nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Nature {
    /// 强制性: no suffix (GB, DB44).
    Mandatory,
    /// 推荐性: `/T`.
    Recommended,
    /// 指导性技术文件: `/Z`.
    Guidance,
}

impl Nature {
    fn suffix(self) -> &'static str {
        match self {
            Nature::Mandatory => "",
            Nature::Recommended => "/T",
            Nature::Guidance => "/Z",
        }
    }
}

/// Who issued the standard, as its code says.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Issuer {
    /// `GB`: a national standard.
    National,
    /// A sector (行业) code such as `MZ`.
    Sector(String),
    /// `DB` + 2-digit province or 4-digit city division code.
    Local(String),
    /// `T/` + the group's (团体) code, e.g. `CAS`.
    Group(String),
    /// `Q/` + the enterprise's code.
    Enterprise(String),
    /// A district's internal norm, printed through the pattern it matched.
    Internal(InternalPattern),
}

crate::catalog::labelled_enum! {
    /// The level of a standard, read off its number.
    StandardLevel {
        /// 强制性国家标准 (GB).
        NationalMandatory = ("national_mandatory", "强制性国家标准"),
        /// 推荐性国家标准 (GB/T) and guidance documents (GB/Z).
        NationalRecommended = ("national_recommended", "推荐性国家标准"),
        /// 行业标准 (MZ/T, WS/T, ...).
        Sector = ("sector", "行业标准"),
        /// 省级地方标准 (DB44/T).
        ProvincialLocal = ("provincial_local", "省级地方标准"),
        /// 市级地方标准 (DB4403/T).
        CityLocal = ("city_local", "市级地方标准"),
        /// 团体标准 (T/...).
        Group = ("group", "团体标准"),
        /// 企业标准 (Q/...).
        Enterprise = ("enterprise", "企业标准"),
        /// 内部规范: the district's own norms.
        Internal = ("internal", "内部规范"),
    }
}

/// A parsed standard number. Its `Display` is the canonical form, `GB/T 1.1-2020`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StandardNumber {
    issuer: Issuer,
    nature: Nature,
    /// The serial number with its parts, as written (leading zeros are significant: MZ/T 001).
    number: String,
    year: Option<u16>,
}

/// What is wrong with a standard number, naming the part at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NumberError {
    /// Nothing was given.
    #[error("{}", crate::msg!("number-empty"))]
    Empty,
    /// The code is not one gongfu knows.
    #[error("{}", crate::msg!("number-unknown-code", input = input, code = code, internal = internal, hint = hint))]
    UnknownCode {
        /// The whole input.
        input: String,
        /// The code as read.
        code: String,
        /// The configured internal patterns, for the message.
        internal: String,
        /// A likely fix.
        hint: String,
    },
    /// The suffix after the code is not `/T` or `/Z`.
    #[error("{}", crate::msg!("number-bad-suffix", input = input, suffix = suffix))]
    BadSuffix {
        /// The whole input.
        input: String,
        /// The suffix as read.
        suffix: String,
    },
    /// `DB` is followed by digits that are no province or city code.
    #[error("{}", crate::msg!("number-bad-region", input = input, digits = digits, why = why))]
    BadRegion {
        /// The whole input.
        input: String,
        /// The digits as read.
        digits: String,
        /// What is wrong with them.
        why: String,
    },
    /// `T/` or `Q/` without the group's or enterprise's code.
    #[error("{}", crate::msg!("number-missing-org", input = input, prefix = prefix, what = what, example = example))]
    MissingOrgCode {
        /// The whole input.
        input: String,
        /// `T/` or `Q/`.
        prefix: String,
        /// group or enterprise.
        what: String,
        /// An example.
        example: String,
    },
    /// No serial number after the code.
    #[error("{}", crate::msg!("number-missing-number", input = input, code = code))]
    MissingNumber {
        /// The whole input.
        input: String,
        /// The code as read.
        code: String,
    },
    /// The serial number or a part is malformed.
    #[error("{}", crate::msg!("number-bad-number", input = input, number = number))]
    BadNumber {
        /// The whole input.
        input: String,
        /// The number as read.
        number: String,
    },
    /// The year is malformed or out of range.
    #[error("{}", crate::msg!("number-bad-year", input = input, year = year, min = MIN_YEAR, max = MAX_YEAR))]
    BadYear {
        /// The whole input.
        input: String,
        /// The year as read.
        year: String,
    },
    /// Something follows the year.
    #[error("{}", crate::msg!("number-trailing", input = input, rest = rest))]
    Trailing {
        /// The whole input.
        input: String,
        /// What follows.
        rest: String,
    },
}

impl NumberError {
    /// The part of the number at fault: `code`, `region`, `number`, `year` or `rest`.
    pub fn part(&self) -> &'static str {
        match self {
            NumberError::Empty | NumberError::UnknownCode { .. } => "code",
            NumberError::BadSuffix { .. } | NumberError::MissingOrgCode { .. } => "code",
            NumberError::BadRegion { .. } => "region",
            NumberError::MissingNumber { .. } | NumberError::BadNumber { .. } => "number",
            NumberError::BadYear { .. } => "year",
            NumberError::Trailing { .. } => "rest",
        }
    }
}

/// Provinces' two-digit division codes (GB/T 2260). Local standards exist for 11-65; Taiwan,
/// Hong Kong and Macao issue none under this scheme.
const PROVINCES: &[(&str, &str)] = &[
    ("11", "北京市"),
    ("12", "天津市"),
    ("13", "河北省"),
    ("14", "山西省"),
    ("15", "内蒙古自治区"),
    ("21", "辽宁省"),
    ("22", "吉林省"),
    ("23", "黑龙江省"),
    ("31", "上海市"),
    ("32", "江苏省"),
    ("33", "浙江省"),
    ("34", "安徽省"),
    ("35", "福建省"),
    ("36", "江西省"),
    ("37", "山东省"),
    ("41", "河南省"),
    ("42", "湖北省"),
    ("43", "湖南省"),
    ("44", "广东省"),
    ("45", "广西壮族自治区"),
    ("46", "海南省"),
    ("50", "重庆市"),
    ("51", "四川省"),
    ("52", "贵州省"),
    ("53", "云南省"),
    ("54", "西藏自治区"),
    ("61", "陕西省"),
    ("62", "甘肃省"),
    ("63", "青海省"),
    ("64", "宁夏回族自治区"),
    ("65", "新疆维吾尔自治区"),
];

/// The province's name for a two-digit division code (`44` -> 广东省).
pub fn province_name(code: &str) -> Option<&'static str> {
    PROVINCES.iter().find(|(c, _)| *c == code).map(|(_, n)| *n)
}

/// Normalizes for parsing: full-width to ASCII, every dash to `-`, letters to upper case.
fn normalize(raw: &str) -> Vec<char> {
    fold_width(raw)
        .chars()
        .map(|c| match c {
            // Em dash (the official form), en dash, horizontal bar, figure dash, hyphen,
            // non-breaking hyphen, minus sign, box-drawing line: all the year's dash.
            '\u{2014}' | '\u{2013}' | '\u{2015}' | '\u{2012}' | '\u{2010}' | '\u{2011}'
            | '\u{2212}' | '\u{2500}' => '-',
            c if c.is_whitespace() => ' ',
            c => c.to_ascii_uppercase(),
        })
        .collect()
}

/// A cursor over the normalized characters.
struct Cursor<'a> {
    s: &'a [char],
    /// The input before normalization, char for char, for quoting it in errors as written.
    orig: &'a [char],
    i: usize,
}

impl Cursor<'_> {
    /// The original text from `start` to the cursor.
    fn written(&self, start: usize) -> String {
        self.orig[start.min(self.i)..self.i].iter().collect()
    }
    fn peek(&self) -> Option<char> {
        self.s.get(self.i).copied()
    }
    fn skip_spaces(&mut self) {
        while self.peek() == Some(' ') {
            self.i += 1;
        }
    }
    fn take_while(&mut self, f: impl Fn(char) -> bool) -> String {
        let start = self.i;
        while self.peek().is_some_and(&f) {
            self.i += 1;
        }
        self.s[start..self.i].iter().collect()
    }
    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn rest(&self) -> String {
        self.s[self.i..]
            .iter()
            .collect::<String>()
            .trim()
            .to_string()
    }
}

impl StandardNumber {
    /// Parses a whole string as a standard number.
    pub fn parse(raw: &str, rules: &NumberRules) -> Result<Self, NumberError> {
        let (n, rest) = Self::parse_prefix(raw, rules)?;
        if !rest.trim().is_empty() {
            return Err(NumberError::Trailing {
                input: raw.trim().to_string(),
                rest: rest.trim().to_string(),
            });
        }
        Ok(n)
    }

    /// Parses a standard number at the start of `raw` and returns what follows it, as a
    /// reference list writes `GB/T 1.1—2020  标准化工作导则　第1部分`. The rest is returned as
    /// written (not normalized).
    pub fn parse_prefix<'r>(
        raw: &'r str,
        rules: &NumberRules,
    ) -> Result<(Self, &'r str), NumberError> {
        let input = raw.trim().to_string();
        if input.is_empty() {
            return Err(NumberError::Empty);
        }
        let chars = normalize(raw);
        // Normalization maps one char to one char, so an index into `chars` is an index into
        // `raw`'s chars.
        for p in &rules.internal {
            if let Some((number, year, used)) = p.match_prefix(&chars) {
                let n = StandardNumber {
                    issuer: Issuer::Internal(p.clone()),
                    nature: Nature::Recommended,
                    number,
                    year: Some(year),
                };
                return Ok((n, rest_of(raw, used)));
            }
        }
        let orig: Vec<char> = raw.chars().collect();
        let mut c = Cursor {
            s: &chars,
            orig: &orig,
            i: 0,
        };
        c.skip_spaces();
        let letters = c.take_while(|ch| ch.is_ascii_uppercase());
        c.skip_spaces();
        let issuer = match letters.as_str() {
            "GB" => Issuer::National,
            "DB" if c.peek().is_some_and(|ch| ch.is_ascii_digit()) => {
                let digits = c.take_while(|ch| ch.is_ascii_digit());
                local_region(&input, &digits)?;
                Issuer::Local(digits)
            }
            "T" | "Q" if c.peek() == Some('/') => {
                c.i += 1;
                c.skip_spaces();
                let (what, example) = if letters == "T" {
                    ("团体", "T/CAS 290-2017")
                } else {
                    ("企业", "Q/GDW 1234-2014")
                };
                let token = c.take_while(|ch| ch.is_ascii_alphanumeric());
                // Without a space, "CAS290" is the code "CAS" and the number "290": split at
                // the last letter.
                let mut after = c.i;
                while c.s.get(after) == Some(&' ') {
                    after += 1;
                }
                let number_follows =
                    after > c.i && c.s.get(after).is_some_and(|ch| ch.is_ascii_digit());
                let org = if number_follows || token.chars().all(|ch| ch.is_ascii_uppercase()) {
                    token
                } else {
                    let cut = token
                        .rfind(|ch: char| ch.is_ascii_uppercase())
                        .map(|i| i + 1)
                        .unwrap_or(0);
                    c.i -= token.len() - cut;
                    token[..cut].to_string()
                };
                if org.is_empty() {
                    return Err(NumberError::MissingOrgCode {
                        input,
                        prefix: format!("{letters}/"),
                        what: what.into(),
                        example: example.into(),
                    });
                }
                if letters == "T" {
                    Issuer::Group(org)
                } else {
                    Issuer::Enterprise(org)
                }
            }
            code if rules.sectors.contains_key(code) => Issuer::Sector(code.to_string()),
            _ => {
                let hint = match letters.as_str() {
                    "GBT" => crate::msg!("number-hint-gbt"),
                    "DB" => crate::msg!("number-hint-db"),
                    _ => String::new(),
                };
                let internal = if rules.internal.is_empty() {
                    crate::msg!("number-internal-none", example = "FTNB {seq}-{year}")
                } else {
                    let ps: Vec<&str> = rules.internal.iter().map(|p| p.raw.as_str()).collect();
                    crate::msg!("number-internal-known", patterns = ps.join("、"))
                };
                let code = if letters.is_empty() {
                    c.rest()
                } else {
                    letters
                };
                return Err(NumberError::UnknownCode {
                    input,
                    code,
                    internal,
                    hint,
                });
            }
        };
        // The nature suffix, except for group and enterprise codes whose `/` is part of the
        // prefix.
        let mut nature = Nature::Mandatory;
        if matches!(
            issuer,
            Issuer::National | Issuer::Sector(_) | Issuer::Local(_)
        ) {
            c.skip_spaces();
            if c.eat('/') {
                c.skip_spaces();
                let suffix_start = c.i;
                let suffix = c.take_while(|ch| ch.is_ascii_uppercase());
                nature = match (suffix.as_str(), &issuer) {
                    ("T", _) => Nature::Recommended,
                    ("Z", Issuer::National | Issuer::Sector(_)) => Nature::Guidance,
                    _ => {
                        return Err(NumberError::BadSuffix {
                            input,
                            suffix: format!("/{}", c.written(suffix_start)),
                        })
                    }
                };
            }
        }
        let code = StandardNumber {
            issuer: issuer.clone(),
            nature,
            number: String::new(),
            year: None,
        }
        .code();
        c.skip_spaces();
        let number_start = c.i;
        let number = c.take_while(|ch| ch.is_ascii_digit() || ch == '.');
        if number.is_empty() {
            return Err(NumberError::MissingNumber { input, code });
        }
        let well_formed = !number.starts_with('.')
            && !number.ends_with('.')
            && !number.contains("..")
            && number.len() <= 16
            && !c.peek().is_some_and(|ch| ch.is_ascii_alphanumeric());
        if !well_formed {
            c.take_while(|ch| ch.is_ascii_alphanumeric() || ch == '.');
            return Err(NumberError::BadNumber {
                input,
                number: c.written(number_start),
            });
        }
        let before_dash = c.i;
        c.skip_spaces();
        let mut year = None;
        if c.eat('-') {
            c.skip_spaces();
            let year_start = c.i;
            let digits = c.take_while(|ch| ch.is_ascii_digit());
            let glued = c.peek().is_some_and(|ch| ch.is_ascii_alphanumeric());
            let y = match (digits.len(), digits.parse::<u16>()) {
                // Before 1995 numbers carried two-digit years: GB 3100-93 is GB 3100-1993.
                (2, Ok(y)) if !glued => Some(1900 + y),
                (4, Ok(y)) if !glued => Some(y),
                _ => None,
            }
            .filter(|y| (MIN_YEAR..=MAX_YEAR).contains(y));
            match y {
                Some(y) => year = Some(y),
                None => {
                    c.take_while(|ch| ch.is_ascii_alphanumeric());
                    return Err(NumberError::BadYear {
                        input,
                        year: c.written(year_start),
                    });
                }
            }
        } else {
            c.i = before_dash;
        }
        let n = StandardNumber {
            issuer,
            nature,
            number,
            year,
        };
        Ok((n, rest_of(raw, c.i)))
    }

    /// The code with its nature suffix: `GB/T`, `MZ/T`, `DB4403/T`, `T/CAS`, `Q/GDW`, or the
    /// internal pattern's text before its first placeholder.
    pub fn code(&self) -> String {
        let s = self.nature.suffix();
        match &self.issuer {
            Issuer::National => format!("GB{s}"),
            Issuer::Sector(c) => format!("{c}{s}"),
            Issuer::Local(d) => format!("DB{d}{s}"),
            Issuer::Group(g) => format!("T/{g}"),
            Issuer::Enterprise(q) => format!("Q/{q}"),
            Issuer::Internal(p) => p.code(),
        }
    }

    /// Who issued it.
    pub fn issuer(&self) -> &Issuer {
        &self.issuer
    }

    /// Mandatory, recommended or guidance.
    pub fn nature(&self) -> Nature {
        self.nature
    }

    /// The serial number without parts: `300` of `300.1`.
    pub fn serial(&self) -> &str {
        self.number.split('.').next().unwrap_or(&self.number)
    }

    /// The parts after the serial number: `["1"]` of `300.1`.
    pub fn parts(&self) -> Vec<&str> {
        self.number.split('.').skip(1).collect()
    }

    /// Serial number with parts, `300.1`.
    pub fn number(&self) -> &str {
        &self.number
    }

    /// The year, if the number is dated.
    pub fn year(&self) -> Option<u16> {
        self.year
    }

    /// The number without its year, which names every edition (an undated reference).
    pub fn undated(&self) -> StandardNumber {
        StandardNumber {
            year: None,
            ..self.clone()
        }
    }

    /// The level, read off the code.
    pub fn level(&self) -> StandardLevel {
        match (&self.issuer, self.nature) {
            (Issuer::National, Nature::Mandatory) => StandardLevel::NationalMandatory,
            (Issuer::National, _) => StandardLevel::NationalRecommended,
            (Issuer::Sector(_), _) => StandardLevel::Sector,
            (Issuer::Local(d), _) if d.len() == 2 => StandardLevel::ProvincialLocal,
            (Issuer::Local(_), _) => StandardLevel::CityLocal,
            (Issuer::Group(_), _) => StandardLevel::Group,
            (Issuer::Enterprise(_), _) => StandardLevel::Enterprise,
            (Issuer::Internal(_), _) => StandardLevel::Internal,
        }
    }

    /// The form official texts print: an em dash before the year, `GB/T 1.1—2020`.
    pub fn official(&self) -> String {
        self.render("—")
    }

    fn render(&self, dash: &str) -> String {
        if let Issuer::Internal(p) = &self.issuer {
            return p.render(&self.number, self.year, dash);
        }
        match self.year {
            Some(y) => format!("{} {}{dash}{y}", self.code(), self.number),
            None => format!("{} {}", self.code(), self.number),
        }
    }
}

impl fmt::Display for StandardNumber {
    /// The canonical form: `DB4403/T 300.1-2022`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render("-"))
    }
}

impl serde::Serialize for StandardNumber {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The original text after the first `used` characters.
fn rest_of(raw: &str, used: usize) -> &str {
    match raw.char_indices().nth(used) {
        Some((i, _)) => &raw[i..],
        None => "",
    }
}

fn local_region(input: &str, digits: &str) -> Result<(), NumberError> {
    let err = |why: &str| NumberError::BadRegion {
        input: input.to_string(),
        digits: digits.to_string(),
        why: why.to_string(),
    };
    match digits.len() {
        2 | 4 => {}
        6 => return Err(err(&crate::msg!("number-region-county"))),
        _ => return Err(err(&crate::msg!("number-region-length"))),
    }
    if province_name(&digits[..2]).is_none() {
        return Err(err(&crate::msg!("number-region-province")));
    }
    if digits.len() == 4 && &digits[2..] == "00" {
        return Err(err(&crate::msg!("number-region-no-city")));
    }
    Ok(())
}

/// The number pattern of a district's internal norms (内部规范), which no national scheme
/// covers: literal text with the placeholders `{seq}` (digits, with parts after dots) and
/// `{year}` (four digits), e.g. `FTNB {seq}-{year}`. Matching ignores spaces, width and case,
/// and accepts any dash, like the national numbers.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct InternalPattern {
    raw: String,
    tokens: Vec<Token>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Token {
    Literal(Vec<char>),
    Seq,
    Year,
}

/// Why an internal-norm pattern is unusable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("internal-norm pattern '{pattern}' {why}")]
pub struct PatternError {
    pattern: String,
    why: String,
}

impl InternalPattern {
    /// Parses a pattern. It must start with literal text (the district's code), contain
    /// `{seq}` and `{year}` once each, and put a non-digit between them.
    pub fn parse(raw: &str) -> Result<Self, PatternError> {
        let err = |why: &str| PatternError {
            pattern: raw.to_string(),
            why: why.to_string(),
        };
        let mut tokens = vec![];
        let mut rest = raw;
        while !rest.is_empty() {
            if let Some(r) = rest.strip_prefix("{seq}") {
                tokens.push(Token::Seq);
                rest = r;
            } else if let Some(r) = rest.strip_prefix("{year}") {
                tokens.push(Token::Year);
                rest = r;
            } else {
                let end = rest.find('{').filter(|&i| i > 0).unwrap_or(rest.len());
                let lit: Vec<char> = normalize(&rest[..end])
                    .into_iter()
                    .filter(|c| *c != ' ')
                    .collect();
                if lit.iter().any(|c| *c == '{' || *c == '}') {
                    return Err(err("has an unknown placeholder: use {seq} and {year}"));
                }
                if !lit.is_empty() {
                    tokens.push(Token::Literal(lit));
                }
                rest = &rest[end..];
            }
        }
        let count = |t: &Token| tokens.iter().filter(|x| *x == t).count();
        if count(&Token::Seq) != 1 || count(&Token::Year) != 1 {
            return Err(err("must contain {seq} and {year} exactly once each"));
        }
        if !matches!(tokens.first(), Some(Token::Literal(_))) {
            return Err(err(
                "must start with the district's code, e.g. 'FTNB {seq}-{year}'",
            ));
        }
        for w in tokens.windows(2) {
            let digit_next = match &w[1] {
                Token::Literal(l) => l.first().is_some_and(|c| c.is_ascii_digit() || *c == '.'),
                _ => true,
            };
            if matches!(w[0], Token::Seq | Token::Year) && digit_next {
                return Err(err(
                    "must put a separator such as '-' between {seq} and {year}",
                ));
            }
        }
        Ok(Self {
            raw: raw.to_string(),
            tokens,
        })
    }

    /// The pattern as configured.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    fn code(&self) -> String {
        self.raw.split('{').next().unwrap_or("").trim().to_string()
    }

    fn render(&self, seq: &str, year: Option<u16>, dash: &str) -> String {
        let year = year.map(|y| y.to_string()).unwrap_or_default();
        let dashed: String = self
            .raw
            .chars()
            .map(|c| match normalize(&c.to_string()).first() {
                Some('-') => '-',
                _ => c,
            })
            .collect();
        dashed
            .replace('-', dash)
            .replace("{seq}", seq)
            .replace("{year}", &year)
    }

    /// Matches at the start of normalized input; returns (seq, year, chars consumed).
    fn match_prefix(&self, s: &[char]) -> Option<(String, u16, usize)> {
        let mut i = 0;
        let skip = |i: &mut usize| {
            while s.get(*i) == Some(&' ') {
                *i += 1;
            }
        };
        let (mut seq, mut year) = (None, None);
        for t in &self.tokens {
            skip(&mut i);
            match t {
                Token::Literal(l) => {
                    for want in l {
                        skip(&mut i);
                        if s.get(i) != Some(want) {
                            return None;
                        }
                        i += 1;
                    }
                }
                Token::Seq => {
                    let start = i;
                    while s.get(i).is_some_and(|c| c.is_ascii_digit() || *c == '.') {
                        i += 1;
                    }
                    let v: String = s[start..i].iter().collect();
                    if v.is_empty()
                        || v.starts_with('.')
                        || v.ends_with('.')
                        || v.contains("..")
                        || v.len() > 16
                    {
                        return None;
                    }
                    seq = Some(v);
                }
                Token::Year => {
                    let start = i;
                    while s.get(i).is_some_and(|c| c.is_ascii_digit()) {
                        i += 1;
                    }
                    let v: String = s[start..i].iter().collect();
                    let y: u16 = v
                        .parse()
                        .ok()
                        .filter(|y| v.len() == 4 && (MIN_YEAR..=MAX_YEAR).contains(y))?;
                    year = Some(y);
                }
            }
        }
        Some((seq?, year?, i))
    }
}

#[cfg(test)]
mod tests;
