//! Word's automatic numbering (`word/numbering.xml`), rendered to the labels a reader sees.
//!
//! GB/T templates number chapters, clauses, annexes and list items with numbering
//! definitions, not in the text: the paragraph says "范围" and Word prints "1　范围"; it says
//! "受理" and Word prints "a)　受理". Without this module the checker would see unnumbered
//! headings and unmarked list items. Only what a label needs is read: each abstract
//! definition's levels (start, format, level text such as `%1.%2` or `%1)`), each instance's
//! abstract definition and start overrides. Counters are kept per abstract definition, as
//! Word and LibreOffice continue a list across instances that share one, and an instance with
//! a start override restarts its level the first time it is used.

use std::collections::{HashMap, HashSet};
use std::io::Read;

use quick_xml::events::Event;

use crate::limits::{Limit, Tally};
use crate::xml::{attr, XmlPart};
use crate::TextError;

/// How a level prints its counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fmt {
    Decimal,
    DecimalZero,
    LowerLetter,
    UpperLetter,
    LowerRoman,
    UpperRoman,
    Chinese,
    Circled,
    /// A bullet: the level text is printed as it is.
    Bullet,
    /// Nothing.
    None,
}

fn fmt_of(v: &str) -> Fmt {
    match v {
        "decimalZero" => Fmt::DecimalZero,
        "lowerLetter" => Fmt::LowerLetter,
        "upperLetter" => Fmt::UpperLetter,
        "lowerRoman" => Fmt::LowerRoman,
        "upperRoman" => Fmt::UpperRoman,
        "chineseCounting"
        | "chineseCountingThousand"
        | "ideographTraditional"
        | "ideographDigital"
        | "japaneseCounting"
        | "taiwaneseCounting"
        | "taiwaneseCountingThousand"
        | "chineseLegalSimplified" => Fmt::Chinese,
        "decimalEnclosedCircle" | "decimalEnclosedCircleChinese" => Fmt::Circled,
        "bullet" => Fmt::Bullet,
        "none" => Fmt::None,
        _ => Fmt::Decimal,
    }
}

#[derive(Debug, Clone)]
struct Level {
    start: u32,
    fmt: Fmt,
    text: String,
}

impl Default for Level {
    fn default() -> Self {
        Level {
            start: 1,
            fmt: Fmt::Decimal,
            text: String::new(),
        }
    }
}

/// Levels 0-8.
const LEVELS: usize = 9;

/// The numbering definitions of one document, and the counters while it is read.
#[derive(Debug, Default)]
pub(crate) struct Numbering {
    abstracts: HashMap<String, Vec<Level>>,
    /// numId -> (abstractNumId, start overrides by level).
    nums: HashMap<String, (String, HashMap<usize, u32>)>,
    counters: HashMap<String, [Option<u32>; LEVELS]>,
    /// (numId, level) pairs whose start override has been applied.
    restarted: HashSet<(String, usize)>,
}

