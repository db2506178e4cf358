//! Opening hours (开放时间): a weekly pattern plus public holidays, and the national holiday
//! calendar that says which dates are holidays (放假) and which weekend days are working days
//! (调休上班), so that "open now" is right on 国庆 and on a make-up Saturday.
//!
//! The text form is a small subset of OpenStreetMap's `opening_hours`, with the Chinese
//! phrasings that facility lists use:
//!
//! ```text
//! Mo-Fr 08:30-12:00,14:00-17:30; Sa 09:00-12:00; PH off
//! 周一至周五 8:30-17:30；周六 9:00-12:00；法定节假日休息
//! 每天 06:00-22:00
//! 24/7
//! ```
//!
//! Rules apply in order and a later rule replaces an earlier one for the days it names. A
//! day no rule names is closed. Public holidays follow the weekday's hours unless a `PH`
//! (节假日) rule says otherwise; a make-up working day keeps Monday's hours.

use std::collections::BTreeMap;
use std::fmt;

use time::{Date, PrimitiveDateTime, Weekday};

use crate::text::fold_width;

/// The shipped calendar (`data/calendar/holidays.csv`).
pub const HOLIDAYS_CSV: &str = include_str!("../../../data/calendar/holidays.csv");

/// From and to, in minutes after midnight; `to` may be 1440 (24:00).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Span {
    /// Opens, minutes after midnight.
    pub from: u16,
    /// Closes, minutes after midnight, after `from`.
    pub to: u16,
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:02}:{:02}-{:02}:{:02}",
            self.from / 60,
            self.from % 60,
            self.to / 60,
            self.to % 60
        )
    }
}

/// Parsed opening hours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpeningHours {
    /// Monday first.
    week: [Vec<Span>; 7],
    /// Hours on public holidays; `None` follows the weekday.
    holiday: Option<Vec<Span>>,
}

/// Opening hours that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", crate::msg!("hours-error", input = input, message = message))]
pub struct HoursError {
    /// The whole text.
    pub input: String,
    /// What is wrong, naming the part.
    pub message: String,
}

/// What a date is in the national calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayKind {
    /// 放假: a public holiday (or a day of a holiday period).
    Holiday,
    /// 调休上班: a weekend day worked in exchange.
    Workday,
}

/// Holidays and make-up working days by date.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    days: BTreeMap<Date, DayKind>,
}

impl Calendar {
    /// The shipped calendar: the State Council's published schedule (see data/README.md).
    pub fn shipped() -> Self {
        // The shipped file is checked by a test; an unreadable one would fail it.
        Self::parse(HOLIDAYS_CSV).unwrap_or_default()
    }

    /// Reads `日期,类型,节日` lines (类型 休 or 班), naming the line at fault.
    pub fn parse(csv: &str) -> Result<Self, String> {
        let mut days = BTreeMap::new();
        let fmt = time::macros::format_description!("[year]-[month]-[day]");
        for (i, line) in csv.lines().enumerate().skip(1) {
            if line.trim().is_empty() {
                continue;
            }
            let cols: Vec<&str> = line.split(',').map(str::trim).collect();
            let date = Date::parse(cols[0], &fmt)
                .map_err(|_| format!("line {}: '{}' is not a date YYYY-MM-DD", i + 1, cols[0]))?;
            let kind = match cols.get(1).copied() {
                Some("休") => DayKind::Holiday,
                Some("班") => DayKind::Workday,
                other => {
                    return Err(format!(
                        "line {}: type '{}' must be 休 (holiday) or 班 (make-up working day)",
                        i + 1,
                        other.unwrap_or("")
                    ))
                }
            };
            days.insert(date, kind);
        }
        Ok(Calendar { days })
    }

    /// What `date` is, if it is special.
    pub fn kind(&self, date: Date) -> Option<DayKind> {
        self.days.get(&date).copied()
    }

    /// The years the calendar covers.
    pub fn years(&self) -> Vec<i32> {
        let mut y: Vec<i32> = self.days.keys().map(|d| d.year()).collect();
        y.dedup();
        y
    }
}

const EN_DAYS: [&str; 7] = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"];
const ZH_DAYS: [char; 7] = ['一', '二', '三', '四', '五', '六', '日'];

enum Sel {
    Days([bool; 7]),
    Holiday,
}

fn day_index(tok: &str) -> Option<usize> {
    if let Some(i) = EN_DAYS.iter().position(|d| d.eq_ignore_ascii_case(tok)) {
        return Some(i);
    }
    let t = tok
        .trim_start_matches("星期")
        .trim_start_matches("周")
        .trim_start_matches("礼拜");
    let c = t.chars().next()?;
    if t.chars().count() != 1 {
        return None;
    }
    if c == '天' {
        return Some(6);
    }
    ZH_DAYS.iter().position(|&z| z == c)
}

