//! Calendar dates as `yyyymmdd` integers.
//!
//! Why integers: a whole population's birth dates are one `u32` column, and the age in
//! whole years at a reference date `r` is `(r - b) / 10000` for any two such integers
//! (the month and day digits only borrow when the birthday has not come yet), so "aged 65
//! or over" is the single comparison `b <= r - 650000`. No per-person date arithmetic runs
//! in the population path.

/// A valid Gregorian date from 1900-01-01 to 2199-12-31, as `yyyymmdd`.
pub type Ymd = u32;

/// Whether `y` is a leap year.
pub fn is_leap(y: u32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// Days in a month of a year.
pub fn days_in_month(y: u32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        _ => 28,
    }
}

/// Builds a date, `None` if it does not exist or is outside the supported years.
pub fn ymd(y: u32, m: u32, d: u32) -> Option<Ymd> {
    ((1900..=2199).contains(&y) && (1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m))
        .then_some(y * 10000 + m * 100 + d)
}

/// Year, month, day of a date.
pub fn parts(v: Ymd) -> (u32, u32, u32) {
    (v / 10000, v / 100 % 100, v % 100)
}

/// Parses `YYYY-MM-DD` (also `YYYY/MM/DD`, `YYYY.MM.DD`, `YYYYMMDD` and `YYYY年M月D日`).
pub fn parse(raw: &str) -> Option<Ymd> {
    let s = raw.trim();
    if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        let n: u32 = s.parse().ok()?;
        return ymd(n / 10000, n / 100 % 100, n % 100);
    }
    let s = s.replace(['年', '月'], "-").replace('日', "");
    let mut it = s.split(['-', '/', '.']);
    let y = it.next()?.trim().parse().ok()?;
    let m = it.next()?.trim().parse().ok()?;
    let d = it.next()?.trim().parse().ok()?;
    if it.next().is_some() {
        return None;
    }
    ymd(y, m, d)
}

/// `YYYY-MM-DD`.
pub fn format(v: Ymd) -> String {
    let (y, m, d) = parts(v);
    format!("{y:04}-{m:02}-{d:02}")
}

/// `YYYY年M月D日`, for reasons shown to residents.
pub fn format_zh(v: Ymd) -> String {
    let (y, m, d) = parts(v);
    format!("{y}年{m}月{d}日")
}

/// Whole years from `birth` to `at` (negative if `birth` is later).
pub fn years_between(birth: Ymd, at: Ymd) -> i64 {
    (at as i64 - birth as i64).div_euclid(10000)
}

/// Whole months from `birth` to `at`: a month is complete on the same day of the month
/// (or later), so 01-31 to 02-28 is 0 months.
pub fn months_between(birth: Ymd, at: Ymd) -> i64 {
    let (by, bm, bd) = parts(birth);
    let (ay, am, ad) = parts(at);
    (ay as i64 * 12 + am as i64) - (by as i64 * 12 + bm as i64) - i64::from(ad < bd)
}

/// The largest `yyyymmdd` integer `b` (not necessarily a real date) with
/// `months_between(b, at) >= n`: the same day of the month `n` months earlier.
pub fn months_back_bound(at: Ymd, n: i64) -> i64 {
    let (ay, am, ad) = parts(at);
    let total = ay as i64 * 12 + (am as i64 - 1) - n;
    let (y, m) = (total.div_euclid(12), total.rem_euclid(12) + 1);
    y * 10000 + m * 100 + ad as i64
}

/// A date `years` years and `days` days before `at`, clamping 02-29 to 02-28; for turning
/// "aged 70" in an example into a birth date in the middle of that year of age.
pub fn back(at: Ymd, years: u32, days: u32) -> Option<Ymd> {
    let (y, m, d) = parts(at);
    let y = y.checked_sub(years)?;
    let d = d.min(days_in_month(y, m));
    let mut v = ymd(y, m, d)?;
    for _ in 0..days {
        v = prev_day(v)?;
    }
    Some(v)
}

/// The day before.
pub fn prev_day(v: Ymd) -> Option<Ymd> {
    let (y, m, d) = parts(v);
    if d > 1 {
        return ymd(y, m, d - 1);
    }
    if m > 1 {
        return ymd(y, m - 1, days_in_month(y, m - 1));
    }
    ymd(y.checked_sub(1)?, 12, 31)
}

/// Days since 1970-01-01 (negative before), for synthesizing uniform birth dates.
pub fn to_days(v: Ymd) -> i64 {
    let (y, m, d) = parts(v);
    let (y, m) = if m <= 2 {
        (y as i64 - 1, m as i64 + 9)
    } else {
        (y as i64, m as i64 - 3)
    };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

/// The inverse of [`to_days`].
pub fn from_days(z: i64) -> Ymd {
    let z = z + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y * 10000 + m * 100 + d) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_age_is_calendar_age() {
        let at = 20261125;
        assert_eq!(years_between(19561125, at), 70);
        assert_eq!(years_between(19561126, at), 69);
        // Born on 29 February: a year older on 1 March in common years.
        assert_eq!(years_between(20000229, 20260228), 25);
        assert_eq!(years_between(20000229, 20260301), 26);
        for b in [19000101, 19991231, 20240229, 20261124] {
            let (by, bm, bd) = parts(b);
            let (ay, am, ad) = parts(at);
            let calendar = ay as i64 - by as i64 - i64::from((am, ad) < (bm, bd));
            assert_eq!(years_between(b, at), calendar, "{b}");
        }
    }

    #[test]
    fn months_and_their_bound_agree() {
        let mut b = 20200101;
        let at = 20260331;
        while b <= at {
            for n in [0, 1, 12, 35, 36, 73] {
                let bound = months_back_bound(at, n);
                assert_eq!(months_between(b, at) >= n, (b as i64) <= bound, "{b} {n}");
            }
            b = from_days(to_days(b) + 1);
        }
    }

    #[test]
    fn days_round_trip_and_parse() {
        for v in [19000101, 19700101, 20000229, 20261125, 21991231] {
            assert_eq!(from_days(to_days(v)), v);
        }
        assert_eq!(to_days(19700101), 0);
        assert_eq!(parse("2026-02-29"), None);
        assert_eq!(parse("2024年2月29日"), Some(20240229));
        assert_eq!(parse("20240229"), Some(20240229));
        assert_eq!(back(20240229, 1, 0), Some(20230228));
        assert_eq!(prev_day(20260101), Some(20251231));
    }
}