impl Numbering {
    /// Reads `word/numbering.xml`. Malformed XML ends the reading quietly: numbering only
    /// adds labels, and the document itself is still worth reading. Definitions are counted
    /// against [`crate::MAX_NUMBERINGS`]: each costs its nine levels, from a few bytes.
    pub(crate) fn read(part: &mut XmlPart<impl Read>) -> Result<Self, TextError> {
        let mut n = Numbering::default();
        let mut count = Tally::new(Limit::Numberings);
        let mut abstract_id: Option<String> = None;
        let mut num_id: Option<String> = None;
        let mut level: Option<usize> = None;
        loop {
            let event = match part.next() {
                Ok(Event::Eof) | Err(TextError::Xml { .. }) => break,
                Err(e) => return Err(e),
                Ok(e) => e,
            };
            match event {
                Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                    b"abstractNum" => {
                        count.add(1)?;
                        abstract_id = attr(&e, b"abstractNumId");
                        if let Some(id) = &abstract_id {
                            n.abstracts
                                .insert(id.clone(), vec![Level::default(); LEVELS]);
                        }
                    }
                    b"num" => {
                        count.add(1)?;
                        num_id = attr(&e, b"numId");
                        if let Some(id) = &num_id {
                            n.nums.insert(id.clone(), (String::new(), HashMap::new()));
                        }
                    }
                    b"abstractNumId" => {
                        if let (Some(id), Some(v)) = (&num_id, attr(&e, b"val")) {
                            if let Some(entry) = n.nums.get_mut(id) {
                                entry.0 = v;
                            }
                        }
                    }
                    b"lvl" | b"lvlOverride" => {
                        level = attr(&e, b"ilvl")
                            .and_then(|v| v.parse::<usize>().ok())
                            .filter(|l| *l < LEVELS);
                    }
                    b"startOverride" => {
                        if let (Some(id), Some(l), Some(v)) = (
                            &num_id,
                            level,
                            attr(&e, b"val").and_then(|v| v.parse::<u32>().ok()),
                        ) {
                            if let Some(entry) = n.nums.get_mut(id) {
                                entry.1.insert(l, v);
                            }
                        }
                    }
                    name @ (b"start" | b"numFmt" | b"lvlText") if num_id.is_none() => {
                        let Some(lvl) = abstract_id
                            .as_ref()
                            .zip(level)
                            .and_then(|(id, l)| n.abstracts.get_mut(id)?.get_mut(l))
                        else {
                            continue;
                        };
                        let v = attr(&e, b"val").unwrap_or_default();
                        match name {
                            b"start" => lvl.start = v.parse().unwrap_or(1),
                            b"numFmt" => lvl.fmt = fmt_of(&v),
                            _ => lvl.text = v,
                        }
                    }
                    _ => {}
                },
                Event::End(e) => match e.local_name().as_ref() {
                    b"abstractNum" => abstract_id = None,
                    b"num" => num_id = None,
                    b"lvl" | b"lvlOverride" => level = None,
                    _ => {}
                },
                _ => {}
            }
        }
        Ok(n)
    }

    /// Counts one paragraph numbered `num_id` at level `ilvl` and returns its label ("5.1",
    /// "a)", "——"), or None when the instance is unknown or prints nothing.
    pub(crate) fn next_label(&mut self, num_id: &str, ilvl: usize) -> Option<String> {
        let ilvl = ilvl.min(LEVELS - 1);
        let (abstract_id, overrides) = self.nums.get(num_id)?;
        let levels = self.abstracts.get(abstract_id)?;
        if !self.counters.contains_key(abstract_id) {
            self.counters.insert(abstract_id.clone(), [None; LEVELS]);
        }
        let counters = self.counters.get_mut(abstract_id)?;
        let restart = overrides
            .get(&ilvl)
            .copied()
            .filter(|_| self.restarted.insert((num_id.to_string(), ilvl)));
        counters[ilvl] = Some(match (restart, counters[ilvl]) {
            (Some(s), _) => s,
            (None, Some(c)) => c.saturating_add(1),
            (None, None) => levels[ilvl].start,
        });
        for c in counters.iter_mut().skip(ilvl + 1) {
            *c = None;
        }
        let level = &levels[ilvl];
        if level.fmt == Fmt::Bullet {
            return Some(bullet(&level.text)).filter(|s| !s.is_empty());
        }
        // Level text such as "%1.%2" or "附录%1" or "%2)": each %k is level k's counter.
        let mut out = String::new();
        let mut chars = level.text.chars().peekable();
        while let Some(c) = chars.next() {
            let k = match (c, chars.peek()) {
                ('%', Some(d)) if ('1'..='9').contains(d) => *d as usize - '1' as usize,
                _ => {
                    out.push(c);
                    continue;
                }
            };
            chars.next();
            let l = &levels[k];
            let value = counters[k].unwrap_or(l.start);
            out.push_str(&format_counter(value, l.fmt));
        }
        let out = out.trim().to_string();
        (!out.is_empty()).then_some(out)
    }
}

/// A bullet's text: symbol-font bullets (private-use code points) print as "•", which the
/// checker then names; GB/T's dash is kept as written.
fn bullet(text: &str) -> String {
    text.chars()
        .map(|c| {
            if ('\u{E000}'..='\u{F8FF}').contains(&c) {
                '•'
            } else {
                c
            }
        })
        .collect::<String>()
        .trim()
        .to_string()
}