/// Reads a day selector, or None when `s` is not one.
fn selector(s: &str) -> Option<Sel> {
    let s = s.trim();
    match s {
        "PH" | "节假日" | "法定节假日" | "节假日期间" | "法定节假日期间" => {
            return Some(Sel::Holiday)
        }
        "每天" | "每日" | "全周" | "周一至周日" => return Some(Sel::Days([true; 7])),
        "工作日" => return Some(Sel::Days([true, true, true, true, true, false, false])),
        "周末" | "双休日" => {
            return Some(Sel::Days([false, false, false, false, false, true, true]))
        }
        _ => {}
    }
    let mut days = [false; 7];
    for part in s.split([',', '、']) {
        let part = part.trim();
        let range: Vec<&str> = part.split(['-', '至', '到', '~']).map(str::trim).collect();
        match range.as_slice() {
            [one] => days[day_index(one)?] = true,
            [a, b] => {
                let (a, b) = (day_index(a)?, day_index(b)?);
                let mut i = a;
                loop {
                    days[i] = true;
                    if i == b {
                        break;
                    }
                    i = (i + 1) % 7;
                }
            }
            _ => return None,
        }
    }
    Some(Sel::Days(days))
}

fn minutes(t: &str) -> Option<u16> {
    let t = t.trim().replace('：', ":");
    let (h, m) = t.split_once(':').unwrap_or((t.as_str(), "00"));
    let (h, m): (u16, u16) = (h.trim().parse().ok()?, m.trim().parse().ok()?);
    if m >= 60 || h > 24 || (h == 24 && m != 0) {
        return None;
    }
    Some(h * 60 + m)
}

fn spans(s: &str) -> Result<Vec<Span>, String> {
    let s = s.trim();
    if matches!(
        s,
        "off" | "closed" | "休息" | "闭馆" | "不开放" | "关闭" | "休馆"
    ) {
        return Ok(vec![]);
    }
    if matches!(s, "24小时" | "全天" | "00:00-24:00") {
        return Ok(vec![Span { from: 0, to: 1440 }]);
    }
    let mut out = vec![];
    for part in s.split([',', '、', ' ']).filter(|p| !p.trim().is_empty()) {
        let (a, b) = part
            .split_once(['-', '~', '至', '–', '—'])
            .ok_or_else(|| crate::msg!("hours-not-range", part = part))?;
        let from = minutes(a).ok_or_else(|| crate::msg!("hours-not-time", value = a))?;
        let to = minutes(b).ok_or_else(|| crate::msg!("hours-not-time", value = b))?;
        if to <= from {
            return Err(crate::msg!("hours-closes-before-opening", part = part));
        }
        out.push(Span { from, to });
    }
    out.sort();
    if out.windows(2).any(|w| w[1].from < w[0].to) {
        return Err(crate::msg!("hours-overlap", value = s));
    }
    Ok(out)
}

/// Lists write "周二至周日 09:00-21:00，法定节假日休息": a comma that separates rules, not time
/// ranges or days. A comma after the rule's times, followed by something other than a
/// digit, starts a new rule ("Mo,We 08:00-12:00" keeps its day list).
fn comma_rules(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut timed = false;
    for (i, &c) in chars.iter().enumerate() {
        let next = chars[i + 1..].iter().find(|n| !n.is_whitespace());
        if matches!(c, ';' | '；' | '\n') {
            timed = false;
        } else if c.is_ascii_digit() {
            timed = true;
        }
        if timed && (c == ',' || c == '，') && next.is_some_and(|n| !n.is_ascii_digit()) {
            out.push(';');
            timed = false;
        } else {
            out.push(c);
        }
    }
    out
}