fn format_counter(n: u32, fmt: Fmt) -> String {
    match fmt {
        Fmt::Decimal | Fmt::Bullet => n.to_string(),
        Fmt::DecimalZero => format!("{n:02}"),
        Fmt::LowerLetter => letters(n),
        Fmt::UpperLetter => letters(n).to_ascii_uppercase(),
        Fmt::LowerRoman => roman(n).to_ascii_lowercase(),
        Fmt::UpperRoman => roman(n),
        Fmt::Chinese => chinese(n),
        Fmt::Circled => match n {
            1..=20 => char::from_u32('①' as u32 + n - 1)
                .map(String::from)
                .unwrap_or_else(|| n.to_string()),
            _ => n.to_string(),
        },
        Fmt::None => String::new(),
    }
}

/// a..z, then aa, bb, ... as Word does.
fn letters(n: u32) -> String {
    if n == 0 {
        return "0".into();
    }
    let c = char::from(b'a' + ((n - 1) % 26) as u8);
    let times = ((n - 1) / 26 + 1).min(64) as usize;
    std::iter::repeat_n(c, times).collect()
}

fn roman(mut n: u32) -> String {
    if n == 0 || n > 3999 {
        return n.to_string();
    }
    let mut out = String::new();
    for (v, s) in [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ] {
        while n >= v {
            out.push_str(s);
            n -= v;
        }
    }
    out
}

/// 一 .. 九十九, as chapter labels in Chinese documents go; larger numbers in digits.
fn chinese(n: u32) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => D[n as usize].to_string(),
        10..=19 => format!("十{}", if n > 10 { D[(n % 10) as usize] } else { "" }),
        20..=99 => format!(
            "{}十{}",
            D[(n / 10) as usize],
            if n % 10 > 0 { D[(n % 10) as usize] } else { "" }
        ),
        _ => n.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const XML: &str = r#"<w:numbering xmlns:w="w">
      <w:abstractNum w:abstractNumId="0">
        <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1"/></w:lvl>
        <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2"/></w:lvl>
      </w:abstractNum>
      <w:abstractNum w:abstractNumId="1">
        <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%1)"/></w:lvl>
        <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2)"/></w:lvl>
      </w:abstractNum>
      <w:abstractNum w:abstractNumId="2">
        <w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="&#xF0B7;"/></w:lvl>
      </w:abstractNum>
      <w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
      <w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>
      <w:num w:numId="3"><w:abstractNumId w:val="1"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>
      <w:num w:numId="4"><w:abstractNumId w:val="2"/></w:num>
    </w:numbering>"#;

    #[test]
    fn labels_count_per_level_and_restart_deeper_levels() {
        let mut n = Numbering::read(&mut XmlPart::new("numbering.xml", XML.as_bytes())).unwrap();
        let mut next = |id: &str, l: usize| n.next_label(id, l).unwrap_or_default();
        assert_eq!(next("1", 0), "1");
        assert_eq!(next("1", 1), "1.1");
        assert_eq!(next("1", 1), "1.2");
        assert_eq!(next("1", 0), "2");
        assert_eq!(next("1", 1), "2.1");
        assert_eq!(next("2", 0), "a)");
        assert_eq!(next("2", 1), "1)");
        assert_eq!(next("2", 1), "2)");
        assert_eq!(next("2", 0), "b)");
        assert_eq!(next("2", 1), "1)");
        // A new instance with a start override restarts the list.
        assert_eq!(next("3", 0), "a)");
        assert_eq!(next("3", 0), "b)");
        assert_eq!(next("4", 0), "•");
        assert!(n.next_label("99", 0).is_none());
    }

    #[test]
    fn counters_print_in_every_format() {
        assert_eq!(letters(27), "aa");
        assert_eq!(roman(14), "XIV");
        assert_eq!(chinese(21), "二十一");
        assert_eq!(chinese(10), "十");
        assert_eq!(format_counter(3, Fmt::Circled), "③");
        assert_eq!(format_counter(u32::MAX, Fmt::LowerLetter).len(), 64);
    }
}