impl OpeningHours {
    /// Reads the text form (see the module documentation).
    pub fn parse(raw: &str) -> Result<Self, HoursError> {
        let err = |message: String| HoursError {
            input: raw.trim().to_string(),
            message,
        };
        let text = fold_width(raw);
        let text = text.trim();
        if text.is_empty() {
            return Err(err(crate::msg!("hours-empty")));
        }
        let mut week: [Vec<Span>; 7] = Default::default();
        let mut holiday = None;
        if text == "24/7" || text == "全天24小时" || text == "24小时开放" {
            let all = vec![Span { from: 0, to: 1440 }];
            return Ok(OpeningHours {
                week: std::array::from_fn(|_| all.clone()),
                holiday,
            });
        }
        let text = comma_rules(text);
        for rule in text
            .split([';', '；', '\n'])
            .map(str::trim)
            .filter(|r| !r.is_empty())
        {
            // "PH off", "周一至周五 8:30-17:30", "法定节假日休息", "8:30-17:30".
            let split = rule
                .char_indices()
                .find(|(_, c)| c.is_ascii_digit() || c.is_whitespace())
                .map(|(i, _)| i);
            let (sel_text, times) = match split {
                Some(0) => ("每天", rule),
                Some(i) => (rule[..i].trim(), rule[i..].trim()),
                None => {
                    // No digit: a closing phrase glued to its days, "法定节假日休息".
                    let word = ["休息", "闭馆", "不开放", "关闭", "休馆", "off", "closed"]
                        .into_iter()
                        .find(|w| rule.ends_with(w))
                        .ok_or_else(|| err(crate::msg!("hours-no-times", rule = rule)))?;
                    (rule[..rule.len() - word.len()].trim(), word)
                }
            };
            let sel_text = if sel_text.is_empty() {
                "每天"
            } else {
                sel_text
            };
            let sel = selector(sel_text)
                .ok_or_else(|| err(crate::msg!("hours-not-day", value = sel_text)))?;
            let s = spans(times).map_err(err)?;
            match sel {
                Sel::Holiday => holiday = Some(s),
                Sel::Days(days) => {
                    for (i, on) in days.iter().enumerate() {
                        if *on {
                            week[i] = s.clone();
                        }
                    }
                }
            }
        }
        Ok(OpeningHours { week, holiday })
    }

    /// The hours of `date`, holidays and make-up working days taken into account.
    pub fn on(&self, date: Date, cal: &Calendar) -> &[Span] {
        match cal.kind(date) {
            Some(DayKind::Holiday) => match &self.holiday {
                Some(h) => h,
                None => &self.week[date.weekday().number_days_from_monday() as usize],
            },
            Some(DayKind::Workday) => {
                &self.week[Weekday::Monday.number_days_from_monday() as usize]
            }
            None => &self.week[date.weekday().number_days_from_monday() as usize],
        }
    }

    /// Whether it is open at `at` (local time).
    pub fn is_open(&self, at: PrimitiveDateTime, cal: &Calendar) -> bool {
        let m = u16::from(at.hour()) * 60 + u16::from(at.minute());
        self.on(at.date(), cal)
            .iter()
            .any(|s| s.from <= m && m < s.to)
    }
}

impl fmt::Display for OpeningHours {
    /// The canonical English form: days with the same hours grouped.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts: Vec<String> = vec![];
        let mut i = 0;
        while i < 7 {
            let mut j = i;
            while j + 1 < 7 && self.week[j + 1] == self.week[i] {
                j += 1;
            }
            if !self.week[i].is_empty() {
                let days = if i == j {
                    EN_DAYS[i].to_string()
                } else {
                    format!("{}-{}", EN_DAYS[i], EN_DAYS[j])
                };
                let times: Vec<String> = self.week[i].iter().map(Span::to_string).collect();
                parts.push(format!("{days} {}", times.join(",")));
            }
            i = j + 1;
        }
        if let Some(h) = &self.holiday {
            if h.is_empty() {
                parts.push("PH off".into());
            } else {
                parts.push(format!(
                    "PH {}",
                    h.iter().map(Span::to_string).collect::<Vec<_>>().join(",")
                ));
            }
        }
        if parts.is_empty() {
            parts.push("off".into());
        }
        f.write_str(&parts.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn weekly_hours_with_holidays_and_make_up_days() {
        let h =
            OpeningHours::parse("Mo-Fr 08:30-12:00,14:00-17:30; Sa 09:00-12:00; PH off").unwrap();
        let cal = Calendar::shipped();
        // A Wednesday in term: open in the morning, closed at lunch.
        assert!(h.is_open(datetime!(2026-11-25 09:00), &cal));
        assert!(!h.is_open(datetime!(2026-11-25 12:30), &cal));
        assert!(
            !h.is_open(datetime!(2026-11-25 17:30), &cal),
            "closes at 17:30"
        );
        // 国庆: a Friday (2 October) that is a holiday.
        assert!(!h.is_open(datetime!(2026-10-02 09:00), &cal));
        // 10 October, a Saturday worked for 国庆: Monday's hours, so open at 15:00.
        assert!(h.is_open(datetime!(2026-10-10 15:00), &cal));
        // An ordinary Sunday: closed.
        assert!(!h.is_open(datetime!(2026-11-29 10:00), &cal));
        assert_eq!(
            h.to_string(),
            "Mo-Fr 08:30-12:00,14:00-17:30; Sa 09:00-12:00; PH off"
        );
    }

    #[test]
    fn chinese_phrasings_read_the_same() {
        let zh = OpeningHours::parse(
            "周一至周五 8:30-12:00、14:00-17:30；周六 9:00-12:00；法定节假日休息",
        )
        .unwrap();
        let en =
            OpeningHours::parse("Mo-Fr 08:30-12:00,14:00-17:30; Sa 09:00-12:00; PH off").unwrap();
        assert_eq!(zh, en);
        let park = OpeningHours::parse("每天 06:00-22:00").unwrap();
        assert!(
            park.is_open(datetime!(2026-10-02 07:00), &Calendar::shipped()),
            "holidays follow the weekday"
        );
        let always = OpeningHours::parse("24/7").unwrap();
        assert!(always.is_open(datetime!(2026-02-17 03:00), &Calendar::shipped()));
        assert_eq!(
            OpeningHours::parse("工作日 9:00-17:00；周末 10:00-16:00")
                .unwrap()
                .to_string(),
            "Mo-Fr 09:00-17:00; Sa-Su 10:00-16:00"
        );
        assert_eq!(
            OpeningHours::parse("Ｍｏ－Ｆｒ　０９：００－１７：００")
                .unwrap()
                .to_string(),
            "Mo-Fr 09:00-17:00"
        );
        let closed = OpeningHours::parse("Mo off").unwrap();
        assert_eq!(closed.to_string(), "off");
        assert_eq!(OpeningHours::parse("off").unwrap(), closed);
        assert_eq!(
            OpeningHours::parse("PH 09:00-12:00").unwrap().to_string(),
            "PH 09:00-12:00"
        );
    }

    #[test]
    fn malformed_hours_name_the_part() {
        for (raw, part) in [
            ("", "为空"),
            ("Xx 09:00-17:00", "“Xx”不是星期"),
            ("Mo-Fr 9:00", "“9:00”不是时间段"),
            ("Mo-Fr 25:00-26:00", "“25:00”不是钟点"),
            ("Mo-Fr 18:00-09:00", "结束时间早于开始时间"),
            ("Mo-Fr 09:00-12:00,11:00-13:00", "重叠"),
            ("周一至周五", "没有写时间"),
        ] {
            let e = OpeningHours::parse(raw).unwrap_err();
            assert!(e.to_string().contains(part), "{raw}: {e}");
        }
    }

    #[test]
    fn the_shipped_calendar_is_the_published_2026_schedule() {
        let cal = Calendar::shipped();
        assert_eq!(cal.years(), vec![2026]);
        assert_eq!(cal.days.len(), 39);
        assert_eq!(
            cal.kind(time::macros::date!(2026 - 02 - 15)),
            Some(DayKind::Holiday)
        );
        assert_eq!(
            cal.kind(time::macros::date!(2026 - 02 - 28)),
            Some(DayKind::Workday)
        );
        assert_eq!(cal.kind(time::macros::date!(2026 - 03 - 02)), None);
        // Every make-up working day is a weekend day; every holiday period has its dates.
        for (d, k) in &cal.days {
            if *k == DayKind::Workday {
                assert!(
                    matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday),
                    "{d}"
                );
            }
        }
        assert!(Calendar::parse("日期,类型,节日\n2026-13-01,休,x\n")
            .unwrap_err()
            .contains("line 2"));
        assert!(Calendar::parse("日期,类型,节日\n2026-01-01,假,x\n")
            .unwrap_err()
            .contains("休"));
    }

    proptest::proptest! {
        #[test]
        fn no_text_panics_the_parser(s in "\\PC{0,60}") {
            if let Ok(h) = OpeningHours::parse(&s) {
                // The canonical form reads back to the same hours.
                proptest::prop_assert_eq!(OpeningHours::parse(&h.to_string()).unwrap(), h);
            }
        }
    }
}

#[cfg(test)]
mod facility_list_forms {
    use super::*;

    /// The phrasings facility lists use (and the demo's points file), each read and printed
    /// back in a form that reads again to the same hours.
    #[test]
    fn the_forms_facility_lists_use_read_and_round_trip() {
        for raw in [
            "Mo-Fr 08:30-12:00,14:00-17:30; PH off",
            "Mo-Su 08:00-21:00",
            "Mo-Sa 09:00-21:00; Su 09:00-17:00; PH off",
            "24/7",
            "Mo-Fr 08:00-17:00; Sa 08:00-12:00; PH off",
            "周一至周五 08:30-12:00,14:00-17:30",
            "每天 06:00-22:00",
            "周二至周日 09:00-21:00，法定节假日休息",
            "Mo,We 08:00-12:00, Sa 09:00-11:00",
            "周一、周三 08:00-12:00",
        ] {
            let h = OpeningHours::parse(raw).unwrap_or_else(|e| panic!("{raw}: {e}"));
            let again = OpeningHours::parse(&h.to_string()).expect("canonical form reads");
            assert_eq!(h, again, "{raw} -> {h}");
        }
        let h = OpeningHours::parse("Mo,We 08:00-12:00, Sa 09:00-11:00").expect("reads");
        assert_eq!(
            h.to_string(),
            "Mo 08:00-12:00; We 08:00-12:00; Sa 09:00-11:00"
        );
    }
}
